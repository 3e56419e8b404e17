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
    # Stored normalized (see accounts.services.normalize_email); unique per mailbox.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    email_verified_at: Mapped[dt.datetime | None]
    suspended_at: Mapped[dt.datetime | None]
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
        return self.suspended_at is None

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
