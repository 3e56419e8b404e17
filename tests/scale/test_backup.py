"""``flask --app app db backup FILE``: a consistent SQLite copy while the site writes."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa

from inhabithon import create_app
from inhabithon.db import make_engine
from inhabithon.migrate import upgrade
from tests.conftest import app_config


def test_the_backup_command_copies_a_sqlite_database_while_it_is_written(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    events = sa.table("events", sa.column("id"))  # any table with rows will do
    insert_event = sa.text(
        "INSERT INTO events (slug, name, place, starts_at, ends_at, description_md, "
        "description_html, language, created_at, updated_at) VALUES (:slug, 'E', 'P', "
        "'2026-01-01 10:00:00', '2026-01-02 10:00:00', '', '', 'sv', "
        "'2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    )
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(insert_event, {"slug": f"e-{written[0]}"})
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 50:
            stop.wait(0.01)
        target = tmp_path / "copies" / "backup.sqlite3"
        target.parent.mkdir()
        app = create_app(app_config(url))
        result = app.test_cli_runner().invoke(args=["db", "backup", str(target)])
        during = written[0]
    finally:
        stop.set()
        thread.join(10)
    assert result.exit_code == 0, result.output
    assert f"Backed up the database to {target}" in result.output
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        copied = copy.execute("SELECT count(*) FROM events").fetchone()[0]
        revision = copy.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        copy.close()
    assert 50 <= copied <= during + 1  # a snapshot taken while the writer ran
    assert revision  # the schema's revision travels with the data
    assert not list(target.parent.glob(".*partial"))  # nothing half-written left
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(events)) >= copied
    engine.dispose()
    app.extensions["inhabithon_db"].engine.dispose()


def test_the_backup_command_points_postgresql_users_to_pg_dump():
    # The engine connects lazily: no PostgreSQL server is needed to be refused.
    app = create_app(app_config("postgresql+psycopg://postgres@127.0.0.1:5432/not_used"))
    target = Path(tempfile.mkdtemp()) / "backup.sqlite3"
    result = app.test_cli_runner().invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert not target.exists()
