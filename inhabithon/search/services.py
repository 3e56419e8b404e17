"""Search across challenges, ideas and projects: the one interface the views use.

``search(text, filters)`` parses the visitor's text (``query``), asks the
database's own full-text index for matching rows (``backends``: FTS5 on
SQLite, tsvector on PostgreSQL), keeps only what the public may see
(published challenges, published ideas in published challenges, projects),
applies the filters, and returns one page of results grouped by kind with
the count of each kind. Highlighting is done here in Python for both
databases: the text is escaped first, then matches are wrapped in ``<mark>``.

A page costs a fixed number of queries: one for the hits and the counts of
each kind (a second for the counts when one kind is paged through), and at
most four to load what the hits show.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import InvalidInput
from inhabithon.events.models import Event
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.projects.models import Project, ProjectStatus, ProjectTranslation
from inhabithon.search import backends
from inhabithon.search.query import MAX_QUERY_LENGTH, ParsedQuery, highlight, parse, snippet

PER_KIND = 5  # hits of each kind on the combined page
PER_PAGE = 20  # hits on a page of one kind


class Kind(enum.StrEnum):
    CHALLENGE = "challenge"
    IDEA = "idea"
    PROJECT = "project"


KIND_LABELS = {
    Kind.CHALLENGE: _l("Challenges"),
    Kind.IDEA: _l("Ideas"),
    Kind.PROJECT: _l("Projects"),
}


@dataclass(frozen=True)
class Filters:
    kind: Kind | None = None
    event: Event | None = None
    challenge: Challenge | None = None
    phase: Phase | None = None  # of challenges and their ideas
    status: ProjectStatus | None = None  # of projects
    language: str | None = None  # the language a matching text is written in

    def kinds(self) -> list[Kind]:
        """The kinds these filters can apply to (a phase has no projects,
        a project status no challenges or ideas)."""
        kinds = [self.kind] if self.kind is not None else list(Kind)
        if self.phase is not None:
            kinds = [k for k in kinds if k is not Kind.PROJECT]
        if self.status is not None:
            kinds = [k for k in kinds if k is Kind.PROJECT]
        return kinds


@dataclass(frozen=True)
class Hit:
    kind: Kind
    ref_id: int
    language: str
    title: Markup
    snippet: Markup
    obj: Any  # the Challenge, Idea or Project


@dataclass
class Results:
    text: str
    parsed: ParsedQuery
    filters: Filters
    counts: dict[Kind, int] = field(default_factory=dict)
    hits: dict[Kind, list[Hit]] = field(default_factory=dict)
    next_cursor: str | None = None  # for a page of one kind

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def check_text(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            _l("Search for at most %(count)d characters.", count=MAX_QUERY_LENGTH), field="q"
        )
    return text


def encode_cursor(hit_relevance: float, ref_id: int) -> str:
    return f"{hit_relevance!r}_{ref_id}"


def decode_cursor(raw: str | None) -> tuple[float, int] | None:
    if not raw:
        return None
    relevance, _, ref_id = raw.rpartition("_")
    try:
        value = float(relevance)
        return (value, int(ref_id)) if value == value else None  # NaN is no cursor
    except ValueError:
        return None


def _phase_condition(ch: Any, phase: Phase, now: dt.datetime) -> sa.ColumnElement[bool]:
    """SQL for ``challenge.phase_at(now) == phase`` on a published challenge."""
    archived = sa.and_(ch.archived_at.is_not(None), ch.archived_at <= now)
    results = sa.and_(ch.results_at.is_not(None), ch.results_at <= now)
    conditions = {
        Phase.UPCOMING: ch.submissions_open_at > now,
        Phase.SUBMISSIONS: sa.and_(ch.submissions_open_at <= now, ch.voting_open_at > now),
        Phase.VOTING: sa.and_(ch.voting_open_at <= now, ch.jury_review_at > now),
        Phase.JURY: sa.and_(ch.jury_review_at <= now, sa.not_(results), sa.not_(archived)),
        Phase.RESULTS: sa.and_(results, sa.not_(archived)),
        Phase.ARCHIVED: archived,
    }
    return conditions.get(phase, sa.false())


def _visible(parsed: ParsedQuery, filters: Filters) -> sa.Subquery:
    """One row per visible, filtered result: kind, ref_id, language, relevance."""
    m = backends.matches(db.session, parsed)
    dedup = select(
        m.c.kind,
        m.c.ref_id,
        m.c.language,
        m.c.relevance,
        func.row_number()
        .over(partition_by=(m.c.kind, m.c.ref_id), order_by=(m.c.relevance.desc(), m.c.language))
        .label("dup"),
    ).where(m.c.kind.in_([k.value for k in filters.kinds()]))
    if filters.language:
        dedup = dedup.where(m.c.language == filters.language)
    best = dedup.subquery("best")

    ch = aliased(Challenge, name="ch")
    idea = aliased(Idea, name="idea")
    ich = aliased(Challenge, name="ich")
    proj = aliased(Project, name="proj")
    now = utcnow()

    challenge_ok: list[Any] = [best.c.kind == Kind.CHALLENGE.value, ch.is_published.is_(True)]
    idea_ok: list[Any] = [
        best.c.kind == Kind.IDEA.value,
        idea.status == IdeaStatus.PUBLISHED,
        ich.is_published.is_(True),
    ]
    project_ok: list[Any] = [best.c.kind == Kind.PROJECT.value, proj.id.is_not(None)]
    if filters.event is not None:
        challenge_ok.append(ch.event_id == filters.event.id)
        idea_ok.append(ich.event_id == filters.event.id)
        project_ok.append(proj.event_id == filters.event.id)
    if filters.challenge is not None:
        challenge_ok.append(ch.id == filters.challenge.id)
        idea_ok.append(idea.challenge_id == filters.challenge.id)
        project_ok.append(proj.challenge_id == filters.challenge.id)
    if filters.phase is not None:
        challenge_ok.append(_phase_condition(ch, filters.phase, now))
        idea_ok.append(_phase_condition(ich, filters.phase, now))
    if filters.status is not None:
        project_ok.append(proj.status_id == filters.status.id)

    # One plain join per kind, so the planner can hash-join each (an OR over outer
    # joins made it loop over the challenges for every match: 200 ms for 20,000 ideas).
    columns = (best.c.kind, best.c.ref_id, best.c.language, best.c.relevance)
    first = best.c.dup == 1
    challenges = select(*columns).join(ch, ch.id == best.c.ref_id).where(first, *challenge_ok)
    ideas = (
        select(*columns)
        .join(idea, idea.id == best.c.ref_id)
        .join(ich, ich.id == idea.challenge_id)
        .where(first, *idea_ok)
    )
    projects = select(*columns).join(proj, proj.id == best.c.ref_id).where(first, *project_ok)
    return sa.union_all(challenges, ideas, projects).subquery("visible")


def search(
    text: str,
    filters: Filters,
    after: str | None = None,
    per_kind: int = PER_KIND,
    per_page: int = PER_PAGE,
) -> Results:
    """One page of public results for ``text``: the first ``per_kind`` of each
    kind, or with ``filters.kind`` a page of that kind continued by key
    after the cursor ``after``."""
    text = check_text(text)
    parsed = parse(text)
    results = Results(text=text, parsed=parsed, filters=filters)
    if parsed.is_empty or not filters.kinds():
        return results
    v = _visible(parsed, filters)
    order = (v.c.relevance.desc(), v.c.ref_id.desc())
    if filters.kind is None:
        # The first few of each kind and each kind's count in one pass over the matches.
        numbered = select(
            v,
            func.row_number().over(partition_by=v.c.kind, order_by=order).label("rn"),
            func.count().over(partition_by=v.c.kind).label("total"),
        ).subquery("numbered")
        page = select(
            numbered.c.kind,
            numbered.c.ref_id,
            numbered.c.language,
            numbered.c.relevance,
            numbered.c.total,
        ).where(numbered.c.rn <= per_kind)
        rows = list(db.session.execute(page.order_by(numbered.c.kind, numbered.c.rn)))
        results.counts = {Kind(row.kind): int(row.total) for row in rows}
    else:
        results.counts = {
            Kind(kind): count
            for kind, count in db.session.execute(select(v.c.kind, func.count()).group_by(v.c.kind))
        }
        page = select(v).where(v.c.kind == filters.kind.value)
        cursor = decode_cursor(after)
        if cursor is not None:
            page = page.where(sa.tuple_(v.c.relevance, v.c.ref_id) < sa.tuple_(*cursor))
        rows = list(db.session.execute(page.order_by(*order).limit(per_page + 1)))
        if len(rows) > per_page:
            rows = rows[:per_page]
            results.next_cursor = encode_cursor(rows[-1].relevance, rows[-1].ref_id)
    results.hits = _load_hits(rows, parsed)
    return results


def _plain(html: str) -> str:
    return Markup(html).striptags()  # noqa: S704 - only reads the text out of stored HTML


def _load_hits(rows: list[Any], parsed: ParsedQuery) -> dict[Kind, list[Hit]]:
    """The objects behind the rows, with their texts in the language that matched."""
    ids: dict[Kind, list[int]] = {k: [] for k in Kind}
    for row in rows:
        ids[Kind(row.kind)].append(row.ref_id)
    challenges: dict[int, Challenge] = {}
    ideas: dict[int, Idea] = {}
    projects: dict[int, Project] = {}
    translations: dict[tuple[int, str], ProjectTranslation] = {}
    if ids[Kind.CHALLENGE]:
        challenges = {
            c.id: c
            for c in db.session.scalars(
                select(Challenge)
                .where(Challenge.id.in_(ids[Kind.CHALLENGE]))
                .options(selectinload(Challenge.translations))
            )
        }
    if ids[Kind.IDEA]:
        ideas = {
            i.id: i
            for i in db.session.scalars(
                select(Idea).where(Idea.id.in_(ids[Kind.IDEA])).options(joinedload(Idea.challenge))
            )
        }
    if ids[Kind.PROJECT]:
        projects = {
            p.id: p
            for p in db.session.scalars(
                select(Project)
                .where(Project.id.in_(ids[Kind.PROJECT]))
                .options(joinedload(Project.status))
            )
        }
        translations = {
            (t.project_id, t.language): t
            for t in db.session.scalars(
                select(ProjectTranslation).where(
                    ProjectTranslation.project_id.in_(ids[Kind.PROJECT])
                )
            )
        }

    hits: dict[Kind, list[Hit]] = {k: [] for k in Kind}
    for row in rows:
        kind = Kind(row.kind)
        obj: Any
        if kind is Kind.CHALLENGE:
            obj = challenges.get(row.ref_id)
            if obj is None:
                continue
            tr = next((t for t in obj.translations if t.language == row.language), None)
            source = tr if tr is not None and row.language != obj.language else obj
            title, body = source.title, f"{source.summary} {_plain(source.description_html)}"
        elif kind is Kind.IDEA:
            obj = ideas.get(row.ref_id)
            if obj is None:
                continue
            title, body = obj.title, f"{obj.summary} {_plain(obj.body_html)}"
        else:
            obj = projects.get(row.ref_id)
            if obj is None:
                continue
            ptr = translations.get((obj.id, row.language))
            src: Any = ptr if ptr is not None and row.language != obj.language else obj
            title = src.title
            body = " ".join(
                [src.lead] + [_plain(getattr(src, f"{f}_html")) for f in ("what", "why", "how")]
            )
        hits[kind].append(
            Hit(
                kind=kind,
                ref_id=row.ref_id,
                language=row.language,
                title=highlight(title, parsed),
                snippet=snippet(body, parsed),
                obj=obj,
            )
        )
    return hits


def rebuild_index() -> int:
    """Fill the search index again from every challenge, idea and project."""
    return backends.rebuild(db.session)
