"""Projects: the public status pages that follow a winning idea until it is realized.

Text a project shows in one language lives in columns of ``projects``; a later
``project_translations(project_id, language, <the same text fields>)`` table
can hold other languages without changing these columns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, utcnow

if TYPE_CHECKING:
    from inhabithon.accounts.models import User
    from inhabithon.challenges.models import Challenge
    from inhabithon.events.models import Event
    from inhabithon.ideas.models import Idea

# The text fields written in Markdown, each stored with its rendered HTML.
MARKDOWN_FIELDS = ("what", "why", "how", "involvement", "result", "lessons")


class ProjectStatus(Base):
    """A step a project can be in, with the progress it stands for.

    Officials can add statuses; the six built-in ones are seeded by the
    migration. ``keeps_progress`` statuses (paused, cancelled) leave the
    project's progress where it was.
    """

    __tablename__ = "project_statuses"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    progress: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    is_terminal: Mapped[bool] = mapped_column(default=False)
    requires_lessons: Mapped[bool] = mapped_column(default=False)
    keeps_progress: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<ProjectStatus {self.key}>"


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.Index("ix_projects_status_id", "status_id"),
        sa.Index("ix_projects_event_id", "event_id"),
        sa.Index("ix_projects_idea_id", "idea_id"),
        sa.Index("ix_projects_published_at", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(80), default="")
    lead: Mapped[str] = mapped_column(sa.String(600), default="")
    what_md: Mapped[str] = mapped_column(sa.Text, default="")
    what_html: Mapped[str] = mapped_column(sa.Text, default="")
    why_md: Mapped[str] = mapped_column(sa.Text, default="")
    why_html: Mapped[str] = mapped_column(sa.Text, default="")
    how_md: Mapped[str] = mapped_column(sa.Text, default="")
    how_html: Mapped[str] = mapped_column(sa.Text, default="")
    involvement_md: Mapped[str] = mapped_column(sa.Text, default="")
    involvement_html: Mapped[str] = mapped_column(sa.Text, default="")
    result_md: Mapped[str] = mapped_column(sa.Text, default="")
    result_html: Mapped[str] = mapped_column(sa.Text, default="")
    lessons_md: Mapped[str] = mapped_column(sa.Text, default="")
    lessons_html: Mapped[str] = mapped_column(sa.Text, default="")
    partners: Mapped[str] = mapped_column(sa.String(400), default="")
    department: Mapped[str] = mapped_column(sa.String(200), default="")
    budget_estimated: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    budget_granted: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    budget_used: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    status_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project_statuses.id", ondelete="RESTRICT")
    )
    # Kept on the project, so a paused or cancelled project shows how far it got.
    progress: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(sa.String(8), default="sv")
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    challenge_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="SET NULL")
    )
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Moves when what the page says changes (text, goals, status, updates), not on follows.
    content_updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    status: Mapped[ProjectStatus] = relationship()
    event: Mapped[Event | None] = relationship()
    challenge: Mapped[Challenge | None] = relationship()
    idea: Mapped[Idea | None] = relationship()
    goals: Mapped[list[ImpactGoal]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="(ImpactGoal.position, ImpactGoal.id)",
    )
    contacts: Mapped[list[ProjectContact]] = relationship(
        cascade="all, delete-orphan", order_by="ProjectContact.id"
    )
    links: Mapped[list[ProjectLink]] = relationship(
        cascade="all, delete-orphan", order_by="ProjectLink.id"
    )

    @property
    def has_budget(self) -> bool:
        return any(
            v is not None for v in (self.budget_estimated, self.budget_granted, self.budget_used)
        )

    def __repr__(self) -> str:
        return f"<Project {self.slug}>"


class ProjectSlug(Base):
    """A project's earlier address, redirected to the current one."""

    __tablename__ = "project_slugs"

    slug: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ImpactGoal(Base):
    """An impact goal ("Effektmål"): the expected outcome, and optionally an
    indicator measured from a baseline towards a target."""

    __tablename__ = "impact_goals"
    __table_args__ = (sa.Index("ix_impact_goals_project_id", "project_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(sa.String(400))
    indicator: Mapped[str | None] = mapped_column(sa.String(200))
    baseline: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    target: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    current: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    reached: Mapped[bool] = mapped_column(default=False)

    project: Mapped[Project] = relationship(back_populates="goals")

    @property
    def measured(self) -> bool:
        return bool(self.indicator) and self.target is not None and self.baseline is not None

    @property
    def percent(self) -> int | None:
        """How far the current value has come from the baseline to the target, 0–100."""
        if not self.measured or self.current is None:
            return None
        assert self.target is not None
        assert self.baseline is not None
        span = self.target - self.baseline
        if span == 0:
            return 100 if self.current == self.target else 0
        share = (self.current - self.baseline) / span
        return max(0, min(100, round(share * 100)))


class ProjectContact(Base):
    __tablename__ = "project_contacts"
    __table_args__ = (sa.Index("ix_project_contacts_project_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    role: Mapped[str] = mapped_column(sa.String(120), default="")


class ProjectLink(Base):
    """A link to an evaluation or report (http or https only)."""

    __tablename__ = "project_links"
    __table_args__ = (sa.Index("ix_project_links_project_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(1000))


class ProjectStatusChange(Base):
    """One step in a project's public history; append-only (no route edits it)."""

    __tablename__ = "project_status_changes"
    __table_args__ = (sa.Index("ix_project_status_changes_project", "project_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    from_status_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project_statuses.id", ondelete="RESTRICT")
    )
    to_status_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project_statuses.id", ondelete="RESTRICT")
    )
    progress: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(sa.String(2000), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    from_status: Mapped[ProjectStatus | None] = relationship(foreign_keys=[from_status_id])
    to_status: Mapped[ProjectStatus] = relationship(foreign_keys=[to_status_id])


class ProjectUpdate(Base):
    """A dated news item on the project's timeline."""

    __tablename__ = "project_updates"
    __table_args__ = (sa.Index("ix_project_updates_project", "project_id", "posted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    posted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class ProjectFollower(Base):
    __tablename__ = "project_followers"
    __table_args__ = (sa.Index("ix_project_followers_user_id", "user_id"),)

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class ProjectTranslation(Base):
    """A project page's title, lead and what/why/how in another interface
    language, entered by an official; visitors reading that language see it."""

    __tablename__ = "project_translations"
    __table_args__ = (sa.UniqueConstraint("project_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(200))
    lead: Mapped[str] = mapped_column(sa.String(600), default="")
    what_md: Mapped[str] = mapped_column(sa.Text, default="")
    what_html: Mapped[str] = mapped_column(sa.Text, default="")
    why_md: Mapped[str] = mapped_column(sa.Text, default="")
    why_html: Mapped[str] = mapped_column(sa.Text, default="")
    how_md: Mapped[str] = mapped_column(sa.Text, default="")
    how_html: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ProjectTranslation {self.project_id} {self.language}>"
