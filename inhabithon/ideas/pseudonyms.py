"""Pseudonyms: the name a user appears under in one challenge.

A pseudonym is stable for (user, challenge), so a discussion stays readable,
and different in every other challenge, so nobody can follow a person from one
challenge to the next. The name is drawn at random (never derived from the
account): a Latin genus of a tree or bird, the same in every interface
language, and a number.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inhabithon.accounts.models import Pseudonym, User
from inhabithon.challenges.models import Challenge
from inhabithon.db import db, utcnow

WORDS = (
    "Acer", "Alnus", "Betula", "Carpinus", "Corylus", "Fagus", "Fraxinus", "Juniperus",
    "Larix", "Malus", "Picea", "Pinus", "Populus", "Prunus", "Quercus", "Salix", "Sorbus",
    "Taxus", "Tilia", "Ulmus", "Alauda", "Anser", "Ardea", "Columba", "Corvus", "Cygnus",
    "Erithacus", "Falco", "Fringilla", "Larus", "Parus", "Passer", "Pica", "Sitta", "Sterna",
    "Strix", "Sturnus", "Turdus", "Upupa", "Vanellus",
)  # fmt: skip
_ATTEMPTS = 30


def _draw(attempt: int) -> str:
    # Two or three digits; a fourth only if a crowded challenge keeps colliding.
    upper = 1000 if attempt < _ATTEMPTS // 2 else 10000
    return f"{secrets.choice(WORDS)} {10 + secrets.randbelow(upper - 10)}"


def existing_pseudonym(user: User, challenge: Challenge) -> Pseudonym | None:
    return db.session.scalar(
        select(Pseudonym).where(
            Pseudonym.user_id == user.id, Pseudonym.challenge_id == challenge.id
        )
    )


def pseudonym_for(user: User, challenge: Challenge) -> Pseudonym:
    """The user's pseudonym in ``challenge``, created on first use.

    A name already taken in the challenge is drawn again; a concurrent first
    use by the same user ends with the row the other request created.
    """
    found = existing_pseudonym(user, challenge)
    if found is not None:
        return found
    taken = set(
        db.session.scalars(select(Pseudonym.name).where(Pseudonym.challenge_id == challenge.id))
    )
    for attempt in range(_ATTEMPTS):
        name = _draw(attempt)
        if name in taken:
            continue
        pseudonym = Pseudonym(
            user_id=user.id, challenge_id=challenge.id, name=name, created_at=utcnow()
        )
        try:
            with db.session.begin_nested():
                db.session.add(pseudonym)
        except IntegrityError:
            found = existing_pseudonym(user, challenge)
            if found is not None:
                return found
            taken.add(name)
            continue
        return pseudonym
    raise RuntimeError("no free pseudonym found")  # pragma: no cover - 400 000 names per challenge
