"""Follows, notifications and each person's e-mail setting.

Projects keep their own ``project_followers`` table (issue 7); challenges and
ideas get one table each, the same shape, so every follow has a real foreign
key and disappears with what it follows.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from inhabithon.challenges.models import Challenge
    from inhabithon.ideas.models import Idea
    from inhabithon.projects.models import Project


class NotificationKind(enum.StrEnum):
    COMMENT = "comment"  # a comment on a followed idea
    PHASE = "phase"  # a followed challenge entered a new phase
    RESULTS = "results"  # the results of a followed challenge are published
    PROJECT_STATUS = "project_status"  # a followed project changed status
    PROJECT_UPDATE = "project_update"  # a followed project posted an update


class EmailState(enum.StrEnum):
    PENDING = "pending"  # waits for `flask notifications send`
    SENT = "sent"  # queued into the outbox
    SKIPPED = "skipped"  # the recipient wants no e-mail


class EmailMode(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NEVER = "never"


class ChallengeFollower(Base):
    __tablename__ = "challenge_followers"
    __table_args__ = (sa.Index("ix_challenge_followers_user_id", "user_id"),)

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IdeaFollower(Base):
    __tablename__ = "idea_followers"
    __table_args__ = (sa.Index("ix_idea_followers_user_id", "user_id"),)

    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NotificationSetting(Base):
    """A person's e-mail choice; no row means the default (immediately)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email_mode: Mapped[EmailMode] = mapped_column(
        enum_column(EmailMode, "email_mode"), default=EmailMode.IMMEDIATE
    )
    # When the last daily digest went out (or digests were chosen): the next
    # one waits a day from here.
    last_digest_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChallengePhaseMark(Base):
    """The phase followers were last told about: phases change by date, not
    by a write, so the send run compares the computed phase with this."""

    __tablename__ = "challenge_phase_marks"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(sa.String(24))
    noted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # The list, newest first, paginated by id.
        sa.Index("ix_notifications_recipient", "recipient_id", "id"),
        # The unread badge: a COUNT over a few index entries.
        sa.Index("ix_notifications_unread", "recipient_id", "read_at", "id"),
        # The send run's pending e-mail.
        sa.Index("ix_notifications_email", "email_state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "kind"))
    challenge_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE")
    )
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    # The phase entered, or the project status key: what the event was about then.
    detail: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]
    email_state: Mapped[EmailState] = mapped_column(
        enum_column(EmailState, "email_state"), default=EmailState.PENDING
    )

    challenge: Mapped[Challenge | None] = relationship()
    idea: Mapped[Idea | None] = relationship()
    project: Mapped[Project | None] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind}>"
