"""Flags raised by users and the public record of what moderators did.

A flag or an action points at exactly one idea or one comment (a CHECK
constraint says so). Who reported something is never shown to anyone but
officials; the public log lists only what was hidden and why.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inhabithon.db import Base, enum_column, utcnow

_ONE_TARGET = "(idea_id IS NULL) <> (comment_id IS NULL)"


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        sa.CheckConstraint(_ONE_TARGET, name="one_target"),
        # One open or closed flag per reporter and target: flagging twice counts once.
        sa.UniqueConstraint("reporter_id", "idea_id"),
        sa.UniqueConstraint("reporter_id", "comment_id"),
        sa.Index("ix_flags_open", "resolved_at", "created_at"),
        sa.Index("ix_flags_idea_id", "idea_id"),
        sa.Index("ix_flags_comment_id", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when an official decided on the target (hid, restored, or kept it).
    resolved_at: Mapped[dt.datetime | None]


class ModerationKind(enum.StrEnum):
    HIDE = "hide"  # an official hid it
    AUTO_HIDE = "auto_hide"  # enough users flagged it; hidden until an official decides
    RESTORE = "restore"  # an official showed it again
    DISMISS = "dismiss"  # an official kept it visible and closed the flags
    APPROVE = "approve"  # a pre-moderated idea (sent without an account) was published
    REJECT = "reject"  # a pre-moderated idea was turned down


class ModerationAction(Base):
    """One decision; the public moderation log is built from these rows."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        sa.CheckConstraint(_ONE_TARGET, name="one_target"),
        sa.Index("ix_moderation_actions_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    kind: Mapped[ModerationKind] = mapped_column(enum_column(ModerationKind, "kind"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    # The official; NULL for automatic hiding. Never shown publicly.
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
