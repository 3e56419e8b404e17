"""The two full-text backends behind one interface.

Each gives pieces of SQL for the one statement of a search (``statement``
builds it once per shape; the query's text is bound when it runs, under the
name that ``parameters`` gives; filters, grouping, the cap on what is ranked
and pagination are common SQL there):

- ``matches``: the rows of the index that match and that the public may see
  (the index's ``visible``, kept by the triggers of migration e5c9f1a4f605):
  ``doc`` (the index row), ``kind``, ``ref_id`` and ``language``, not ranked;
- ``walk``: the newest texts of one kind, in order, each with whether it is
  such a match (PostgreSQL only: an index gives that order there);
- ``ranked``: given texts (by ``doc``), their ``kind``, ``ref_id``,
  ``language`` and ``relevance`` (higher is better).

- SQLite: the FTS5 table ``search_index`` (``doc`` is its rowid); relevance is
  ``-bm25`` with the title weighing ten times the body.
- PostgreSQL: ``search_documents.tsv`` (GIN index); the query is parsed with
  the swedish, english and simple configurations and OR-ed, so a document
  matches under the stemming of its own language; relevance is ``ts_rank``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from inhabithon.search.query import ParsedQuery, fts5_match, tsquery

POSTGRES = "postgresql"

_COLUMNS = (
    sa.column("doc", sa.BigInteger()),
    sa.column("kind", sa.String()),
    sa.column("ref_id", sa.Integer()),
    sa.column("language", sa.String()),
)

_SQLITE_MATCHES = sa.text(
    "SELECT rowid AS doc, kind, ref_id, language "
    "FROM search_index WHERE search_index MATCH :match AND visible = 1"
)
_SQLITE_RELEVANCE = "-bm25(search_index, 0.0, 0.0, 0.0, 0.0, 10.0, 1.0)"

# The query is parsed with each configuration and the results OR-ed, so the
# GIN index answers it (the configuration is constant, not per row).
_TSQUERY = "to_tsquery('swedish', :q) || to_tsquery('english', :q) || to_tsquery('simple', :q)"
_POSTGRES_MATCHES = sa.text(
    "SELECT id AS doc, kind, ref_id, language "  # noqa: S608 - fixed text
    f"FROM search_documents, (SELECT {_TSQUERY} AS query) AS parsed "
    "WHERE tsv @@ query AND visible"
)
_DOCUMENTS = sa.table(
    "search_documents",
    sa.column("id", sa.BigInteger()),
    *(sa.column(name) for name in ("kind", "ref_id", "language", "tsv", "visible")),
)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == POSTGRES


# psycopg prepares a statement on the server once a connection has run it five
# times, and after five more PostgreSQL may keep one generic plan for it, made
# without the query's words. The words make all the difference to a search (a
# phrase took 135 ms with the generic plan instead of 30 ms, bench data), so a
# search's transaction has every statement planned for its own values.
_OWN_PLANS = sa.text("SET LOCAL plan_cache_mode = force_custom_plan")


def plan_for_these_words(session: Session) -> None:
    """PostgreSQL: plan the search for the words it has, never with a generic plan."""
    if is_postgres(session):
        session.execute(_OWN_PLANS)


def parameters(dialect: str, parsed: ParsedQuery) -> dict[str, str]:
    """The query's text, under the name the backend's SQL binds it."""
    return {"q": tsquery(parsed)} if dialect == POSTGRES else {"match": fts5_match(parsed)}


def matches(dialect: str) -> sa.TextualSelect:
    """The matching index rows that the public may see (one per source text:
    translations are rows of their own), not ranked."""
    stmt = _POSTGRES_MATCHES if dialect == POSTGRES else _SQLITE_MATCHES
    return stmt.columns(*_COLUMNS)


def finds_kinds_apart(dialect: str) -> bool:
    """Whether the index finds the matches of one kind without reading those of
    the others. PostgreSQL does (an index on (kind, ref_id) beside the GIN
    index, and with a filter it starts from the filtered source rows); FTS5
    does not (it stores the kind but cannot look it up), so there one reading
    of the matches serves every kind."""
    return dialect == POSTGRES


def _parsed() -> sa.Subquery:
    """PostgreSQL: the one-row subquery whose ``query`` is the tsquery."""
    return sa.text(f"SELECT {_TSQUERY} AS query").columns(sa.column("query")).subquery("parsed")


def walk(dialect: str, kind: str, size: int, language: bool) -> sa.Select[Any] | None:
    """The ``size`` newest texts of ``kind`` (highest ``ref_id`` first), each
    with ``hit``: whether it is a match the public may see (and, with
    ``language``, in the language bound as ``language``). PostgreSQL reads
    them in that order from the index on (kind, ref_id) and tests each, so
    this costs ``size`` rows however many texts match: the GIN index finds
    matches in no useful order. None on SQLite (FTS5 has no such order)."""
    if dialect != POSTGRES:
        return None
    d, parsed = _DOCUMENTS.alias("d"), _parsed()
    hit = sa.and_(d.c.tsv.op("@@")(parsed.c.query), d.c.visible)
    if language:
        hit = sa.and_(hit, d.c.language == sa.bindparam("language"))
    return (
        sa.select(d.c.id.label("doc"), d.c.kind, d.c.ref_id, d.c.language, hit.label("hit"))
        .join(parsed, sa.true())
        .where(d.c.kind == kind)
        .order_by(d.c.ref_id.desc())
        .limit(size)
    )


def ranked(dialect: str, docs: sa.Select[Any]) -> sa.Subquery:
    """The texts ``docs`` (index rows that ``matches`` or ``walk`` found) with
    their relevance. Only these are ranked, however many texts match."""
    if dialect == POSTGRES:
        d, parsed = _DOCUMENTS.alias("d"), _parsed()
        relevance = sa.cast(sa.func.ts_rank(d.c.tsv, parsed.c.query), sa.Float)
        stmt: Any = (
            sa.select(d.c.kind, d.c.ref_id, d.c.language, relevance.label("relevance"))
            .join(parsed, sa.true())
            .where(d.c.id.in_(docs))
        )
    else:
        # bm25 needs the full-text query, so it runs once more. The unary plus keeps
        # SQLite from running it once per text in ``docs`` (seconds for a common word).
        stmt = (
            sa.select(
                *(sa.literal_column(c.name, c.type) for c in _COLUMNS[1:]),
                sa.literal_column(_SQLITE_RELEVANCE, sa.Float()).label("relevance"),
            )
            .select_from(sa.table("search_index"))
            .where(
                sa.literal_column("search_index").op("MATCH")(sa.bindparam("match")),
                sa.literal_column("+rowid").in_(docs),
            )
        )
    return stmt.subquery("ranked")


# The tables that hold the texts, and the columns the triggers watch; rebuilding
# the index empties it and touches every row so the triggers write it again.
SOURCE_TABLES = (
    "challenges",
    "challenge_translations",
    "ideas",
    "projects",
    "project_translations",
)


def rebuild(session: Session) -> int:
    """Empty the index and fill it again from the source tables; returns its size."""
    index = "search_documents" if is_postgres(session) else "search_index"
    session.execute(sa.text(f"DELETE FROM {index}"))  # noqa: S608 - fixed names
    for table in SOURCE_TABLES:
        session.execute(sa.text(f"UPDATE {table} SET title = title"))  # noqa: S608 - fixed names
    return int(session.scalar(sa.text(f"SELECT count(*) FROM {index}")) or 0)  # noqa: S608
