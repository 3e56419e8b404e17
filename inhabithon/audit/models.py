"""The audit trail: who changed what, when, with the values before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.accounts.models import User
from inhabithon.db import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_object", "object_type", "object_id"),
        sa.Index("ix_audit_entries_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[str] = mapped_column(sa.String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
