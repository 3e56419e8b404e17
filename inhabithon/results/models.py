"""Published results of a challenge: the ranking as published, overrides with
their reasons, and the awards."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from inhabithon.ideas.models import Idea


class AwardKind(enum.StrEnum):
    WINNER = "winner"
    RUNNER_UP = "runner_up"
    PEOPLES_CHOICE = "peoples_choice"  # most public votes


class ChallengeResult(Base):
    """The published ranking: a snapshot, so the public page never changes
    behind the jury's back and reads one row."""

    __tablename__ = "challenge_results"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    method: Mapped[str] = mapped_column(sa.String(24))
    # [{idea_id, rank, tied, mean, standard_error, n_jurors, criterion_means, overridden}]
    ranking: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # Public aggregates: criteria names/weights and the vote distribution.
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class RankingOverride(Base):
    """An official's change to the computed ranking, always with a reason."""

    __tablename__ = "ranking_overrides"
    __table_args__ = (sa.Index("ix_ranking_overrides_challenge_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    computed_rank: Mapped[int | None]
    new_rank: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "kind"),
        sa.Index("ix_awards_idea_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    kind: Mapped[AwardKind] = mapped_column(enum_column(AwardKind, "kind"))
    motivation_md: Mapped[str] = mapped_column(sa.Text, default="")
    motivation_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    idea: Mapped[Idea] = relationship()
