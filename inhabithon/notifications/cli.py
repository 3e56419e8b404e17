"""``flask --app app notifications send``: phase changes, then notification
e-mail into the outbox, then the outbox out (for cron or a worker loop)."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from inhabithon.db import db
from inhabithon.mail.services import send_pending
from inhabithon.notifications.services import send_notifications


def run_once() -> tuple[int, int, int]:
    """One run: returns (phase changes, notification mails queued, mails sent)."""
    # Links in the mail need a request context; SITE_URL says where the site lives.
    base_url = current_app.config.get("SITE_URL") or "http://localhost:5000"
    with current_app.test_request_context("/", base_url=base_url):
        report = send_notifications()
        db.session.commit()
    sent = send_pending()
    db.session.commit()
    return report.phases, report.mails, sent


@click.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking for news every --every seconds.")
@click.option("--every", default=60.0, show_default=True)
@with_appcontext
def send_cmd(loop: bool, every: float) -> None:
    """Tell followers of phase changes, queue notification e-mail and send the outbox."""
    while True:
        phases, mails, sent = run_once()
        click.echo(
            f"{phases} phase change(s), {mails} notification mail(s), sent {sent} message(s)"
        )
        if not loop:
            return
        time.sleep(every)
