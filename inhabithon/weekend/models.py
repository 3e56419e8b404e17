"""The weekend: an event's attendance settings, sign-ups, its officials and programme.

The capacity is a database rule: ``attendance_settings.confirmed`` counts the
confirmed sign-ups and a CHECK keeps it at or below ``capacity``; every change
of it is one atomic UPDATE made while the settings row is locked.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.accounts.models import User
from inhabithon.db import Base, enum_column, utcnow

DEFAULT_RETENTION_DAYS = 30
DEFAULT_CAPACITY = 100


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class Diet(enum.StrEnum):
    NONE = "none"
    VEGETARIAN = "vegetarian"
    VEGAN = "vegan"
    GLUTEN_FREE = "gluten_free"
    LACTOSE_FREE = "lactose_free"
    HALAL = "halal"
    KOSHER = "kosher"
    OTHER = "other"


class AttendanceSettings(Base):
    """One row per event that takes sign-ups (made on first use)."""

    __tablename__ = "attendance_settings"
    __table_args__ = (
        sa.CheckConstraint("confirmed <= capacity", name="within_capacity"),
        sa.CheckConstraint("confirmed >= 0", name="confirmed_not_negative"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("retention_days >= 0", name="retention_not_negative"),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int] = mapped_column(default=DEFAULT_CAPACITY)
    confirmed: Mapped[int] = mapped_column(default=0)
    signup_open: Mapped[bool] = mapped_column(default=False)
    retention_days: Mapped[int] = mapped_column(default=DEFAULT_RETENTION_DAYS)
    # Set when the personal data was removed; ``purged_counts`` keeps the totals.
    purged_at: Mapped[dt.datetime | None]
    purged_counts: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EventOfficial(Base):
    """An official who runs this event and may see its attendees' data."""

    __tablename__ = "event_officials"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Signup(Base):
    """A resident's sign-up to attend an event, with what the organisers need to know."""

    __tablename__ = "event_signups"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id"),
        sa.CheckConstraint("children >= 0", name="children_not_negative"),
        sa.Index("ix_event_signups_queue", "event_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = mapped_column(enum_column(SignupStatus, "signup_status"))
    # A case-folded copy of the name, so the check-in search finds "Åsa" from
    # "åsa" on SQLite too (its lower() only knows ASCII).
    name_key: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    diet: Mapped[Diet] = mapped_column(enum_column(Diet, "signup_diet"), default=Diet.NONE)
    dietary_details: Mapped[str] = mapped_column(sa.String(500), default="")
    accessibility_needs: Mapped[str] = mapped_column(sa.String(1000), default="")
    interpretation_language: Mapped[str] = mapped_column(sa.String(8), default="")
    children: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(sa.String(2000), default="")
    challenge_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="SET NULL")
    )
    checked_in_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class ProgrammeItem(Base):
    """A session of the weekend's programme."""

    __tablename__ = "programme_items"
    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.Index("ix_programme_items_event_start", "event_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    room: Mapped[str] = mapped_column(sa.String(200), default="")
    # Language codes, comma-separated ("sv,en").
    languages: Mapped[str] = mapped_column(sa.String(100), default="")
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]
