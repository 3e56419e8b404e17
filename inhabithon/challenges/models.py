"""Challenges and their phase timeline.

A challenge's phase follows from its dates: each phase starts at its date and
lasts until the next one starts. A challenge that is not published is a draft.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from inhabithon.events.models import Event


class Phase(enum.StrEnum):
    DRAFT = "draft"
    UPCOMING = "upcoming"
    SUBMISSIONS = "submissions"
    VOTING = "voting"
    JURY = "jury"
    RESULTS = "results"
    ARCHIVED = "archived"


class VoteVisibility(enum.StrEnum):
    ALWAYS = "always"  # public vote counts show while voting is open
    AFTER_VOTING = "after_voting"  # hidden until voting closes


class Challenge(Base):
    __tablename__ = "challenges"
    __table_args__ = (
        sa.CheckConstraint("vote_budget >= 1 AND vote_budget <= 100", name="vote_budget_range"),
        sa.CheckConstraint("idea_count >= 0", name="idea_count_nonnegative"),
        sa.CheckConstraint(
            "submissions_open_at < voting_open_at AND voting_open_at < jury_review_at",
            name="phase_order",
        ),
        sa.CheckConstraint(
            "results_at IS NULL OR results_at > jury_review_at", name="results_after_jury"
        ),
        sa.CheckConstraint(
            "archived_at IS NULL OR archived_at > jury_review_at", name="archived_after_jury"
        ),
        sa.Index("ix_challenges_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="RESTRICT"))
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(80))
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="sv")
    is_published: Mapped[bool] = mapped_column(default=False)
    submissions_open_at: Mapped[dt.datetime]
    voting_open_at: Mapped[dt.datetime]
    jury_review_at: Mapped[dt.datetime]
    results_at: Mapped[dt.datetime | None]
    archived_at: Mapped[dt.datetime | None]
    vote_budget: Mapped[int] = mapped_column(default=3)
    # Only accounts created before voting opened may vote (against last-minute sign-ups).
    voters_registered_before_voting: Mapped[bool] = mapped_column(default=False)
    vote_visibility: Mapped[VoteVisibility] = mapped_column(
        enum_column(VoteVisibility, "vote_visibility"), default=VoteVisibility.ALWAYS
    )
    # The most people a weekend team may have; the range is checked by
    # challenges.services, each team's CHECK holds it (see teams.models).
    team_size_max: Mapped[int] = mapped_column(default=6, server_default="6")
    # Published ideas, kept in the same transaction as the idea's writes.
    idea_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(back_populates="challenges")
    # Officials' translations of the texts into other interface languages.
    translations: Mapped[list[ChallengeTranslation]] = relationship(
        back_populates="challenge",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ChallengeTranslation.language",
    )

    def phase_at(self, now: dt.datetime) -> Phase:
        if not self.is_published:
            return Phase.DRAFT
        current = Phase.UPCOMING
        for phase, start in self.timeline():
            if start is not None and start <= now:
                current = phase
        return current

    @property
    def phase(self) -> Phase:
        return self.phase_at(utcnow())

    def timeline(self) -> list[tuple[Phase, dt.datetime | None]]:
        """The dated phases in order; results and archive may be unscheduled."""
        return [
            (Phase.SUBMISSIONS, self.submissions_open_at),
            (Phase.VOTING, self.voting_open_at),
            (Phase.JURY, self.jury_review_at),
            (Phase.RESULTS, self.results_at),
            (Phase.ARCHIVED, self.archived_at),
        ]

    @property
    def accepts_ideas(self) -> bool:
        return self.phase is Phase.SUBMISSIONS

    @property
    def accepts_votes(self) -> bool:
        return self.phase is Phase.VOTING

    @property
    def votes_visible(self) -> bool:
        """Whether public vote counts (and the order they give) may be shown now.

        With ``AFTER_VOTING`` they stay hidden while ideas come in and votes are
        cast, so early counts do not steer the vote.
        """
        return self.vote_visibility is VoteVisibility.ALWAYS or self.phase not in (
            Phase.SUBMISSIONS,
            Phase.VOTING,
        )

    @property
    def accepts_comments(self) -> bool:
        return self.phase in (Phase.SUBMISSIONS, Phase.VOTING, Phase.JURY, Phase.RESULTS)

    def __repr__(self) -> str:
        return f"<Challenge {self.slug}>"


class ChallengeTranslation(Base):
    """A challenge's title, summary and description in another language,
    entered by an official; visitors reading that language see it."""

    __tablename__ = "challenge_translations"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="translations")

    def __repr__(self) -> str:
        return f"<ChallengeTranslation {self.challenge_id} {self.language}>"
