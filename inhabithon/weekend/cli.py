"""``flask --app app weekend purge``: remove attendee data after each event's retention period."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from inhabithon.db import db
from inhabithon.weekend.services import purge_due

weekend_cli = AppGroup("weekend", help="The hackathon weekend.")


@weekend_cli.command("purge")
def purge_cmd() -> None:
    """Remove personal attendee data of events whose retention period has passed
    (anonymous totals are kept). Safe to run again: a purged event is skipped."""
    events = purge_due()
    db.session.commit()
    for event in events:
        click.echo(f"purged {event.slug}")
    click.echo(f"{len(events)} event(s) purged")
