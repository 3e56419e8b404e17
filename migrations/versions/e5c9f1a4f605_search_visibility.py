"""search: whether the public may see a text is kept in the index itself

Until now a search joined every match back to its idea and challenge to
learn whether it may be shown. For a word found in nearly every idea that
join was most of the time of the query (19,868 matches: 145 ms on
PostgreSQL, where the planner, expecting about a thousand matches, looked
each one up in turn). Now every index row carries ``visible``:

- a challenge and its translations: the challenge is published;
- an idea: it is published and so is its challenge;
- a project and its translations: always (a project page is public).

The same triggers that keep the text current keep the flag current, in the
same transaction as the write: they now also watch ``challenges.is_published``
and ``ideas.status`` and ``ideas.challenge_id``, and publishing or
unpublishing a challenge sets the flag of its translations and its
published ideas.

SQLite: the FTS5 table gets an unindexed column, so it is built again (and
filled again from the source tables). PostgreSQL: a column on
``search_documents``.

Downgrade: the index as d1e5a7c0b201 built it.

Revision ID: e5c9f1a4f605
Revises: d4b8d0e3e504
Create Date: 2026-11-22 21:10:00
"""

# The SQL below is built from the fixed names in SOURCES only, never from input.
# ruff: noqa: S608

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "e5c9f1a4f605"
down_revision: str | None = "d4b8d0e3e504"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _index_migration() -> ModuleType:
    """d1e5a7c0b201, which built the index: its SOURCES, and its upgrade for downgrade."""
    path = Path(__file__).with_name("d1e5a7c0b201_search_index.py")
    spec = importlib.util.spec_from_file_location("search_index_d1e5a7c0b201", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Whether the public may see the text of a source row ``{r}``, and the further
# columns of the source table that change it.
_CHALLENGE_PUBLISHED = (
    "COALESCE((SELECT c.is_published FROM challenges AS c WHERE c.id = {r}.challenge_id), false)"
)
VISIBLE = {
    "challenges": ("{r}.is_published", "is_published"),
    "challenge_translations": (_CHALLENGE_PUBLISHED, ""),
    "ideas": (f"({{r}}.status = 'published' AND {_CHALLENGE_PUBLISHED})", "status, challenge_id"),
    "projects": ("true", ""),
    "project_translations": ("true", ""),
}

# Publishing or unpublishing a challenge: the flag of its translations and of its
# published ideas (the others stay hidden either way) follows it.
_CASCADE = (
    "{update} SET visible = NEW.is_published WHERE {key} IN ("
    "SELECT id * 8 + 2 FROM challenge_translations WHERE challenge_id = NEW.id "
    "UNION ALL SELECT id * 8 + 3 FROM ideas WHERE challenge_id = NEW.id AND status = 'published')"
)


def _sources() -> list[tuple[str, int, str, str, str, str, str, str]]:
    """The old SOURCES with the watched columns and the visibility expression added."""
    out = []
    for table, code, kind, parent, columns, title, body in _index_migration().SOURCES:
        visible, more = VISIBLE[table]
        out.append(
            (
                table,
                code,
                kind,
                parent,
                f"{columns}, {more}" if more else columns,
                title,
                body,
                visible,
            )
        )
    return out


def _sqlite_upgrade() -> None:
    for table, *_ in _sources():
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
    op.execute("DROP TABLE search_index")
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, language UNINDEXED, visible UNINDEXED, title, body, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    for table, code, kind, parent, columns, title, body, visible in _sources():
        values = (
            f"{{r}}.id * 8 + {code}, '{kind}', {{r}}.{parent}, {{r}}.language, "
            f"({visible}) IS true, {title}, {body}"
        )
        insert = (
            "INSERT INTO search_index(rowid, kind, ref_id, language, visible, title, body) "
            f"VALUES ({values.format(r='NEW')})"
        )
        delete = f"DELETE FROM search_index WHERE rowid = OLD.id * 8 + {code}"
        op.execute(f"CREATE TRIGGER search_{table}_ai AFTER INSERT ON {table} BEGIN {insert}; END")
        op.execute(
            f"CREATE TRIGGER search_{table}_au AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {delete}; {insert}; END"
        )
        op.execute(f"CREATE TRIGGER search_{table}_ad AFTER DELETE ON {table} BEGIN {delete}; END")
        op.execute(
            "INSERT INTO search_index(rowid, kind, ref_id, language, visible, title, body) "
            f"SELECT {values.format(r=table)} FROM {table}"
        )
    cascade = _CASCADE.format(update="UPDATE search_index", key="rowid")
    op.execute(
        "CREATE TRIGGER search_challenges_publish AFTER UPDATE OF is_published ON challenges "
        f"WHEN OLD.is_published IS NOT NEW.is_published BEGIN {cascade}; END"
    )


def _postgres_function(source: tuple[str, int, str, str, str, str, str, str], cascade: str) -> str:
    table, code, kind, parent, _columns, title, body, visible = source
    t, b, v = title.format(r="NEW"), body.format(r="NEW"), visible.format(r="NEW")
    return (
        f"CREATE OR REPLACE FUNCTION search_sync_{table}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF TG_OP = 'DELETE' THEN\n"
        f"    DELETE FROM search_documents WHERE id = OLD.id * 8 + {code};\n"
        "    RETURN OLD;\n"
        "  END IF;\n"
        "  INSERT INTO search_documents (id, kind, ref_id, language, title, body, tsv, visible)\n"
        f"  VALUES (NEW.id * 8 + {code}, '{kind}', NEW.{parent}, NEW.language, {t}, {b},\n"
        f"    setweight(to_tsvector(search_config(NEW.language), {t}), 'A') ||\n"
        f"    setweight(to_tsvector(search_config(NEW.language), {b}), 'B'), {v})\n"
        "  ON CONFLICT (id) DO UPDATE SET language = EXCLUDED.language,\n"
        "    title = EXCLUDED.title, body = EXCLUDED.body, tsv = EXCLUDED.tsv,\n"
        "    visible = EXCLUDED.visible;\n"
        f"{cascade}"
        "  RETURN NEW;\n"
        "END $$"
    )


def _postgres_upgrade() -> None:
    op.add_column(
        "search_documents",
        sa.Column("visible", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    cascade = (
        "  IF TG_OP = 'UPDATE' AND NEW.is_published IS DISTINCT FROM OLD.is_published THEN\n"
        f"    {_CASCADE.format(update='UPDATE search_documents', key='id')};\n"
        "  END IF;\n"
    )
    for source in _sources():
        table, code, _kind, _parent, columns, _title, _body, visible = source
        op.execute(_postgres_function(source, cascade if table == "challenges" else ""))
        op.execute(f"DROP TRIGGER search_{table}_aiud ON {table}")
        op.execute(
            f"CREATE TRIGGER search_{table}_aiud AFTER INSERT OR DELETE OR UPDATE OF {columns} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION search_sync_{table}()"
        )
        op.execute(
            f"UPDATE search_documents AS d SET visible = {visible.format(r='s')} "
            f"FROM {table} AS s WHERE d.id = s.id * 8 + {code}"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    index = _index_migration()
    if op.get_bind().dialect.name == "postgresql":
        for table, *_ in index.SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_aiud ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS search_sync_{table}()")
        op.drop_table("search_documents")
        op.execute("DROP FUNCTION IF EXISTS search_config(text)")
    else:
        op.execute("DROP TRIGGER IF EXISTS search_challenges_publish")
        for table, *_ in index.SOURCES:
            for suffix in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
        op.execute("DROP TABLE search_index")
    index.upgrade()  # the index as it was, filled from the source tables
