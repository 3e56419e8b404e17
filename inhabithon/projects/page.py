"""Reading projects for the public pages: a project by its address (old
addresses redirect), the list with its filters and counts, and the timeline of
updates and status changes, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from inhabithon.db import db
from inhabithon.events.models import Event
from inhabithon.projects.models import (
    Project,
    ProjectSlug,
    ProjectStatus,
    ProjectStatusChange,
    ProjectUpdate,
)
from inhabithon.projects.services import statuses

PER_PAGE = 20
_CURSOR = re.compile(r"^(\d{1,18})\.(\d{1,18})$")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def load_project(slug: str, *options: Any) -> Project:
    """The project at ``slug``; an old address redirects (301) to the current
    one, on the same page (edit form, feed…)."""
    project = db.session.scalar(select(Project).options(*options).where(Project.slug == slug))
    if project is None:
        _redirect_old_address(slug)
    return project


def _redirect_old_address(slug: str) -> NoReturn:
    old = db.session.get(ProjectSlug, slug)
    current = db.session.get(Project, old.project_id) if old is not None else None
    if current is None:
        abort(404)
    args: dict[str, Any] = {
        **request.args.to_dict(),
        **(request.view_args or {}),
        "slug": current.slug,
    }
    abort(redirect(url_for(request.endpoint or "projects.detail", **args), 301))


# --- the list ----------------------------------------------------------------------


def decode_cursor(raw: str | None) -> tuple[dt.datetime, int] | None:
    """``<microseconds since 1970>.<id>`` of the last card shown; None if absent or broken."""
    match = _CURSOR.fullmatch(raw or "")
    if match is None:
        return None
    try:
        return EPOCH + int(match[1]) * _MICROSECOND, int(match[2])
    except OverflowError:
        return None


def encode_cursor(project: Project) -> str:
    return f"{(project.published_at - EPOCH) // _MICROSECOND}.{project.id}"


@dataclass
class ProjectList:
    projects: list[Project]
    statuses: list[ProjectStatus]
    counts: dict[int, int]  # status id -> projects, within the category and event filters
    status: ProjectStatus | None
    category: str
    event_slug: str
    categories: list[str]
    events: list[Event]
    next_cursor: str | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def project_list(
    status_key: str, category: str, event_slug: str, after: str | None, per_page: int = PER_PAGE
) -> ProjectList:
    """One page of projects, newest first, paginated by key; the counts per
    status come from one grouped query."""
    all_statuses = statuses()
    status = next((s for s in all_statuses if s.key == status_key), None)
    event = db.session.scalar(select(Event).where(Event.slug == event_slug)) if event_slug else None
    scope: list[Any] = []
    if category:
        scope.append(Project.category == category)
    if event_slug:
        scope.append(Project.event_id == (event.id if event else -1))
    grouped = select(Project.status_id, func.count()).where(*scope).group_by(Project.status_id)
    counts: dict[int, int] = {row[0]: row[1] for row in db.session.execute(grouped)}

    query = select(Project).options(joinedload(Project.status)).where(*scope)
    if status is not None:
        query = query.where(Project.status_id == status.id)
    cursor = decode_cursor(after)
    if cursor is not None:
        query = query.where(sa.tuple_(Project.published_at, Project.id) < cursor)
    rows = list(
        db.session.scalars(
            query.order_by(Project.published_at.desc(), Project.id.desc()).limit(per_page + 1)
        )
    )
    projects = rows[:per_page]

    categories = [
        c
        for c in db.session.scalars(select(Project.category).distinct().order_by(Project.category))
        if c
    ]
    events = list(
        db.session.scalars(
            select(Event)
            .where(Event.id.in_(select(Project.event_id).where(Project.event_id.is_not(None))))
            .order_by(Event.starts_at.desc(), Event.id.desc())
        )
    )
    return ProjectList(
        projects=projects,
        statuses=all_statuses,
        counts=counts,
        status=status,
        category=category,
        event_slug=event_slug,
        categories=categories,
        events=events,
        next_cursor=encode_cursor(projects[-1]) if len(rows) > per_page else None,
    )


# --- the timeline --------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    when: dt.datetime
    kind: str  # "status" or "update"
    item: Any  # a ProjectStatusChange or a ProjectUpdate


def timeline(project: Project) -> list[TimelineItem]:
    """Updates and status changes merged, newest first (two queries)."""
    changes = db.session.scalars(
        select(ProjectStatusChange)
        .options(joinedload(ProjectStatusChange.to_status))
        .where(ProjectStatusChange.project_id == project.id)
    ).all()
    updates = db.session.scalars(
        select(ProjectUpdate).where(ProjectUpdate.project_id == project.id)
    ).all()
    items = [TimelineItem(c.changed_at, "status", c) for c in changes]
    items += [TimelineItem(u.posted_at, "update", u) for u in updates]
    items.sort(key=lambda t: (t.when, t.kind == "update", t.item.id), reverse=True)
    return items
