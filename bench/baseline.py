"""The baseline: a bare Flask + Jinja app that renders a page of the given size
from 50 rows of SQLite read with SQLAlchemy Core. Served by the same gunicorn
config as Inhabithon (``gunicorn -c python:inhabithon.gunicorn_conf
bench.baseline:app``), it tells what this machine can do right now, so every
Inhabithon figure is given as a ratio to it.

``/`` is the page of the size ``prepare()`` was given first (the challenge page's,
the yardstick of every run); ``/<bytes>`` is a page of each other size it was
given (since run 23: each page is also compared with a baseline page of its own
size, as issue 7 asks, the idea page with 100 comments being five times the
challenge page's). Only the rows' text differs: the same 50 rows, query and template.

``BASELINE_DB`` names the SQLite file that ``prepare()`` filled beforehand.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import jinja2
import sqlalchemy as sa
from flask import Flask, abort, render_template_string

ROWS = 50
SENTENCE = "Fler bänkar och bättre belysning på torget, så att fler stannar. "


def _table(metadata: sa.MetaData, name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(140)),
        sa.Column("summary", sa.String(400)),
        sa.Column("votes", sa.Integer),
    )


PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Baseline</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><nav><a href="/">Start</a></nav></header><main><h1>Ideas</h1>
<ol class="cards">
{% for row in rows %}<li class="card"><h2><a href="/items/{{ row.id }}">{{ row.title }}</a></h2>
<p>{{ row.summary }}</p><p><span>{{ row.votes }} votes</span></p></li>
{% endfor %}</ol></main><footer><p>Baseline</p></footer></body></html>
"""


def _rows(summary: str) -> list[dict[str, object]]:
    return [
        {"id": i, "title": f"Idé {i}: bänkar på torget", "summary": summary, "votes": 1000 - i}
        for i in range(1, ROWS + 1)
    ]


def _summary(page_bytes: int) -> str:
    """The rows' text that makes the page ``page_bytes`` long in UTF-8 (to a row's
    rounding; at least 20 characters)."""
    template = jinja2.Environment(autoescape=True).from_string(PAGE)
    fixed = len(template.render(rows=_rows("")).encode())
    per_row = max(20, (page_bytes - fixed) // ROWS)
    text = (SENTENCE * (per_row // len(SENTENCE) + 1)).encode()[:per_row]
    return text.decode(errors="ignore")  # a cut "ä" dropped


def _name(page_bytes: int | None) -> str:
    return "items" if page_bytes is None else f"items_{page_bytes}"


def prepare(path: str, page_bytes: int, other_sizes: Iterable[int] = ()) -> None:
    """Write the 50 rows for ``/`` (about ``page_bytes``) and for each other size."""
    engine = sa.create_engine(f"sqlite:///{path}")
    metadata = sa.MetaData()
    tables = {_table(metadata, _name(None)): page_bytes}
    tables.update({_table(metadata, _name(size)): size for size in sorted(set(other_sizes))})
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table, size in tables.items():
            conn.execute(table.insert(), _rows(_summary(size)))
    engine.dispose()


def create_app(path: str) -> Flask:
    application = Flask(__name__)
    engine = sa.create_engine(f"sqlite:///{path}")
    metadata = sa.MetaData()
    metadata.reflect(engine)
    queries = {
        name: sa.select(table).order_by(table.c.votes.desc(), table.c.id.desc()).limit(ROWS)
        for name, table in metadata.tables.items()
    }

    def page_of(name: str) -> str:
        query = queries.get(name)
        if query is None:
            abort(404)
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        return render_template_string(PAGE, rows=rows)

    @application.get("/")
    def page() -> str:
        return page_of(_name(None))

    @application.get("/<int:size>")
    def sized(size: int) -> str:
        return page_of(_name(size))

    return application


app = create_app(os.environ.get("BASELINE_DB", "baseline.sqlite3"))
