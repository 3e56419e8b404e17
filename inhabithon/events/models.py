"""Events: an Inhabithon, a place and dates that hold challenges."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, utcnow

if TYPE_CHECKING:
    from inhabithon.challenges.models import Challenge


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    place: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="sv")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    challenges: Mapped[list[Challenge]] = relationship(
        back_populates="event", order_by="Challenge.id"
    )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
