"""``flask --app app demo load``: the H22 Inhabithon as a living example."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from inhabithon.db import db
from inhabithon.demo.content import DEMO_PASSWORD, USERS
from inhabithon.demo.loader import load_demo, totals
from inhabithon.errors import DomainError

demo_cli = AppGroup("demo", help="Demo data.")

__all__ = ["DEMO_PASSWORD", "demo_cli", "load_demo"]


@demo_cli.command(
    "load",
    help=(
        "Load the demo: the H22 Inhabithon (finished, with its winner) and a current event "
        "open for ideas and votes. Safe to run again: what exists is left alone. "
        f"Every demo account's password is {DEMO_PASSWORD!r}: admin@example.org, "
        "tjansteman@example.org, guide@example.org, jury@example.org and "
        "invanare1..15@example.org."
    ),
)
def load_cmd() -> None:
    try:
        report = load_demo()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"The demo could not be loaded: {exc.message}") from exc
    db.session.commit()

    for name in report.created_events:
        click.echo(f"Loaded {name}.")
    for name in report.skipped_events:
        click.echo(f"{name} is already there; left as it is.")
    if report.created_users:
        click.echo(f"Created {len(report.created_users)} demo accounts.")
    counts = ", ".join(f"{n} {name}" for name, n in totals().items())
    click.echo(f"The database now holds {counts}.")
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for user in USERS[:4]:
        click.echo(f"  {user.email:<26} {user.role.value}")
    click.echo(f"  {'invanare1..15@example.org':<26} resident")
