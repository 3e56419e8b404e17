"""Mail goes through a real SMTP server on loopback, after the request commits."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from inhabithon.db import db as database
from inhabithon.mail.models import OutgoingMail
from inhabithon.mail.services import queue_mail, send_pending
from tests.conftest import Mailbox
from tests.factories import Factory


def test_queued_mail_is_rendered_in_the_recipients_language_and_sent(
    app: Flask, make: Factory, db: Session, mailbox: Mailbox
) -> None:
    with make.context():
        queue_mail("a@example.org", "Hej", "test", "sv", name="Alva")
        assert send_pending() == 1
        database.session.flush()
    [message] = mailbox.wait(1)
    assert message["To"] == "a@example.org"
    assert message["Subject"] == "Hej"
    assert "Alva" in Mailbox.body(message)
    row = db.scalars(select(OutgoingMail)).one()
    assert row.sent_at is not None
    assert row.attempts == 1


def test_unreachable_server_leaves_mail_queued_with_the_error(
    app: Flask, make: Factory, db: Session
) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)
    with make.context():
        queue_mail("a@example.org", "Hej", "test", "sv", name="Alva")
        assert send_pending() == 0
        database.session.flush()
    row = db.scalars(select(OutgoingMail)).one()
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.last_error
