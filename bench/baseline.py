"""The baseline: a bare Flask + Jinja app that renders a page of the given size
from 50 rows of SQLite read with SQLAlchemy Core. Served by the same gunicorn
config as Inhabithon (``gunicorn -c python:inhabithon.gunicorn_conf
bench.baseline:app``), it tells what this machine can do right now, so every
Inhabithon figure is given as a ratio to it.

``BASELINE_DB`` names the SQLite file that ``prepare()`` filled beforehand.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string

ROWS = 50
metadata = sa.MetaData()
items = sa.Table(
    "items",
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


def prepare(path: str, page_bytes: int) -> None:
    """Write the 50 rows, long enough that the page is about ``page_bytes``."""
    engine = sa.create_engine(f"sqlite:///{path}")
    metadata.drop_all(engine)
    metadata.create_all(engine)
    fixed = len(PAGE) + ROWS * 120  # markup around the rows' text
    summary_len = max(20, (page_bytes - fixed) // ROWS)
    text = ("Fler bänkar och bättre belysning på torget, så att fler stannar. " * 100)[:summary_len]
    with engine.begin() as conn:
        conn.execute(
            items.insert(),
            [
                {"id": i, "title": f"Idé {i}: bänkar på torget", "summary": text, "votes": 1000 - i}
                for i in range(1, ROWS + 1)
            ],
        )
    engine.dispose()


def create_app(path: str) -> Flask:
    application = Flask(__name__)
    engine = sa.create_engine(f"sqlite:///{path}")
    query = sa.select(items).order_by(items.c.votes.desc(), items.c.id.desc()).limit(ROWS)

    @application.get("/")
    def page() -> str:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        return render_template_string(PAGE, rows=rows)

    return application


app = create_app(os.environ.get("BASELINE_DB", "baseline.sqlite3"))
