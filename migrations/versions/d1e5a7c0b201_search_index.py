"""search: full-text index of challenges, ideas and projects

One row per text a visitor can search: a challenge, a challenge translation,
an idea, a project or a project translation. Triggers on those tables keep
the index current in the same transaction as every write. Whether a row may
be shown (published, visible) is decided at query time by joining back to
the source tables, so publishing or hiding needs no index write.

SQLite: an FTS5 table ``search_index``; the rowid encodes the source
(``id * 8 + source``) so a trigger finds its row without a scan.
``remove_diacritics 0`` keeps å, ä and ö distinct letters ("gång" is not
"gang"); case still folds. FTS5 has no Swedish stemmer: queries use prefixes.

PostgreSQL: a table ``search_documents`` with a ``tsvector`` built with the
text search configuration of the content language (swedish, english, simple)
and a GIN index.

Revision ID: d1e5a7c0b201
Revises: a4076cca7c4d
Create Date: 2026-11-22 14:45:00
"""

# The SQL below is built from the fixed names in SOURCES only, never from input.
# ruff: noqa: S608

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d1e5a7c0b201"
down_revision: str | None = "a4076cca7c4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, source code, kind, parent id column, columns that change the text,
#  title expression, body expression) - expressions over NEW./OLD. as ``{r}``.
SOURCES = [
    (
        "challenges",
        1,
        "challenge",
        "id",
        "title, category, summary, description_md, language",
        "{r}.title",
        "{r}.category || ' ' || {r}.summary || ' ' || {r}.description_md",
    ),
    (
        "challenge_translations",
        2,
        "challenge",
        "challenge_id",
        "title, summary, description_md, language",
        "{r}.title",
        "{r}.summary || ' ' || {r}.description_md",
    ),
    (
        "ideas",
        3,
        "idea",
        "id",
        "title, summary, body_md, language",
        "{r}.title",
        "{r}.summary || ' ' || {r}.body_md",
    ),
    (
        "projects",
        4,
        "project",
        "id",
        "title, category, lead, what_md, why_md, how_md, involvement_md, result_md, "
        "lessons_md, partners, department, language",
        "{r}.title",
        "{r}.category || ' ' || {r}.lead || ' ' || {r}.what_md || ' ' || {r}.why_md || ' ' || "
        "{r}.how_md || ' ' || {r}.involvement_md || ' ' || {r}.result_md || ' ' || "
        "{r}.lessons_md || ' ' || {r}.partners || ' ' || {r}.department",
    ),
    (
        "project_translations",
        5,
        "project",
        "project_id",
        "title, lead, what_md, why_md, how_md, language",
        "{r}.title",
        "{r}.lead || ' ' || {r}.what_md || ' ' || {r}.why_md || ' ' || {r}.how_md",
    ),
]


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, language UNINDEXED, title, body, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    for table, code, kind, parent, columns, title, body in SOURCES:
        values = f"{{r}}.id * 8 + {code}, '{kind}', {{r}}.{parent}, {{r}}.language, {title}, {body}"
        insert = (
            "INSERT INTO search_index(rowid, kind, ref_id, language, title, body) "
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
            "INSERT INTO search_index(rowid, kind, ref_id, language, title, body) "
            f"SELECT {values.format(r=table)} FROM {table}"
        )


def _postgres_upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index("ix_search_documents_tsv", "search_documents", ["tsv"], postgresql_using="gin")
    op.create_index("ix_search_documents_kind_ref", "search_documents", ["kind", "ref_id"])
    op.execute(
        "CREATE FUNCTION search_config(lang text) RETURNS regconfig "
        "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE lang "
        "WHEN 'sv' THEN 'swedish'::regconfig WHEN 'en' THEN 'english'::regconfig "
        "ELSE 'simple'::regconfig END $$"
    )
    for table, code, kind, parent, columns, title, body in SOURCES:
        t, b = title.format(r="NEW"), body.format(r="NEW")
        op.execute(
            f"CREATE FUNCTION search_sync_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP = 'DELETE' THEN\n"
            f"    DELETE FROM search_documents WHERE id = OLD.id * 8 + {code};\n"
            "    RETURN OLD;\n"
            "  END IF;\n"
            "  INSERT INTO search_documents (id, kind, ref_id, language, title, body, tsv)\n"
            f"  VALUES (NEW.id * 8 + {code}, '{kind}', NEW.{parent}, NEW.language, {t}, {b},\n"
            f"    setweight(to_tsvector(search_config(NEW.language), {t}), 'A') ||\n"
            f"    setweight(to_tsvector(search_config(NEW.language), {b}), 'B'))\n"
            "  ON CONFLICT (id) DO UPDATE SET language = EXCLUDED.language,\n"
            "    title = EXCLUDED.title, body = EXCLUDED.body, tsv = EXCLUDED.tsv;\n"
            "  RETURN NEW;\n"
            "END $$"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_aiud AFTER INSERT OR DELETE OR UPDATE OF {columns} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION search_sync_{table}()"
        )
        tr, br = title.format(r=table), body.format(r=table)
        op.execute(
            "INSERT INTO search_documents (id, kind, ref_id, language, title, body, tsv) "
            f"SELECT id * 8 + {code}, '{kind}', {parent}, language, {tr}, {br}, "
            f"setweight(to_tsvector(search_config(language), {tr}), 'A') || "
            f"setweight(to_tsvector(search_config(language), {br}), 'B') FROM {table}"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, *_ in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_aiud ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS search_sync_{table}()")
        op.drop_table("search_documents")
        op.execute("DROP FUNCTION IF EXISTS search_config(text)")
    else:
        for table, *_ in SOURCES:
            for suffix in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
        op.execute("DROP TABLE search_index")
