"""Outreach: ideas and comments from residents without an account.

A guide writes an idea or comment down on a resident's behalf (no personal
data: only the text and the language the resident used); a resident without an
account sends an idea through a short form and follows it with a tracking code.
The code is shown once (and mailed if asked); only its SHA-256 is stored, and
the e-mail address is never written anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge
from inhabithon.comments.models import Comment
from inhabithon.db import db
from inhabithon.ideas.models import Idea, IdeaStatus, IdeaTracking, Origin
from inhabithon.ideas.services import IdeaData, add_idea
from inhabithon.moderation.models import ModerationAction, ModerationKind

CODE_BYTES = 20  # 160 bits, 32 base32 characters
_GROUP = 4
_NOT_BASE32 = re.compile(r"[^A-Z2-7]")
_CONFUSABLE = str.maketrans("018", "OIB")


def submit_on_behalf(challenge: Challenge, guide: User, data: IdeaData) -> Idea:
    """Publish an idea a guide wrote down for a resident without an account.

    It belongs to no account and is shown as coming "via the contact center";
    the guide is recorded (``submitted_by``) for officials only. Only while
    the challenge accepts ideas.
    """
    idea = add_idea(challenge, data, author=None, origin=Origin.CONTACT_CENTER, submitted_by=guide)
    record(guide, "idea.submitted_on_behalf", idea, after={"challenge_id": challenge.id})
    return idea


@dataclass
class TrackedIdea:
    idea: Idea
    code: str  # shown once; never stored


def new_tracking_code() -> str:
    """A random code in groups of four base32 characters, easy to read aloud."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=")
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))


def normalize_code(code: str) -> str:
    """The code as typed, without spaces, dashes or case; confusable 0/1/8 read as O/I/B."""
    folded = (code or "").upper().translate(_CONFUSABLE)
    return _NOT_BASE32.sub("", folded)


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode("ascii")).hexdigest()


def submit_without_account(challenge: Challenge, data: IdeaData) -> TrackedIdea:
    """An idea from a resident without an account: held for an official's
    review (pending) and followed with a tracking code, whose hash is stored."""
    idea = add_idea(
        challenge, data, author=None, origin=Origin.NO_ACCOUNT, status=IdeaStatus.PENDING
    )
    code = new_tracking_code()
    db.session.add(IdeaTracking(idea_id=idea.id, code_hash=code_hash(code)))
    db.session.flush()
    return TrackedIdea(idea, code)


def find_tracked_idea(code: str) -> Idea | None:
    """The idea a tracking code belongs to, found by the code's hash (an index
    lookup, so a wrong guess costs the same whatever it is)."""
    normalized = normalize_code(code)
    if len(normalized) < 16:
        return None
    return db.session.scalar(
        select(Idea)
        .join(IdeaTracking, IdeaTracking.idea_id == Idea.id)
        .options(selectinload(Idea.challenge))
        .where(IdeaTracking.code_hash == code_hash(normalized))
    )


def submitted_by_guide(guide: User) -> tuple[list[Idea], list[tuple[Comment, Idea]]]:
    """What ``guide`` wrote down for residents, newest first: ideas, and
    comments with the idea each is on."""
    ideas = db.session.scalars(
        select(Idea)
        .options(selectinload(Idea.challenge))
        .where(Idea.submitted_by_id == guide.id)
        .order_by(Idea.created_at.desc(), Idea.id.desc())
    ).all()
    comments = db.session.execute(
        select(Comment, Idea)
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.submitted_by_id == guide.id)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    ).all()
    return list(ideas), [(c, i) for c, i in comments]


def was_rejected(idea: Idea) -> bool:
    """Whether the idea was turned down in review (rather than hidden later)."""
    kind = db.session.scalar(
        select(ModerationAction.kind)
        .where(ModerationAction.idea_id == idea.id)
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(1)
    )
    return kind is ModerationKind.REJECT
