"""Weekend teams: the looking-for-a-team board, teams, members and join requests.

These are separate from an idea's team (``ideas.models.IdeaMember``): an idea's
team are the people its author invited to co-own one idea; a weekend team is a
group that forms around a challenge to work together during the weekend, and may
link one idea its owner owns.

The size limit is a database rule: every accepted member moves the team's
``member_count`` with one UPDATE that a CHECK ``member_count <= size_max``
refuses past the limit, so concurrent accepts cannot overfill a team. One team
per person per challenge is a unique constraint on the members.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from inhabithon.accounts.models import User
    from inhabithon.challenges.models import Challenge
    from inhabithon.ideas.models import Idea


class TeamRole(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"  # may accept and decline join requests
    MEMBER = "member"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ChosenName:
    """The name a person typed to be shown by (read by the ``author()`` macro as a pseudonym)."""

    name: str


class _ShownAs:
    """How the person is shown, for the ``author()`` macro: by their account's
    name, or by the first name or nickname they typed; never their e-mail."""

    if TYPE_CHECKING:
        nickname: str | None
        user: User | None

    is_anonymous = False
    language = ""

    @property
    def is_pseudonymous(self) -> bool:
        return bool(self.nickname)

    @property
    def pseudonym(self) -> ChosenName | None:
        return ChosenName(self.nickname) if self.nickname else None

    @property
    def author(self) -> User | None:
        user = self.user
        return user if user is not None and user.deleted_at is None else None

    @property
    def shown_name(self) -> str:
        """The same rule as plain text (e-mails, exports)."""
        if self.nickname:
            return self.nickname
        author = self.author
        return author.display_name if author is not None else ""


class BoardPost(_ShownAs, Base):
    """A resident's "looking for a team" post in one challenge."""

    __tablename__ = "team_board_posts"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "user_id"),
        sa.Index("ix_team_board_posts_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    nickname: Mapped[str | None] = mapped_column(sa.String(80))
    brings: Mapped[str] = mapped_column(sa.String(1000))
    looks_for: Mapped[str] = mapped_column(sa.String(1000))
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    challenge: Mapped[Challenge] = relationship()


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (
        sa.CheckConstraint(
            "member_count >= 0 AND member_count <= size_max", name="member_count_within_size"
        ),
        sa.UniqueConstraint("challenge_id", "name"),
        sa.Index("ix_teams_idea_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    # The team's idea: only an idea the team's owner owns can be linked.
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="SET NULL"))
    # Kept in the same transaction as the members; the CHECK is the size rule.
    member_count: Mapped[int] = mapped_column(default=0)
    size_max: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship()
    idea: Mapped[Idea | None] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(TeamMember.joined_at, TeamMember.user_id)",
    )

    @property
    def open_seats(self) -> int:
        return max(self.size_max - self.member_count, 0)

    @property
    def owner(self) -> TeamMember | None:
        return next((m for m in self.members if m.role is TeamRole.OWNER), None)

    def member(self, user_id: int) -> TeamMember | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    def __repr__(self) -> str:
        return f"<Team {self.id}>"


class TeamMember(_ShownAs, Base):
    __tablename__ = "team_members"
    __table_args__ = (
        # One team per person per challenge.
        sa.UniqueConstraint("challenge_id", "user_id"),
        sa.Index("ix_team_members_user_id", "user_id"),
    )

    team_id: Mapped[int] = mapped_column(
        sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    role: Mapped[TeamRole] = mapped_column(
        enum_column(TeamRole, "team_role"), default=TeamRole.MEMBER
    )
    nickname: Mapped[str | None] = mapped_column(sa.String(80))
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    @property
    def can_decide(self) -> bool:
        return self.role in (TeamRole.OWNER, TeamRole.ADMIN)


class JoinRequest(_ShownAs, Base):
    """A request to join a team; one row per person and team (asked again, it reopens)."""

    __tablename__ = "team_join_requests"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "user_id"),
        sa.Index("ix_team_join_requests_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(sa.String(1000), default="")
    nickname: Mapped[str | None] = mapped_column(sa.String(80))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "team_request_status"), default=RequestStatus.PENDING
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]

    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship()
