"""What challenge and project translations share: storing one without
racing another official, and removing one, each with its audit entry."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.db import db
from inhabithon.errors import Conflict


def store_translation(
    actor: User | None, owner: Any, translation: Any, *, created: bool, domain: str
) -> None:
    """Flush ``translation`` (of ``owner``); a concurrent add of the same
    language becomes a Conflict. Audits ``<domain>.translation_added|changed``."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(
            _l("Someone else added this translation meanwhile. Open it and try again."),
            field="language",
        ) from None
    action = "translation_added" if created else "translation_changed"
    record(
        actor,
        f"{domain}.{action}",
        owner,
        after={"language": translation.language, "title": translation.title},
    )


def remove_translation(actor: User | None, owner: Any, translation: Any, *, domain: str) -> None:
    """Delete ``translation`` of ``owner`` (None: 409) and audit it."""
    if translation is None:
        raise Conflict(_l("There is no translation into this language."), field="language")
    db.session.delete(translation)
    db.session.flush()
    record(
        actor,
        f"{domain}.translation_deleted",
        owner,
        before={"language": translation.language, "title": translation.title},
    )
