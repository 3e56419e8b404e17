"""The one SQL statement of a search (``services.search`` runs it): the newest
results of each kind found and counted up to a cap, the newest ``cap`` of
them ranked, and a page of the best taken.

It is built once per ``Shape`` (building it costs milliseconds of Python) and
every value is bound when it runs: the query's text (``backends.parameters``),
``language``, ``event``, ``challenge``, ``status``, ``now``, ``per_kind``,
``per_page``, ``after_relevance`` and ``after_ref_id``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import UTCDateTime
from inhabithon.ideas.models import Idea
from inhabithon.projects.models import Project
from inhabithon.search import backends

# How PostgreSQL finds the newest results of a common word without reading all
# of its matches (``_newest``): among the WALKED * cap newest texts of a kind,
# if most of the WALK_SAMPLE newest texts match.
WALKED = 2
WALK_SAMPLE = 100


@dataclass(frozen=True)
class Shape:
    """What the SQL of a search depends on (not the values it is run with)."""

    dialect: str
    kinds: tuple[str, ...]  # the kinds searched ("challenge", "idea", "project")
    page_of: str | None  # a page of this kind only, rather than the first of each
    after: bool  # that page continues after a cursor
    language: bool  # only texts in one language
    event: bool
    challenge: bool
    phase: Phase | None
    status: bool
    cap: int  # results ranked per kind; counting stops after one more

    @property
    def need_sources(self) -> bool:
        """Whether a filter needs the source tables (not the index alone)."""
        return self.event or self.challenge or self.phase is not None or self.status


def _phase_condition(ch: Any, phase: Phase, now: Any) -> sa.ColumnElement[bool]:
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


def _texts(shape: Shape, kind: str, m: sa.Subquery | sa.CTE) -> sa.Select[Any]:
    """Every text of ``kind`` among the matches ``m`` (``backends.matches``)
    that the filters keep, not ranked: doc (its row in the index), kind,
    ref_id, language. A challenge or project has a text per language, an idea one.

    What the public may see is decided by the index itself (``backends``); the
    source tables are joined only to filter by event, challenge, phase or
    project status (one plain join per kind, so the planner can choose its
    side: an OR over outer joins made it loop over the challenges for every
    match, 200 ms for 20,000 ideas)."""
    texts = select(m.c.doc, m.c.kind, m.c.ref_id, m.c.language).where(m.c.kind == kind)
    if shape.language:
        texts = texts.where(m.c.language == sa.bindparam("language"))
    if kind == "project":
        if not (shape.event or shape.challenge or shape.status):
            return texts
        proj = aliased(Project, name="proj")
        texts = texts.join(proj, proj.id == m.c.ref_id)
        if shape.status:
            texts = texts.where(proj.status_id == sa.bindparam("status", type_=sa.Integer))
        in_challenge, in_event = proj.challenge_id, proj.event_id
    else:
        if not (shape.event or shape.challenge or shape.phase is not None):
            return texts
        ch = aliased(Challenge, name="ch")
        if kind == "idea":
            idea = aliased(Idea, name="idea")
            texts = texts.join(idea, idea.id == m.c.ref_id).join(ch, ch.id == idea.challenge_id)
        else:
            texts = texts.join(ch, ch.id == m.c.ref_id)
        if shape.phase is not None:
            now = sa.bindparam("now", type_=UTCDateTime())
            texts = texts.where(_phase_condition(ch, shape.phase, now))
        in_challenge, in_event = ch.id, ch.event_id
    if shape.event:
        texts = texts.where(in_event == sa.bindparam("event", type_=sa.Integer))
    if shape.challenge:
        texts = texts.where(in_challenge == sa.bindparam("challenge", type_=sa.Integer))
    return texts


def _aged(texts: sa.Select[Any], cap: int) -> sa.Select[Any]:
    """The ``texts`` of the ``cap + 1`` newest results among them, each with
    ``age``: 1 for the texts of the newest result, 2 for the next, and so on."""
    t = texts.subquery()
    age = func.dense_rank().over(order_by=t.c.ref_id.desc())
    aged = select(t.c.doc, t.c.kind, t.c.ref_id, t.c.language, age.label("age")).subquery()
    return select(aged).where(aged.c.age <= cap + 1)


def _newest(shape: Shape) -> sa.CompoundSelect[Any]:
    """The texts of the ``cap + 1`` newest results of each kind, with ``age``
    (``_aged``): the newest ``cap`` are ranked, and counting stops after one more.

    They are found among all matches (the GIN or FTS5 index finds them, then they
    are sorted by id), which takes longer the more there are. So on PostgreSQL,
    unless a filter needs the source tables, a word found in most of the newest
    texts of a kind is looked for among the ``WALKED * cap`` newest texts only
    (``backends.walk``): its newest results are then known without reading its
    other matches. Either way gives the same texts."""
    size = WALKED * shape.cap
    sample = min(WALK_SAMPLE, size)
    matches = backends.matches(shape.dialect)
    shared = None if backends.finds_kinds_apart(shape.dialect) else matches.cte("m")
    parts: list[sa.Select[Any]] = []
    for kind in shape.kinds:
        m = shared if shared is not None else matches.subquery("m")
        everywhere = _aged(_texts(shape, kind, m), shape.cap)
        walk = None
        if not shape.need_sources:
            walk = backends.walk(shape.dialect, kind, size, shape.language)
        if walk is None:
            parts.append(everywhere)
            continue
        w = walk.cte(f"walk_{kind}")
        # The first texts walked are all there is of the kind, or most of them
        # match: worth walking on (a rarer word is walked no further than this).
        first = select(w.c.hit).limit(sample).subquery()
        hits_first = func.count(sa.case((first.c.hit, 1)))
        worth = select(sa.or_(func.count() < sample, hits_first * 2 > func.count()))
        # The walk has the answer if it saw every text of the kind, or found more
        # than cap results: a result's texts are walked together, so the newest cap
        # are whole, and that there are more is known.
        found = func.count(sa.distinct(sa.case((w.c.hit, w.c.ref_id))))
        enough = select(sa.or_(func.count() < size, found > shape.cap))
        walked = sa.and_(worth.scalar_subquery(), enough.scalar_subquery())
        hits = select(w.c.doc, w.c.kind, w.c.ref_id, w.c.language).where(w.c.hit)
        parts += [_aged(hits, shape.cap).where(walked), everywhere.where(sa.not_(walked))]
    return sa.union_all(*parts)


def _best(ranked: sa.Subquery) -> sa.Select[Any]:
    """One row per result: the best ranked of a challenge's or project's texts
    in several languages (an idea has one)."""
    numbered = select(
        ranked,
        func.row_number()
        .over(
            partition_by=(ranked.c.kind, ranked.c.ref_id),
            order_by=(ranked.c.relevance.desc(), ranked.c.language),
        )
        .label("dup"),
    ).subquery("numbered")
    n = numbered.c
    return select(n.kind, n.ref_id, n.language, n.relevance).where(n.dup == 1)


@functools.lru_cache(maxsize=256)
def build(shape: Shape) -> sa.CompoundSelect[Any]:
    """Rows of (kind, ref_id, language, relevance, total): for each kind, one
    with ``total``, the number of its results up to ``cap + 1`` (the newest
    ones, ``_newest``); then the hits of the page, the best of the newest
    ``cap`` of their kind (ranked once, then a top-N sort per kind)."""
    newest = _newest(shape).cte("newest")
    ranked = backends.ranked(shape.dialect, select(newest.c.doc).where(newest.c.age <= shape.cap))
    v = _best(ranked).cte("hits")
    order = (v.c.relevance.desc(), v.c.ref_id.desc())
    counts = select(
        newest.c.kind,
        sa.cast(sa.null(), sa.Integer).label("ref_id"),
        sa.cast(sa.null(), sa.String).label("language"),
        sa.cast(sa.null(), sa.Float).label("relevance"),
        func.max(newest.c.age).label("total"),
    ).group_by(newest.c.kind)
    pages: list[sa.Subquery] = []
    if shape.page_of is None:
        for kind in shape.kinds:
            page = select(v).where(v.c.kind == kind)
            pages.append(page.order_by(*order).limit(sa.bindparam("per_kind")).subquery())
    else:
        page = select(v).where(v.c.kind == shape.page_of)
        if shape.after:
            cursor = sa.tuple_(
                sa.bindparam("after_relevance", type_=sa.Float),
                sa.bindparam("after_ref_id", type_=sa.Integer),
            )
            page = page.where(sa.tuple_(v.c.relevance, v.c.ref_id) < cursor)
        pages.append(page.order_by(*order).limit(sa.bindparam("per_page")).subquery())
    return sa.union_all(
        counts,
        *(
            select(p.c.kind, p.c.ref_id, p.c.language, p.c.relevance, sa.null().label("total"))
            for p in pages
        ),
    )
