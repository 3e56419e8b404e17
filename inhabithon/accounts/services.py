"""Accounts: registration, authentication, roles."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from inhabithon.accounts.models import Role, TokenPurpose, User, UserRole
from inhabithon.accounts.passwords import MIN_LENGTH, check_password
from inhabithon.accounts.tokens import close_tokens, issue_token, valid_token
from inhabithon.audit.services import record
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.mail.services import queue_mail

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password, only for constant timing")

MIN_PASSWORD_LENGTH = MIN_LENGTH


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


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_hashing_time() -> None:
    """Hash once for nothing, so a path that skips hashing takes as long as one that does."""
    _hasher.hash("not a real password, only for constant timing")


@cache
def _session_user_query() -> Select[User]:
    """One query with the roles (every page asks them), not the two of a plain get.
    Built once, as it runs on every request of a logged-in user, and on first use:
    a loader option needs every model mapped, which is not so while modules import."""
    return select(User).options(joinedload(User.roles)).where(User.id == bindparam("id"))


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: ``<id>:<session_version>``; a stale version ends the session."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalars(_session_user_query(), {"id": int(user_id)}).unique().first()
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
    check_password(password, email=email, display_name=display_name)
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


def _hours(setting: str) -> int:
    return int(current_app.config[setting])


# --- registration and e-mail verification --------------------------------------


def send_verification(user: User) -> None:
    """Mail ``user`` a link that confirms their address."""
    hours = _hours("TOKEN_HOURS_VERIFY")
    raw = issue_token(user, TokenPurpose.VERIFY_EMAIL, hours)
    queue_mail(
        user.email,
        _l("Confirm your e-mail address"),
        "account_verify",
        user.locale,
        name=user.display_name,
        token=raw,
        hours=hours,
    )


def sign_up(email: str, display_name: str, password: str, locale: str) -> User | None:
    """Register, without telling anyone whether the address already has an account.

    A new account gets a verification mail and is returned. When the mailbox
    has an account already, its owner is told by mail instead and None is
    returned; the caller shows the same answer either way.
    """
    check_password(password, email=email, display_name=display_name)
    existing = find_user_by_email(email)
    if existing is None:
        user = register_user(email, display_name, password, locale)
        send_verification(user)
        return user
    spend_hashing_time()  # as long as creating an account takes
    if existing.is_active:
        queue_mail(
            existing.email,
            _l("Someone tried to register with your e-mail address"),
            "account_exists",
            existing.locale,
            name=existing.display_name,
        )
    return None


def verify_email(raw: str) -> User:
    """Confirm the address the verification link was sent to."""
    token = valid_token(raw, TokenPurpose.VERIFY_EMAIL)
    token.used_at = utcnow()
    user = token.user
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.flush()
    return user


# --- passwords -------------------------------------------------------------------


def _set_password(user: User, password: str) -> None:
    """Store a new password and end every session and open reset link of ``user``."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.session_version += 1
    close_tokens(user, TokenPurpose.RESET_PASSWORD)
    queue_mail(
        user.email,
        _l("Your password was changed"),
        "account_password_changed",
        user.locale,
        name=user.display_name,
        contact=current_app.config["CONTACT_EMAIL"],
    )


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; otherwise do nothing.

    The caller answers the same either way.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    hours = _hours("TOKEN_HOURS_RESET")
    raw = issue_token(user, TokenPurpose.RESET_PASSWORD, hours)
    queue_mail(
        user.email,
        _l("Choose a new password"),
        "account_reset",
        user.locale,
        name=user.display_name,
        token=raw,
        hours=hours,
    )


def check_reset_token(raw: str) -> User:
    """The user a reset link belongs to; InvalidInput when the link cannot be used."""
    return valid_token(raw, TokenPurpose.RESET_PASSWORD).user


def reset_password(raw: str, password: str) -> User:
    """Set a new password through a reset link (once); every session of the user ends."""
    token = valid_token(raw, TokenPurpose.RESET_PASSWORD)
    user = token.user
    check_password(password, email=user.email, display_name=user.display_name)
    _set_password(user, password)  # closes this token too
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link proved the mailbox
    db.session.flush()
    record(user, "user.password_reset", user)
    return user


def change_password(user: User, current: str, password: str) -> None:
    """Change the password of a signed-in user who knows the current one."""
    if not password_matches(user, current):
        raise InvalidInput(_l("Your current password is not right."), field="current_password")
    check_password(password, email=user.email, display_name=user.display_name)
    _set_password(user, password)
    db.session.flush()
    record(user, "user.password_changed", user)


# --- profile and e-mail address -----------------------------------------------


def update_profile(user: User, display_name: str, locale: str) -> None:
    display_name = display_name.strip()
    if display_name != user.display_name:
        record(
            user,
            "user.profile_changed",
            user,
            before={"display_name": user.display_name},
            after={"display_name": display_name},
        )
    user.display_name = display_name
    user.locale = locale
    db.session.flush()


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Mail a confirmation link to ``new_email``; the address changes when it is followed.

    If the mailbox belongs to another account nothing is sent, and the caller
    answers the same, so the form does not tell who has an account.
    """
    if not password_matches(user, password):
        raise InvalidInput(_l("Your current password is not right."), field="email_password")
    new_email = normalize_email(new_email)
    canonical = canonical_email(new_email)
    if canonical == user.email_canonical:
        raise InvalidInput(_l("This is already the address of your account."), field="new_email")
    if find_user_by_email(new_email) is not None:
        return
    hours = _hours("TOKEN_HOURS_VERIFY")
    raw = issue_token(user, TokenPurpose.CHANGE_EMAIL, hours, new_email=new_email)
    queue_mail(
        new_email,
        _l("Confirm your new e-mail address"),
        "account_change_email",
        user.locale,
        name=user.display_name,
        token=raw,
        hours=hours,
    )


def confirm_email_change(raw: str) -> User:
    """Move the account to the address the link was sent to; the old address is told."""
    token = valid_token(raw, TokenPurpose.CHANGE_EMAIL)
    user = token.user
    new_email = token.new_email or ""
    canonical = canonical_email(new_email)
    taken = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.email_canonical == canonical, User.id != user.id)
    )
    if not new_email or taken:
        raise Conflict(_l("This address cannot be used for your account. Please try another."))
    old_email = user.email
    close_tokens(user, TokenPurpose.CHANGE_EMAIL)
    user.email = new_email
    user.email_canonical = canonical
    user.email_verified_at = utcnow()
    db.session.flush()
    record(user, "user.email_changed", user)
    queue_mail(
        old_email,
        _l("The e-mail address of your account was changed"),
        "account_email_changed",
        user.locale,
        name=user.display_name,
        contact=current_app.config["CONTACT_EMAIL"],
    )
    return user
