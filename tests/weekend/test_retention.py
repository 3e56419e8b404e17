"""Removing attendee data after the retention period, keeping anonymous totals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from inhabithon.accounts.models import Role
from inhabithon.db import utcnow
from inhabithon.weekend.models import AttendanceSettings, Diet, Signup
from tests.weekend.helpers import open_event, signup


def _past_event(make, days_ago, retention_days):
    end = utcnow() - dt.timedelta(days=days_ago)
    return open_event(
        make,
        capacity=5,
        retention_days=retention_days,
        starts_at=end - dt.timedelta(days=2),
        ends_at=end,
    )


def test_purge_removes_personal_data_keeps_totals_and_is_idempotent(app, make, db, client):
    due = _past_event(make, days_ago=31, retention_days=30)
    kept = _past_event(make, days_ago=10, retention_days=30)
    signup(make, due, make.user(name="Lina"), diet=Diet.VEGAN, children=2, notes="secret")
    signup(make, due, make.user(), interpretation_language="ar")
    signup(make, kept, make.user(), notes="still needed")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["weekend", "purge"])
    assert result.exit_code == 0, result.output
    assert f"purged {due.slug}" in result.output
    assert "1 event(s) purged" in result.output
    db.expire_all()
    assert db.scalar(select(func.count()).where(Signup.event_id == due.id)) == 0
    assert db.scalar(select(func.count()).where(Signup.event_id == kept.id)) == 1
    settings = db.get(AttendanceSettings, due.id)
    assert settings.purged_at is not None
    assert not settings.signup_open
    assert settings.purged_counts["confirmed"] == 2
    assert settings.purged_counts["diets"] == {"vegan": 1}
    assert settings.purged_counts["interpretation"] == {"ar": 1}
    assert settings.purged_counts["children"] == 2
    assert "Lina" not in str(settings.purged_counts)
    assert "secret" not in str(settings.purged_counts)
    again = runner.invoke(args=["weekend", "purge"])
    assert again.exit_code == 0
    assert "0 event(s) purged" in again.output
    client.login(make.user(Role.ADMIN))
    page = client.get(f"/manage/events/{due.slug}/attendees").get_data(as_text=True)
    assert "The attendee data was removed" in page
    assert "Lina" not in page
    assert "Interpretation into Arabic" in page


def test_a_retention_of_zero_days_purges_right_after_the_event(app, make, db):
    event = _past_event(make, days_ago=0, retention_days=0)
    signup(make, event, make.user())
    result = app.test_cli_runner().invoke(args=["weekend", "purge"])
    assert "1 event(s) purged" in result.output
    db.expire_all()
    assert db.scalar(select(func.count()).where(Signup.event_id == event.id)) == 0
