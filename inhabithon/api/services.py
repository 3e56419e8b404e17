"""What the open data shows: public rows only, read by key, in a fixed number of
queries whatever the page size.

Lists are ordered by id, oldest first, and continue after an opaque cursor
(base64 of the last id seen): a row added while a client pages through lands
after everything it has seen, so no row is skipped or seen twice.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import InvalidInput
from inhabithon.events.models import Event
from inhabithon.ideas.models import Idea, IdeaStatus, Origin
from inhabithon.projects.models import Project, ProjectStatus, ProjectStatusChange, ProjectUpdate
from inhabithon.results.models import Award, AwardKind, ChallengeResult
from inhabithon.results.services import RESULT_PHASES

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

BAD_CURSOR = _l("The cursor is not valid. Start again from the first page.")
BAD_LIMIT = _l("The limit must be a whole number from 1 to %(max)d.")
UNKNOWN_PARAMETER = _l("Unknown parameter: %(name)s.")
BAD_VALUE = _l("Unknown value for %(name)s: %(value)s.")


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None
    limit: int


# --- parameters -------------------------------------------------------------------------


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"id": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id after which the page starts; InvalidInput if it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput(BAD_CURSOR, field="cursor") from None
    last = value.get("id") if isinstance(value, dict) else None
    if not isinstance(last, int) or isinstance(last, bool) or not 0 <= last < 2**63:
        raise InvalidInput(BAD_CURSOR, field="cursor")
    return last


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput(BAD_LIMIT % {"max": MAX_LIMIT}, field="limit")
    return int(raw)


def check_parameters(args: Mapping[str, str], allowed: set[str]) -> None:
    """Refuse parameters the endpoint does not know, so a typo is not silently ignored."""
    for name in args:
        if name not in allowed | {"limit", "cursor"}:
            raise InvalidInput(UNKNOWN_PARAMETER % {"name": name}, field=name)


def _bad(name: str, value: str) -> InvalidInput:
    return InvalidInput(BAD_VALUE % {"name": name, "value": value}, field=name)


def _keyset(query: sa.Select, column: Any, args: Mapping[str, str]) -> tuple[sa.Select, int]:
    limit = parse_limit(args.get("limit"))
    cursor = args.get("cursor")
    if cursor is not None:
        query = query.where(column > decode_cursor(cursor))
    return query.order_by(column).limit(limit + 1), limit


def _page(rows: list[Any], limit: int, key: Callable[[Any], int]) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(key(rows[-1])) if more and rows else None, limit)


def _challenge_by_slug(slug: str) -> Challenge:
    challenge = db.session.scalar(
        select(Challenge).where(Challenge.slug == slug, Challenge.is_published.is_(True))
    )
    if challenge is None:
        raise _bad("challenge", slug)
    return challenge


def _event_by_slug(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise _bad("event", slug)
    return event


def phase_condition(phase: Phase) -> sa.ColumnElement[bool]:
    """Published challenges in ``phase`` now, as SQL (``Challenge.phase_at`` in Python)."""
    now = utcnow()
    archived = sa.and_(Challenge.archived_at.is_not(None), Challenge.archived_at <= now)
    results = sa.and_(Challenge.results_at.is_not(None), Challenge.results_at <= now)
    conditions = {
        Phase.UPCOMING: Challenge.submissions_open_at > now,
        Phase.SUBMISSIONS: sa.and_(
            Challenge.submissions_open_at <= now, Challenge.voting_open_at > now
        ),
        Phase.VOTING: sa.and_(Challenge.voting_open_at <= now, Challenge.jury_review_at > now),
        Phase.JURY: sa.and_(Challenge.jury_review_at <= now, sa.not_(results), sa.not_(archived)),
        Phase.RESULTS: sa.and_(results, sa.not_(archived)),
        Phase.ARCHIVED: archived,
    }
    return conditions[phase]


PUBLIC_PHASES = [p.value for p in Phase if p is not Phase.DRAFT]


# --- events -----------------------------------------------------------------------------


def event_page(args: Mapping[str, str]) -> Page:
    check_parameters(args, set())
    query, limit = _keyset(select(Event), Event.id, args)
    return _page(list(db.session.scalars(query)), limit, lambda e: e.id)


def public_event(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def challenges_of_event(event: Event) -> list[Challenge]:
    return list(
        db.session.scalars(
            select(Challenge)
            .where(Challenge.event_id == event.id, Challenge.is_published.is_(True))
            .order_by(Challenge.id)
        )
    )


# --- challenges -------------------------------------------------------------------------


def challenge_page(args: Mapping[str, str]) -> Page:
    check_parameters(args, {"event", "category", "phase"})
    query = (
        select(Challenge)
        .options(joinedload(Challenge.event))
        .where(Challenge.is_published.is_(True))
    )
    if "event" in args:
        query = query.where(Challenge.event_id == _event_by_slug(args["event"]).id)
    if "category" in args:
        query = query.where(Challenge.category == args["category"])
    if "phase" in args:
        if args["phase"] not in PUBLIC_PHASES:
            raise _bad("phase", args["phase"])
        query = query.where(phase_condition(Phase(args["phase"])))
    query, limit = _keyset(query, Challenge.id, args)
    return _page(list(db.session.scalars(query)), limit, lambda c: c.id)


def public_challenge(slug: str) -> Challenge | None:
    return db.session.scalar(
        select(Challenge)
        .options(joinedload(Challenge.event))
        .where(Challenge.slug == slug, Challenge.is_published.is_(True))
    )


# --- ideas ------------------------------------------------------------------------------


def public_awards(ideas: list[Idea]) -> dict[int, list[str]]:
    """Idea id -> award kinds, in one query; none before the challenge's jury phase."""
    ids = [i.id for i in ideas if i.challenge.phase in RESULT_PHASES]
    if not ids:
        return {}
    order = list(AwardKind)
    kinds: dict[int, list[AwardKind]] = defaultdict(list)
    for idea_id, kind in db.session.execute(
        select(Award.idea_id, Award.kind).where(Award.idea_id.in_(ids))
    ):
        kinds[idea_id].append(kind)
    return {i: [k.value for k in sorted(ks, key=order.index)] for i, ks in kinds.items()}


