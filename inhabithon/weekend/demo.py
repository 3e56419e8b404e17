"""The demo's current event as a weekend: sign-up open, its official, a programme.

Loaded by ``flask demo load`` after the events; an event that has sign-up
settings already is left as it is, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from inhabithon.accounts.models import User
from inhabithon.db import db
from inhabithon.events.models import Event
from inhabithon.timeutil import app_timezone
from inhabithon.weekend.models import EventOfficial
from inhabithon.weekend.services import (
    ProgrammeData,
    SettingsData,
    add_item,
    settings_for,
    update_settings,
)

DEMO_EVENT = "inhabithon-helsingborg-2027"

# (day before the event's last day, start, end, title, room, languages, description)
SESSIONS = (
    (2, "17:00", "18:00", "Välkomna till helgen", "Stora salen", ("sv", "ar"), "Öppning och fika."),
    (1, "09:00", "10:30", "Lag bildas", "Stora salen", ("sv", "en"), "Hitta ett lag."),
    (1, "12:00", "13:00", "Lunch", "Caféet", (), "Vegetariskt, veganskt och halal."),
    (0, "14:00", "16:00", "Lagen presenterar", "Stora salen", ("sv", "ar", "en"), ""),
    (0, "16:00", "16:30", "Avslutning", "Stora salen", ("sv",), ""),
)


def _at(last_day: dt.date, days_before: int, clock: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    day = last_day - dt.timedelta(days=days_before)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=app_timezone())


def load_weekend(official: User) -> bool:
    """Open sign-up and add the programme to the demo's current event; False
    when there is no such event or it has its settings already."""
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_EVENT))
    if event is None or settings_for(event) is not None:
        return False
    update_settings(
        official, event, SettingsData(capacity=120, signup_open=True, retention_days=30)
    )
    db.session.add(EventOfficial(event_id=event.id, user_id=official.id))
    last_day = event.ends_at.astimezone(app_timezone()).date()
    for days_before, start, end, title, room, languages, text in SESSIONS:
        add_item(
            official,
            event,
            ProgrammeData(
                title=title,
                starts_at=_at(last_day, days_before, start).astimezone(dt.UTC),
                ends_at=_at(last_day, days_before, end).astimezone(dt.UTC),
                room=room,
                languages=languages,
                description_md=text,
            ),
        )
    db.session.flush()
    return True
