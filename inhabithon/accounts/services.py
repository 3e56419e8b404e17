"""Accounts: registration, authentication, roles."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inhabithon.accounts.models import Role, User, UserRole
from inhabithon.audit.services import record
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password, only for constant timing")

MIN_PASSWORD_LENGTH = 12


# Providers that deliver "first.last+tag@" to "firstlast@": dots and
# plus-aliases name the same mailbox there.
_DOTS_IGNORED = frozenset({"gmail.com", "googlemail.com"})
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
# Providers known to deliver plus-aliases to the base mailbox.
_PLUS_ALIASES = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "fastmail.com",
        "yahoo.com",
    }
)


def normalize_email(email: str) -> str:
    """The address mail goes to: trimmed, lower case."""
    return email.strip().lower()


def canonical_email(email: str) -> str:
    """The mailbox behind an address, so that one mailbox is one account.

    Case is ignored everywhere; plus-aliases where the provider ignores them
    (Gmail, Outlook, iCloud, ...) and dots at Gmail. Other providers may treat
    "a.b" and "ab" as different people, so their addresses keep dots and plus.
    """
    local, at, domain = normalize_email(email).rpartition("@")
    if not at:
        return normalize_email(email)
    domain = _DOMAIN_ALIASES.get(domain, domain)
    if domain in _PLUS_ALIASES:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: ``<id>:<session_version>``; a stale version ends the session."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.suspended_at is not None:
        return None
    return user


def find_user_by_email(email: str) -> User | None:
    """The account for this mailbox (any spelling of it), or None."""
    return db.session.scalar(select(User).where(User.email_canonical == canonical_email(email)))


def register_user(email: str, display_name: str, password: str, locale: str = "sv") -> User:
    """Create a resident account. Raises Conflict if the mailbox has one already."""
    email = normalize_email(email)
    canonical = canonical_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _l("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    taken = select(func.count()).select_from(User)
    if db.session.scalar(taken.where((User.email == email) | (User.email_canonical == canonical))):
        raise Conflict(_l("An account with this e-mail address already exists."), field="email")
    user = User(
        email=email,
        email_canonical=canonical,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with this e-mail and password, or None (also for suspended users)."""
    user = find_user_by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.suspended_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def set_roles(actor: User | None, user: User, roles: set[Role]) -> None:
    """Give and take roles; residents are everyone, so RESIDENT is never stored."""
    wanted = {r for r in roles if r is not Role.RESIDENT}
    current = {r.role for r in user.roles}
    if wanted == current:
        return
    if actor is not None and actor.id == user.id and Role.ADMIN in current - wanted:
        raise Conflict(_l("You cannot remove your own admin role."))
    for link in list(user.roles):
        if link.role not in wanted:
            user.roles.remove(link)
    for role in sorted(wanted - current):
        user.roles.append(
            UserRole(role=role, granted_at=utcnow(), granted_by_id=actor.id if actor else None)
        )
    db.session.flush()
    record(
        actor,
        "user.roles_changed",
        user,
        before={"roles": sorted(r.value for r in current)},
        after={"roles": sorted(r.value for r in wanted)},
    )
