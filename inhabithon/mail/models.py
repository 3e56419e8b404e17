"""The outbox: every message is a row first, written in the same transaction as
the change it tells about, so no mail goes out for a change that was rolled back."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inhabithon.db import Base, utcnow


class OutgoingMail(Base):
    __tablename__ = "outgoing_mails"
    __table_args__ = (sa.Index("ix_outgoing_mails_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    # One optional attachment (e.g. a calendar file), stored as text.
    attachment_name: Mapped[str | None] = mapped_column(sa.String(200))
    attachment_type: Mapped[str | None] = mapped_column(sa.String(100))
    attachment_data: Mapped[str | None] = mapped_column(sa.Text)