def _public_ideas() -> sa.Select:
    return (
        select(Idea)
        .join(Idea.challenge)
        .options(joinedload(Idea.challenge), joinedload(Idea.author))
        .where(Idea.status == IdeaStatus.PUBLISHED, Challenge.is_published.is_(True))
    )


ORIGINS = [o.value for o in Origin]


def idea_page(args: Mapping[str, str]) -> Page:
    check_parameters(args, {"challenge", "category", "origin", "language"})
    query = _public_ideas()
    if "challenge" in args:
        query = query.where(Idea.challenge_id == _challenge_by_slug(args["challenge"]).id)
    if "category" in args:
        query = query.where(Challenge.category == args["category"])
    if "origin" in args:
        if args["origin"] not in ORIGINS:
            raise _bad("origin", args["origin"])
        query = query.where(Idea.origin == Origin(args["origin"]))
    if "language" in args:
        query = query.where(Idea.language == args["language"])
    query, limit = _keyset(query, Idea.id, args)
    return _page(list(db.session.scalars(query).unique()), limit, lambda i: i.id)


def public_idea(idea_id: int) -> Idea | None:
    return db.session.scalar(_public_ideas().where(Idea.id == idea_id))


# --- results ----------------------------------------------------------------------------


@dataclass
class PublishedResult:
    result: ChallengeResult
    challenge: Challenge
    awards: list[Award]
    public_ideas: set[int]


