"""Search across challenges, ideas and projects: the one interface the views use.

``search(text, filters)`` parses the visitor's text (``query``), asks the
database's own full-text index for the matching rows that the public may see
(``backends``: FTS5 on SQLite, tsvector on PostgreSQL; the index knows what is
visible: published challenges, published ideas in published challenges,
projects), applies the filters, and returns one page of results grouped by
kind with the count of each kind. Highlighting is done here in Python for
both databases: the text is escaped first, then matches are wrapped in
``<mark>``.

A page costs a fixed number of queries: one for the hits and the counts of
each kind, and at most four to load what the hits show.
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


# Kinds whose texts are indexed once per language (translations); an idea has one text.
TRANSLATED = frozenset({Kind.CHALLENGE, Kind.PROJECT})

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

    def need_sources(self) -> bool:
        """Whether these filters look at the source tables (not the index alone)."""
        return any(f is not None for f in (self.event, self.challenge, self.phase, self.status))

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


def _best(parsed: ParsedQuery, filters: Filters) -> sa.Subquery:
    """The matching index rows the public may see, one per result: the best of a
    challenge's or project's texts in several languages; an idea has one text."""
    m = backends.matches(db.session, parsed)
    kinds = filters.kinds()
    columns = (m.c.kind, m.c.ref_id, m.c.language, m.c.relevance)
    language = [m.c.language == filters.language] if filters.language else []
    parts: list[sa.Select[Any]] = []
    if Kind.IDEA in kinds:
        parts.append(select(*columns).where(m.c.kind == Kind.IDEA.value, *language))
    translated = [k.value for k in kinds if k in TRANSLATED]
    if translated:
        ranked = (
            select(
                *columns,
                func.row_number()
                .over(
                    partition_by=(m.c.kind, m.c.ref_id),
                    order_by=(m.c.relevance.desc(), m.c.language),
                )
                .label("dup"),
            )
            .where(m.c.kind.in_(translated), *language)
            .subquery("ranked")
        )
        parts.append(
            select(ranked.c.kind, ranked.c.ref_id, ranked.c.language, ranked.c.relevance).where(
                ranked.c.dup == 1
            )
        )
    return (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery("best")


def _visible(parsed: ParsedQuery, filters: Filters) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """One row per visible, filtered result: kind, ref_id, language, relevance.

    What the public may see is decided by the index itself (``backends``); the
    source tables are joined only to filter by event, challenge, phase or
    project status."""
    best = _best(parsed, filters)
    columns = (best.c.kind, best.c.ref_id, best.c.language, best.c.relevance)
    if not filters.need_sources():
        return select(*columns)

    ch = aliased(Challenge, name="ch")
    idea = aliased(Idea, name="idea")
    ich = aliased(Challenge, name="ich")
    proj = aliased(Project, name="proj")
    now = utcnow()

    challenge_ok: list[Any] = [best.c.kind == Kind.CHALLENGE.value]
    idea_ok: list[Any] = [best.c.kind == Kind.IDEA.value]
    project_ok: list[Any] = [best.c.kind == Kind.PROJECT.value]
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
    challenges = select(*columns).join(ch, ch.id == best.c.ref_id).where(*challenge_ok)
    ideas = (
        select(*columns)
        .join(idea, idea.id == best.c.ref_id)
        .join(ich, ich.id == idea.challenge_id)
        .where(*idea_ok)
    )
    projects = select(*columns).join(proj, proj.id == best.c.ref_id).where(*project_ok)
    return sa.union_all(challenges, ideas, projects)


def search(
    text: str,
    filters: Filters,
    after: str | None = None,
    per_kind: int = PER_KIND,
    per_page: int = PER_PAGE,
) -> Results:
    """One page of public results for ``text``: the first ``per_kind`` of each
    kind, or with ``filters.kind`` a page of that kind continued by key
    after the cursor ``after``; with the count of each kind.

    One statement: the results are found and ranked once (a common table
    expression), then counted per kind and the best of each kind taken (a
    top-N sort, not a sort of every match)."""
    text = check_text(text)
    parsed = parse(text)
    results = Results(text=text, parsed=parsed, filters=filters)
    if parsed.is_empty or not filters.kinds():
        return results
    v = _visible(parsed, filters).cte("hits")
    order = (v.c.relevance.desc(), v.c.ref_id.desc())
    counts = select(
        v.c.kind,
        sa.cast(sa.null(), sa.Integer).label("ref_id"),
        sa.cast(sa.null(), sa.String).label("language"),
        sa.cast(sa.null(), sa.Float).label("relevance"),
        func.count().label("total"),
    ).group_by(v.c.kind)
    pages: list[sa.Subquery] = []
    if filters.kind is None:
        for kind in filters.kinds():
            pages.append(
                select(v).where(v.c.kind == kind.value).order_by(*order).limit(per_kind).subquery()
            )
        limit = per_kind
    else:
        page = select(v).where(v.c.kind == filters.kind.value)
        cursor = decode_cursor(after)
        if cursor is not None:
            page = page.where(sa.tuple_(v.c.relevance, v.c.ref_id) < sa.tuple_(*cursor))
        pages.append(page.order_by(*order).limit(per_page + 1).subquery())
        limit = per_page
    statement = sa.union_all(
        counts,
        *(
            select(p.c.kind, p.c.ref_id, p.c.language, p.c.relevance, sa.null().label("total"))
            for p in pages
        ),
    )
    rows = []
    for row in db.session.execute(statement):
        if row.total is not None:
            results.counts[Kind(row.kind)] = int(row.total)
        else:
            rows.append(row)
    rank = {kind: i for i, kind in enumerate(Kind)}
    rows.sort(key=lambda r: (rank[Kind(r.kind)], -r.relevance, -r.ref_id))
    if filters.kind is not None and len(rows) > limit:
        rows = rows[:limit]
        results.next_cursor = encode_cursor(rows[-1].relevance, rows[-1].ref_id)
    results.hits = _load_hits(rows, parsed)
    return results


def _plain(html: str) -> str:
    return Markup(html).striptags()  # noqa: S704 - only reads the text out of stored HTML


def _load_hits(rows: list[Any], parsed: ParsedQuery) -> dict[Kind, list[Hit]]:
    """The objects behind the rows, with their texts in the language that matched.
    Whether the public may see them is checked once more on the objects, so a
    hidden idea could never be shown even if the index's flag were wrong."""
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
            if obj is None or not obj.is_published:  # the index's flag, checked once more
                continue
            tr = next((t for t in obj.translations if t.language == row.language), None)
            source = tr if tr is not None and row.language != obj.language else obj
            title, body = source.title, f"{source.summary} {_plain(source.description_html)}"
        elif kind is Kind.IDEA:
            obj = ideas.get(row.ref_id)
            if obj is None or obj.status != IdeaStatus.PUBLISHED or not obj.challenge.is_published:
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
