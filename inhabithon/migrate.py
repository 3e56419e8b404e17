"""``flask --app app db ...``: Alembic, configured in code (no alembic.ini)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

from inhabithon.config import ROOT

db_cli = AppGroup("db", help="Database migrations.")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="heads")
def upgrade_cmd(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    upgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade_cmd(revision: str) -> None:
    """Step back to REVISION (default: one step)."""
    downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_cmd(message: str) -> None:
    """Write a new revision from the difference between models and database."""
    command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )


@db_cli.command("current")
def current_cmd() -> None:
    """Show the database's revision."""
    command.current(alembic_config(current_app.config["DATABASE_URL"]))


def backup_sqlite(url: str, target: Path) -> int:
    """Copy the SQLite database at ``url`` to ``target`` while the site runs.

    SQLite's online backup API copies a consistent snapshot in one read
    transaction; in WAL mode that never blocks the site's writers (and a copy
    in one step is never restarted by their writes). The copy is checked and
    then moved into place, so ``target`` is never a half-written file.
    Returns the size in bytes.
    """
    database = sa.make_url(url).database
    if not url.startswith("sqlite") or not database or database == ":memory:":
        raise ValueError("not a SQLite database file")
    target = target.resolve()
    partial = target.with_name(f".{target.name}.partial")
    source = sqlite3.connect(database, timeout=30)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
            (result,) = destination.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise RuntimeError(f"the copy failed its integrity check: {result}")
            # The copy is a single self-contained file (no -wal beside it).
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, target)
    return target.stat().st_size


@db_cli.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_cmd(target: Path) -> None:
    """Copy the SQLite database to TARGET; safe while the site runs."""
    url = current_app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        raise click.ClickException(
            "This command backs up SQLite only. For PostgreSQL use pg_dump, which also "
            "takes a consistent copy while the site runs: "
            "pg_dump --format=custom --file=inhabithon.dump <database>"
        )
    try:
        size = backup_sqlite(url, target)
    except (ValueError, RuntimeError, sqlite3.Error) as exc:
        raise click.ClickException(f"The backup failed: {exc}") from exc
    click.echo(f"Backed up the database to {target} ({size:,} bytes).")