def _published(pairs: list[tuple[ChallengeResult, Challenge]]) -> list[PublishedResult]:
    """Awards and the still-public ideas of these results: two queries for any number."""
    challenge_ids = [c.id for _r, c in pairs]
    awards: dict[int, list[Award]] = defaultdict(list)
    order = list(AwardKind)
    if challenge_ids:
        for award in db.session.scalars(select(Award).where(Award.challenge_id.in_(challenge_ids))):
            awards[award.challenge_id].append(award)
    wanted = {
        entry["idea_id"]
        for result, _c in pairs
        for entry in [*result.ranking, *result.summary.get("votes", [])]
    } | {a.idea_id for found in awards.values() for a in found}
    public = (
        set(
            db.session.scalars(
                select(Idea.id).where(Idea.id.in_(wanted), Idea.status == IdeaStatus.PUBLISHED)
            )
        )
        if wanted
        else set()
    )
    return [
        PublishedResult(
            result,
            challenge,
            sorted(awards[challenge.id], key=lambda a: order.index(a.kind)),
            public,
        )
        for result, challenge in pairs
    ]


def _results() -> sa.Select:
    return (
        select(ChallengeResult, Challenge)
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .where(Challenge.is_published.is_(True))
    )


def result_page(args: Mapping[str, str]) -> Page:
    check_parameters(args, {"event", "category"})
    query = _results()
    if "event" in args:
        query = query.where(Challenge.event_id == _event_by_slug(args["event"]).id)
    if "category" in args:
        query = query.where(Challenge.category == args["category"])
    query, limit = _keyset(query, ChallengeResult.challenge_id, args)
    rows = [(r, c) for r, c in db.session.execute(query)]
    page = _page(rows, limit, lambda row: row[0].challenge_id)
    page.items = _published(page.items)
    return page


def public_result(challenge: Challenge) -> PublishedResult | None:
    result = db.session.get(ChallengeResult, challenge.id)
    if result is None or not challenge.is_published:
        return None
    return _published([(result, challenge)])[0]


# --- projects ---------------------------------------------------------------------------


def _projects() -> sa.Select:
    return select(Project).options(
        joinedload(Project.status), joinedload(Project.event), joinedload(Project.challenge)
    )


def project_page(args: Mapping[str, str]) -> Page:
    check_parameters(args, {"status", "category", "challenge", "event"})
    query = _projects()
    if "status" in args:
        status = db.session.scalar(select(ProjectStatus).where(ProjectStatus.key == args["status"]))
        if status is None:
            raise _bad("status", args["status"])
        query = query.where(Project.status_id == status.id)
    if "category" in args:
        query = query.where(Project.category == args["category"])
    if "challenge" in args:
        query = query.where(Project.challenge_id == _challenge_by_slug(args["challenge"]).id)
    if "event" in args:
        query = query.where(Project.event_id == _event_by_slug(args["event"]).id)
    query, limit = _keyset(query, Project.id, args)
    return _page(list(db.session.scalars(query).unique()), limit, lambda p: p.id)


@dataclass
class ProjectDetail:
    project: Project
    history: list[ProjectStatusChange]
    updates: list[ProjectUpdate]


def public_project(slug: str) -> ProjectDetail | None:
    project = db.session.scalar(
        _projects().options(selectinload(Project.goals)).where(Project.slug == slug)
    )
    if project is None:
        return None
    history = db.session.scalars(
        select(ProjectStatusChange)
        .options(
            joinedload(ProjectStatusChange.from_status), joinedload(ProjectStatusChange.to_status)
        )
        .where(ProjectStatusChange.project_id == project.id)
        .order_by(ProjectStatusChange.changed_at, ProjectStatusChange.id)
    ).all()
    updates = db.session.scalars(
        select(ProjectUpdate)
        .where(ProjectUpdate.project_id == project.id)
        .order_by(ProjectUpdate.posted_at.desc(), ProjectUpdate.id.desc())
    ).all()
    return ProjectDetail(project, list(history), list(updates))


def project_statuses() -> list[ProjectStatus]:
    return list(
        db.session.scalars(select(ProjectStatus).order_by(ProjectStatus.position, ProjectStatus.id))
    )
