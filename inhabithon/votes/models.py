"""Votes and the ballot that holds a resident's budget per challenge.

The budget is a database rule: every vote increments its ballot's ``used``
counter with one UPDATE, and a CHECK constraint keeps ``used <= budget``, so
concurrent requests cannot overspend it. At most one vote per idea is a
unique constraint.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inhabithon.db import Base, utcnow


class Ballot(Base):
    __tablename__ = "ballots"
    __table_args__ = (
        sa.CheckConstraint("used >= 0 AND used <= budget", name="within_budget"),
        sa.Index("ix_ballots_challenge_id", "challenge_id"),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    budget: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)

    @property
    def remaining(self) -> int:
        return self.budget - self.used


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "idea_id"),
        sa.ForeignKeyConstraint(
            ["user_id", "challenge_id"],
            ["ballots.user_id", "ballots.challenge_id"],
            ondelete="CASCADE",
            name="fk_votes_ballot",
        ),
        sa.Index("ix_votes_idea_id", "idea_id"),
        sa.Index("ix_votes_challenge_user", "challenge_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A keyed hash of the voter's network (never the address itself), for the
    # vote-integrity view; see votes.integrity.
    source_hash: Mapped[str | None] = mapped_column(sa.String(64))
