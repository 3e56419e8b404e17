"""Shared steps of the notification tests."""

from __future__ import annotations

from sqlalchemy import select

from inhabithon.notifications.models import Notification


def run_send(app, db):
    """`flask --app app notifications send`, as cron runs it."""
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    return result


def notifications_of(db, user) -> list[Notification]:
    db.expire_all()
    return list(
        db.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.id)
        )
    )
