"""The two full-text backends behind one interface.

Each gives the rows of the index that match a parsed query and that the
public may see (the index's ``visible``, kept by the triggers of migration
e5c9f1a4f605) as a subquery with the columns ``kind``, ``ref_id``,
``language`` and ``relevance`` (higher is better). Everything else (filters,
grouping, pagination) is common SQL in ``services``.

- SQLite: the FTS5 table ``search_index``; relevance is ``-bm25`` with the
  title weighing ten times the body.
- PostgreSQL: ``search_documents.tsv`` (GIN index); the query is parsed with
  the swedish, english and simple configurations and OR-ed, so a document
  matches under the stemming of its own language; relevance is ``ts_rank``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from inhabithon.search.query import ParsedQuery, fts5_match, tsquery

_COLUMNS = (
    sa.column("kind", sa.String()),
    sa.column("ref_id", sa.Integer()),
    sa.column("language", sa.String()),
    sa.column("relevance", sa.Float()),
)

_SQLITE = sa.text(
    "SELECT kind, ref_id, language, "
    "-bm25(search_index, 0.0, 0.0, 0.0, 0.0, 10.0, 1.0) AS relevance "
    "FROM search_index WHERE search_index MATCH :match AND visible = 1"
)

# The query is parsed with each configuration and the results OR-ed, so the
# GIN index answers it (the configuration is constant, not per row).
_POSTGRES = sa.text(
    "SELECT kind, ref_id, language, ts_rank(tsv, query)::float8 AS relevance "
    "FROM search_documents, (SELECT to_tsquery('swedish', :q) || "
    "to_tsquery('english', :q) || to_tsquery('simple', :q) AS query) AS parsed "
    "WHERE tsv @@ query AND visible"
)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def matches(session: Session, parsed: ParsedQuery) -> sa.Subquery:
    """The matching index rows that the public may see (one per source text:
    translations are rows of their own)."""
    if is_postgres(session):
        stmt = _POSTGRES.bindparams(q=tsquery(parsed))
    else:
        stmt = _SQLITE.bindparams(match=fts5_match(parsed))
    return stmt.columns(*_COLUMNS).subquery("m")


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
