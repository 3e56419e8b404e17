"""Projects: creating and editing status pages, moving them through their
statuses, posting updates, and following them.

"Last updated" (``content_updated_at``) moves when what the page says changes:
its text, goals, contacts, links, status or updates; following does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.db import Question, among, db, ids_where, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.ideas.models import Idea
from inhabithon.markdown import render
from inhabithon.notifications import services as notifications
from inhabithon.projects.models import (
    MARKDOWN_FIELDS,
    Project,
    ProjectFollower,
    ProjectSlug,
    ProjectStatus,
    ProjectStatusChange,
    ProjectUpdate,
)
from inhabithon.projects.services.statuses import INITIAL_STATUS, status_by_key, status_label
from inhabithon.slugs import is_valid_slug, slug_from, slug_taken, unique_slug

# Addresses under /projects/ that are pages of their own.
RESERVED_SLUGS = frozenset({"new", "statuses", "feed"})


@dataclass
class ProjectData:
    """What an official enters for a project."""

    title: str
    category: str = ""
    lead: str = ""
    what_md: str = ""
    why_md: str = ""
    how_md: str = ""
    involvement_md: str = ""
    result_md: str = ""
    lessons_md: str = ""
    partners: str = ""
    department: str = ""
    budget_estimated: Decimal | None = None
    budget_granted: Decimal | None = None
    budget_used: Decimal | None = None
    language: str = "sv"
    slug: str | None = None  # None or "": made from the title
    event_id: int | None = None
    challenge_id: int | None = None
    idea_id: int | None = None


def prefill_from_idea(idea: Idea) -> ProjectData:
    """A project's first draft from a winning idea: its title, the challenge's
    category, the summary as lead and the body as "What?", linked to its origin."""
    challenge = idea.challenge
    return ProjectData(
        title=idea.title,
        category=challenge.category,
        lead=idea.summary,
        what_md=idea.body_md,
        language=idea.language,
        event_id=challenge.event_id,
        challenge_id=challenge.id,
        idea_id=idea.id,
    )


def _check(data: ProjectData) -> None:
    if not data.title.strip():
        raise InvalidInput(_l("Enter the project's title."), field="title")
    if data.language not in CONTENT_LANGUAGES:
        raise InvalidInput(_l("Choose a language from the list."), field="language")
    for name in ("budget_estimated", "budget_granted", "budget_used"):
        value = getattr(data, name)
        if value is not None and value < 0:
            raise InvalidInput(_l("A budget cannot be negative."), field=name)


def _slug_for(data: ProjectData, project: Project | None) -> str:
    exclude = project.id if project is not None else None
    typed = (data.slug or "").strip()
    if not typed:
        if project is not None:
            return project.slug  # an address stays when the title changes
        return _free_slug(slug_from(data.title, "project"))
    if not is_valid_slug(typed):
        raise InvalidInput(
            _l("Use only lowercase letters a–z, digits and hyphens in the address."), field="slug"
        )
    if typed in RESERVED_SLUGS:
        raise Conflict(_l("This address is reserved. Choose another one."), field="slug")
    old = db.session.get(ProjectSlug, typed)
    if slug_taken(Project, typed, exclude) or (
        old is not None and (project is None or old.project_id != project.id)
    ):
        raise Conflict(_l("Another project already has this address."), field="slug")
    return typed


def _free_slug(base: str) -> str:
    if base in RESERVED_SLUGS:
        base = f"{base}-project"
    slug = unique_slug(Project, base)
    n = 2
    while db.session.get(ProjectSlug, slug) is not None:  # an old address stays reserved
        slug = unique_slug(Project, f"{base}-{n}")
        n += 1
    return slug


def _apply(project: Project, data: ProjectData) -> None:
    project.title = data.title.strip()
    project.category = data.category.strip()
    project.lead = data.lead.strip()
    for name in MARKDOWN_FIELDS:
        text = getattr(data, f"{name}_md") or ""
        setattr(project, f"{name}_md", text)
        setattr(project, f"{name}_html", render(text) if text.strip() else "")
    project.partners = data.partners.strip()
    project.department = data.department.strip()
    project.budget_estimated = data.budget_estimated
    project.budget_granted = data.budget_granted
    project.budget_used = data.budget_used
    project.language = data.language


def _snapshot(project: Project) -> dict[str, Any]:
    return {
        "title": project.title,
        "slug": project.slug,
        "category": project.category,
        "status": project.status.key if project.status else None,
        "progress": project.progress,
    }


def touch(project: Project, when: dt.datetime | None = None) -> None:
    """The page's content changed: move "last updated"."""
    project.content_updated_at = when or utcnow()


def create_project(
    actor: User | None, data: ProjectData, *, status_key: str = INITIAL_STATUS
) -> Project:
    """Create a project page in its first status; the originating idea's team
    follows it from the start."""
    _check(data)
    status = status_by_key(status_key)
    if status is None:
        raise InvalidInput(_l("Choose a status from the list."), field="status")
    now = utcnow()
    project = Project(
        slug=_slug_for(data, None),
        status=status,
        progress=status.progress,
        event_id=data.event_id,
        challenge_id=data.challenge_id,
        idea_id=data.idea_id,
        published_at=now,
        content_updated_at=now,
        created_at=now,
    )
    _apply(project, data)
    db.session.add(project)
    db.session.flush()
    db.session.add(
        ProjectStatusChange(
            project_id=project.id,
            from_status_id=None,
            to_status_id=status.id,
            progress=project.progress,
            changed_at=now,
            actor_id=actor.id if actor else None,
        )
    )
    if data.idea_id is not None:
        idea = db.session.get(Idea, data.idea_id)
        if idea is not None:
            for user_id in sorted(idea.member_ids()):
                db.session.add(ProjectFollower(project_id=project.id, user_id=user_id))
    db.session.flush()
    record(actor, "project.created", project, after=_snapshot(project))
    return project


