"""Single-use, expiring tokens sent by e-mail; only their SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inhabithon.accounts.models import AccountToken, TokenPurpose, User
from inhabithon.db import db, utcnow
from inhabithon.errors import InvalidInput

# Longer than any token we make; anything longer is not worth a query.
_MAX_TOKEN_LENGTH = 100


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, hours: int, new_email: str | None = None) -> str:
    """A new single-use token for ``user``; only its SHA-256 is stored, the caller mails it."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(raw),
            new_email=new_email,
            expires_at=utcnow() + dt.timedelta(hours=hours),
        )
    )
    db.session.flush()
    return raw


def valid_token(raw: str, purpose: TokenPurpose) -> AccountToken:
    """The open token behind ``raw``; InvalidInput says why it cannot be used."""
    token = None
    if 0 < len(raw) <= _MAX_TOKEN_LENGTH:
        token = db.session.scalar(
            select(AccountToken).where(
                AccountToken.token_hash == _token_hash(raw), AccountToken.purpose == purpose
            )
        )
    if token is None or not token.user.is_active:
        raise InvalidInput(
            _l("This link is not valid. Check that you copied the whole link from the e-mail.")
        )
    if token.used_at is not None:
        raise InvalidInput(_l("This link has already been used. Each link works only once."))
    if token.expires_at <= utcnow():
        raise InvalidInput(_l("This link has expired."))
    return token


def close_tokens(user: User, purpose: TokenPurpose) -> None:
    """Mark every open token of ``purpose`` used, so no older link works any more."""
    db.session.execute(
        sa.update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
