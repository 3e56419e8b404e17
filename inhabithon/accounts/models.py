"""People and their roles."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow


class Role(enum.StrEnum):
    RESIDENT = "resident"
    GUIDE = "guide"
    JURY = "jury"
    OFFICIAL = "official"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The address mail goes to (trimmed, lower case).
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # One mailbox, one account: the address with the provider's ignored parts
    # removed (plus-aliases, dots at Gmail); see accounts.services.canonical_email.
    email_canonical: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    email_verified_at: Mapped[dt.datetime | None]
    suspended_at: Mapped[dt.datetime | None]
    # Set when the account is deleted: personal data is gone, content stays
    # attributed to "deleted user".
    deleted_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    # Bumped to end every session at once (password change, suspension).
    session_version: Mapped[int] = mapped_column(default=1)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user",
        lazy="selectin",
        cascade="all, delete-orphan",
        foreign_keys="UserRole.user_id",
    )

    # Flask-Login protocol, written out rather than inherited so that the
    # session id carries the session version.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.suspended_at is None and self.deleted_at is None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def role_set(self) -> frozenset[Role]:
        # Everyone with an account can take part as a resident.
        return frozenset({Role.RESIDENT, *(r.role for r in self.roles)})

    def has_role(self, role: Role) -> bool:
        return role in self.role_set

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a token purpose, not a password
    CHANGE_EMAIL = "change_email"  # confirms ``new_email`` before it replaces the old one


class AccountToken(Base):
    """A single-use, expiring token sent by e-mail; only its SHA-256 is stored."""

    __tablename__ = "account_tokens"
    __table_args__ = (sa.Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class Pseudonym(Base):
    """The name a user appears under in one challenge: stable there, different
    in every other challenge, and linked to the account only in this table."""

    __tablename__ = "pseudonyms"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "challenge_id"),
        sa.UniqueConstraint("challenge_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
