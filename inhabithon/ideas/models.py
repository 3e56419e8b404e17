"""Ideas (proposed solutions) and their teams."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from inhabithon.accounts.models import Pseudonym, User
    from inhabithon.challenges.models import Challenge


class IdeaStatus(enum.StrEnum):
    PUBLISHED = "published"
    PENDING = "pending"  # held for an official's review before it appears
    HIDDEN = "hidden"  # hidden by a moderator


class AuthorDisplay(enum.StrEnum):
    NAME = "name"
    PSEUDONYM = "pseudonym"  # a name stable within the challenge, see accounts.models.Pseudonym
    ANONYMOUS = "anonymous"


class Origin(enum.StrEnum):
    DIRECT = "direct"
    CONTACT_CENTER = "contact_center"  # brought in by a guide on a resident's behalf
    NO_ACCOUNT = "no_account"  # sent by a resident without an account, tracked by a code


class MemberStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (
        sa.CheckConstraint("vote_count >= 0", name="vote_count_nonnegative"),
        sa.CheckConstraint("comment_count >= 0", name="comment_count_nonnegative"),
        # The challenge page's two orders, paginated by key.
        sa.Index("ix_ideas_challenge_votes", "challenge_id", "status", "vote_count", "id"),
        sa.Index("ix_ideas_challenge_newest", "challenge_id", "status", "created_at", "id"),
        sa.Index("ix_ideas_status_created", "status", "created_at", "id"),
        sa.Index("ix_ideas_author_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"))
    # The account that owns the idea; NULL when it came in without an account.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The guide who brought it in on a resident's behalf (shown to officials only).
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    pseudonym_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pseudonyms.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(sa.String(140))
    summary: Mapped[str] = mapped_column(sa.String(400))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8), default="sv")
    author_display: Mapped[AuthorDisplay] = mapped_column(
        enum_column(AuthorDisplay, "author_display"), default=AuthorDisplay.NAME
    )
    origin: Mapped[Origin] = mapped_column(enum_column(Origin, "origin"), default=Origin.DIRECT)
    status: Mapped[IdeaStatus] = mapped_column(
        enum_column(IdeaStatus, "status"), default=IdeaStatus.PUBLISHED
    )
    # Public reason given by the moderator who hid it ("hidden by moderator: ...").
    moderation_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Open flags; at FLAG_HIDE_THRESHOLD the idea is hidden until an official decides.
    flag_count: Mapped[int] = mapped_column(default=0)
    vote_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    pseudonym: Mapped[Pseudonym | None] = relationship(lazy="joined")
    members: Mapped[list[IdeaMember]] = relationship(
        back_populates="idea",
        cascade="all, delete-orphan",
        order_by="(IdeaMember.created_at, IdeaMember.user_id)",
    )

    @property
    def is_anonymous(self) -> bool:
        return self.author_display is AuthorDisplay.ANONYMOUS

    @property
    def is_pseudonymous(self) -> bool:
        return self.author_display is AuthorDisplay.PSEUDONYM

    @property
    def team(self) -> list[IdeaMember]:
        """Accepted members, the author first."""
        return [m for m in self.members if m.status is MemberStatus.ACCEPTED]

    def member_ids(self) -> set[int]:
        return {m.user_id for m in self.team}

    def __repr__(self) -> str:
        return f"<Idea {self.id}>"


class IdeaMember(Base):
    __tablename__ = "idea_members"
    __table_args__ = (sa.Index("ix_idea_members_user_id", "user_id", "status"),)

    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    is_owner: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MemberStatus] = mapped_column(
        enum_column(MemberStatus, "member_status"), default=MemberStatus.INVITED
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[dt.datetime | None]

    idea: Mapped[Idea] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class IdeaTracking(Base):
    """The tracking code of an idea sent without an account. Only the code's
    SHA-256 is stored; the code itself is shown once (and mailed if asked)."""

    __tablename__ = "idea_trackings"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), unique=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    idea: Mapped[Idea] = relationship()
