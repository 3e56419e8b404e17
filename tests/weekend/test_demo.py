"""The demo's current event comes with sign-up open and a programme, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from inhabithon.accounts import services as account_services
from inhabithon.events.models import Event
from inhabithon.weekend.models import AttendanceSettings, EventOfficial, ProgrammeItem


def test_the_demo_event_takes_sign_ups_and_has_a_programme_once(app, client, monkeypatch):
    hashed = account_services.hash_password("demo-password-x")
    monkeypatch.setattr(account_services, "hash_password", lambda _password: hashed)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        from inhabithon.db import db

        event = db.session.scalar(select(Event).where(Event.slug == "inhabithon-helsingborg-2027"))
        settings = db.session.get(AttendanceSettings, event.id)
        assert settings.signup_open
        assert settings.capacity == 120
        items = db.session.scalar(select(func.count()).where(ProgrammeItem.event_id == event.id))
        assert items == 5
        assert (
            db.session.scalar(select(func.count()).where(EventOfficial.event_id == event.id)) == 1
        )
    page = client.get("/events/inhabithon-helsingborg-2027/programme").get_data(as_text=True)
    assert "Lag bildas" in page