def update_project(actor: User | None, project: Project, data: ProjectData) -> Project:
    """Change a project's text; a new address keeps the old one as a redirect."""
    _check(data)
    slug = _slug_for(data, project)
    before = _snapshot(project)
    previous_update = project.content_updated_at
    _apply(project, data)
    if db.session.is_modified(project):  # the text changed; a new address alone is no news
        touch(project)
    if slug != project.slug:
        old = db.session.get(ProjectSlug, project.slug)
        if old is None:
            db.session.add(ProjectSlug(slug=project.slug, project_id=project.id))
        stale = db.session.get(ProjectSlug, slug)
        if stale is not None:  # taking back an earlier address of its own
            db.session.delete(stale)
        db.session.flush()
        project.slug = slug
    db.session.flush()
    after = _snapshot(project)
    changed = [k for k in after if after[k] != before[k]]
    if changed or project.content_updated_at != previous_update:
        record(
            actor,
            "project.updated",
            project,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return project


# --- status ----------------------------------------------------------------------


def change_status(
    actor: User | None,
    project: Project,
    status: ProjectStatus,
    comment: str = "",
    *,
    lessons_md: str | None = None,
    when: dt.datetime | None = None,
) -> ProjectStatusChange:
    """Move ``project`` to ``status``; the change joins the page's history.

    A status that keeps progress (paused, cancelled) leaves the progress where
    it was. A status that requires lessons learned (cancelled) is refused
    unless they are saved already or given here.
    """
    if status.id == project.status_id:
        raise Conflict(_l("The project already has this status."), field="status")
    if lessons_md is not None and lessons_md.strip():
        project.lessons_md = lessons_md
        project.lessons_html = render(lessons_md)
    if status.requires_lessons and not project.lessons_md.strip():
        raise Conflict(
            _l(
                "Write down the lessons learned before the project can be set to “%(status)s”: "
                "what did the project teach us?",
                status=status_label(status),
            ),
            field="lessons",
        )
    now = when or utcnow()
    before = {"status": project.status.key, "progress": project.progress}
    change = ProjectStatusChange(
        project_id=project.id,
        from_status_id=project.status_id,
        to_status_id=status.id,
        comment=comment.strip(),
        changed_at=now,
        actor_id=actor.id if actor else None,
    )
    project.status = status
    if not status.keeps_progress:
        project.progress = status.progress
    change.progress = project.progress
    touch(project, now)
    db.session.add(change)
    db.session.flush()
    record(
        actor,
        "project.status_changed",
        project,
        before=before,
        after={"status": status.key, "progress": project.progress, "comment": change.comment},
    )
    notifications.project_status_changed(project, status.key, actor)
    return change


# --- updates -----------------------------------------------------------------------


def post_update(
    actor: User | None,
    project: Project,
    title: str,
    body_md: str,
    *,
    posted_at: dt.datetime | None = None,
) -> ProjectUpdate:
    """A dated update on the project's timeline."""
    if not title.strip():
        raise InvalidInput(_l("Give the update a title."), field="title")
    if not body_md.strip():
        raise InvalidInput(_l("Write the update."), field="body")
    now = posted_at or utcnow()
    update = ProjectUpdate(
        project_id=project.id,
        title=title.strip(),
        body_md=body_md,
        body_html=render(body_md),
        posted_at=now,
        actor_id=actor.id if actor else None,
    )
    db.session.add(update)
    touch(project, max(now, project.content_updated_at))
    db.session.flush()
    record(actor, "project.update_posted", project, after={"update_id": update.id})
    notifications.project_update_posted(project, update.title, actor)
    return update


# --- following ------------------------------------------------------------------------


def is_following(user: User, project: Project) -> bool:
    return db.session.get(ProjectFollower, (project.id, user.id)) is not None


def _followed() -> sa.ColumnElement[str]:
    followed = ProjectFollower.project_id
    mine = ProjectFollower.user_id == sa.bindparam("user_id")
    return ids_where(followed, mine, among(followed, "followed_projects"))


def followed_question(user: User, project_ids: list[int]) -> Question:
    """Which of these projects ``user`` follows (the project page asks it with its
    other personal parts; ``ids_of`` reads the answer)."""
    return Question(_followed, {"user_id": user.id, "followed_projects": sorted(set(project_ids))})


def follow(user: User, project: Project) -> bool:
    """Follow ``project``; False if already following. "Last updated" stays."""
    if is_following(user, project):
        return False
    db.session.add(ProjectFollower(project_id=project.id, user_id=user.id))
    db.session.flush()
    return True


def unfollow(user: User, project: Project) -> bool:
    row = db.session.get(ProjectFollower, (project.id, user.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True
