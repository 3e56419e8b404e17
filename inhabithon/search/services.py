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
each kind (``statement``), and at most four to load what the hits show. What
a search ranks and counts is capped (``MAX_RANKED``, which says why).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import InvalidInput
from inhabithon.events.models import Event
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.projects.models import Project, ProjectStatus, ProjectTranslation
from inhabithon.search import backends, statement
from inhabithon.search.query import MAX_QUERY_LENGTH, ParsedQuery, highlight, parse, snippet

PER_KIND = 5  # hits of each kind on the combined page
PER_PAGE = 20  # hits on a page of one kind

# Why there is a cap: ranking and counting every match of a very common word
# costs time in proportion to its matches. "bänkar", in 19,868 of the
# benchmark's 20,018 ideas, took 55 ms of PostgreSQL per search, and the page
# cache's refresher renders that search every few seconds: it was the search
# page's whole tail. So at most MAX_RANKED results of each kind are ranked and
# counted: the newest ones (highest id). A word that matches more is counted as
# "more than MAX_RANKED", and its best matches among those newest are shown;
# older matches of it are neither ranked nor shown. This trades exact ranking of
# very common words for a bounded time. A word that matches MAX_RANKED results
# of a kind or fewer is ranked and counted exactly, as if there were no cap.
MAX_RANKED = 1000


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
    counts: dict[Kind, int] = field(default_factory=dict)  # at most MAX_RANKED
    capped: set[Kind] = field(default_factory=set)  # kinds with more than their count
    hits: dict[Kind, list[Hit]] = field(default_factory=dict)
    next_cursor: str | None = None  # for a page of one kind

    @property
    def total(self) -> int:
        """The number of results, or with ``capped`` fewer than there are."""
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


def search(
    text: str,
    filters: Filters,
    after: str | None = None,
    per_kind: int = PER_KIND,
    per_page: int = PER_PAGE,
) -> Results:
    """One page of public results for ``text``: the first ``per_kind`` of each
    kind, or with ``filters.kind`` a page of that kind continued by key
    after the cursor ``after``; with the count of each kind, or, past
    ``MAX_RANKED``, that there are more. One statement (``statement``), and
    at most four more to load what the hits show."""
    text = check_text(text)
    parsed = parse(text)
    results = Results(text=text, parsed=parsed, filters=filters)
    if parsed.is_empty or not filters.kinds():
        return results
    dialect = db.session.get_bind().dialect.name
    cursor = decode_cursor(after) if filters.kind is not None else None
    shape = statement.Shape(
        dialect=dialect,
        kinds=tuple(k.value for k in filters.kinds()),
        page_of=filters.kind.value if filters.kind is not None else None,
        after=cursor is not None,
        language=filters.language is not None,
        event=filters.event is not None,
        challenge=filters.challenge is not None,
        phase=filters.phase,
        status=filters.status is not None,
        cap=MAX_RANKED,
    )
    values: dict[str, Any] = {
        **backends.parameters(dialect, parsed),
        "per_kind": per_kind,
        "per_page": per_page + 1,  # one more says whether there is a next page
        "language": filters.language,
        "event": filters.event.id if filters.event else None,
        "challenge": filters.challenge.id if filters.challenge else None,
        "status": filters.status.id if filters.status else None,
        "now": utcnow(),
    }
    if cursor is not None:
        values["after_relevance"], values["after_ref_id"] = cursor
    rows = []
    backends.plan_for_these_words(db.session)
    for row in db.session.execute(statement.build(shape), values):
        if row.total is not None:
            kind = Kind(row.kind)
            if row.total > shape.cap:
                results.capped.add(kind)
            results.counts[kind] = min(int(row.total), shape.cap)
        else:
            rows.append(row)
    rank = {kind: i for i, kind in enumerate(Kind)}
    rows.sort(key=lambda r: (rank[Kind(r.kind)], -r.relevance, -r.ref_id))
    if filters.kind is not None and len(rows) > per_page:
        rows = rows[:per_page]
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
