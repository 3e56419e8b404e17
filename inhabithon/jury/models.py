"""The jury round of a challenge: criteria, jurors, conflicts, assignments,
score sheets and pairwise comparisons.

Rules that must hold under concurrency are constraints: one sheet per
assignment, one score per criterion on a sheet, one assignment per juror and
idea, one conflict declaration per juror and idea.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from inhabithon.accounts.models import User
    from inhabithon.challenges.models import Challenge
    from inhabithon.ideas.models import Idea


class JuryMode(enum.StrEnum):
    RUBRIC = "rubric"  # every juror scores assigned ideas on weighted criteria
    PAIRWISE = "pairwise"  # jurors compare two ideas at a time (Crowd-BT)


class Normalization(enum.StrEnum):
    ZSCORE = "zscore"
    JUROR_EFFECT = "juror_effect"


class JuryRound(Base):
    __tablename__ = "jury_rounds"
    __table_args__ = (
        sa.CheckConstraint("scale_max > scale_min", name="scale_order"),
        sa.CheckConstraint("jurors_per_idea >= 1", name="jurors_per_idea_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), unique=True
    )
    mode: Mapped[JuryMode] = mapped_column(enum_column(JuryMode, "mode"), default=JuryMode.RUBRIC)
    scale_min: Mapped[int] = mapped_column(default=0)
    scale_max: Mapped[int] = mapped_column(default=4)
    # One sentence per level of the scale, scale_min first (the anchors).
    scale_labels: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    jurors_per_idea: Mapped[int] = mapped_column(default=3)
    normalization: Mapped[Normalization] = mapped_column(
        enum_column(Normalization, "normalization"), default=Normalization.ZSCORE
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship()
    criteria: Mapped[list[JuryCriterion]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="(JuryCriterion.position, JuryCriterion.id)",
    )
    jurors: Mapped[list[Juror]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Juror.id"
    )


class JuryCriterion(Base):
    __tablename__ = "jury_criteria"
    __table_args__ = (
        sa.CheckConstraint("weight > 0", name="weight_positive"),
        sa.Index("ix_jury_criteria_round_id", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_rounds.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[float] = mapped_column(sa.Float, default=1.0)
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[JuryRound] = relationship(back_populates="criteria")


class Juror(Base):
    __tablename__ = "jurors"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "user_id"),
        sa.Index("ix_jurors_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Pairwise mode: the pair on the juror's screen (others avoid these ideas
    # while it is fresh) and the idea the next pair starts from.
    current_a_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="SET NULL"))
    current_b_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="SET NULL"))
    pair_shown_at: Mapped[dt.datetime | None]

    round: Mapped[JuryRound] = relationship(back_populates="jurors")
    user: Mapped[User] = relationship()


class JuryConflict(Base):
    """A juror's declared conflict of interest: a hard exclusion from the idea."""

    __tablename__ = "jury_conflicts"
    __table_args__ = (sa.UniqueConstraint("juror_id", "idea_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("jurors.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JuryAssignment(Base):
    __tablename__ = "jury_assignments"
    __table_args__ = (
        sa.UniqueConstraint("juror_id", "idea_id"),
        sa.Index("ix_jury_assignments_idea_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("jurors.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    is_manual: Mapped[bool] = mapped_column(default=False)
    recused_at: Mapped[dt.datetime | None]
    recusal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    juror: Mapped[Juror] = relationship()
    idea: Mapped[Idea] = relationship()
    sheet: Mapped[JuryScoreSheet | None] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", uselist=False
    )


class JuryScoreSheet(Base):
    __tablename__ = "jury_score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jury_assignments.id", ondelete="CASCADE"), unique=True
    )
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    assignment: Mapped[JuryAssignment] = relationship(back_populates="sheet")
    scores: Mapped[list[JuryScore]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan"
    )


class JuryScore(Base):
    __tablename__ = "jury_scores"

    sheet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jury_score_sheets.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jury_criteria.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int]

    sheet: Mapped[JuryScoreSheet] = relationship(back_populates="scores")


class PairwiseComparison(Base):
    """One pairwise judgement. Kept forever; an undo marks it, never deletes it."""

    __tablename__ = "jury_comparisons"
    __table_args__ = (
        sa.CheckConstraint("winner_id <> loser_id", name="distinct_ideas"),
        sa.Index("ix_jury_comparisons_juror_id", "juror_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("jurors.id", ondelete="CASCADE"))
    winner_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    loser_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[dt.datetime | None]

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.juror_id, self.winner_id, self.loser_id)
