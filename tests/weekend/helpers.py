"""Building an event that takes sign-ups, for the weekend's tests."""

from __future__ import annotations

from typing import Any

from inhabithon.weekend.models import AttendanceSettings, EventOfficial, Signup, SignupStatus
from inhabithon.weekend.services import name_key
from tests.factories import Factory


def open_event(make: Factory, capacity: int = 2, *, retention_days: int = 30, **kw: Any) -> Any:
    event = make.event(**kw)
    make.session.add(
        AttendanceSettings(
            event_id=event.id,
            capacity=capacity,
            confirmed=0,
            signup_open=True,
            retention_days=retention_days,
        )
    )
    make.session.commit()
    return event


def signup(make: Factory, event: Any, user: Any, **kw: Any) -> Signup:
    """A confirmed sign-up written directly, the counter kept right."""
    settings = make.session.get(AttendanceSettings, event.id)
    assert settings is not None
    settings.confirmed += 1
    row = Signup(
        event_id=event.id,
        user_id=user.id,
        status=SignupStatus.CONFIRMED,
        name_key=name_key(user.display_name),
        **kw,
    )
    make.session.add(row)
    make.session.commit()
    return row


def event_official(make: Factory, event: Any, user: Any) -> None:
    make.session.add(EventOfficial(event_id=event.id, user_id=user.id))
    make.session.commit()
