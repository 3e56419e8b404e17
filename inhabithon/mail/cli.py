"""``flask --app app mail send``: send queued e-mail (for cron or a worker loop)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from inhabithon.db import db
from inhabithon.mail.services import send_pending

mail_cli = AppGroup("mail", help="Outgoing e-mail.")


@mail_cli.command("send")
@click.option(
    "--loop", is_flag=True, help="Keep running, checking the queue every --every seconds."
)
@click.option("--every", default=10.0, show_default=True)
def send_cmd(loop: bool, every: float) -> None:
    """Send every queued message that has not gone out yet."""
    while True:
        sent = send_pending()
        db.session.commit()
        click.echo(f"sent {sent} message(s)")
        if not loop:
            return
        time.sleep(every)
