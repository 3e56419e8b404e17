"""The programme: officials add sessions; everyone sees them per day and takes them as .ics."""

from __future__ import annotations

import datetime as dt

import icalendar
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.weekend.ics import CalendarEntry, calendar, escape_text, fold
from inhabithon.weekend.models import ProgrammeItem
from tests.weekend.helpers import event_official, open_event

UTC = dt.UTC


def _item(db, event, title, start, hours=1, **kw):
    item = ProgrammeItem(
        event_id=event.id,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        **kw,
    )
    db.add(item)
    db.commit()
    return item


def test_an_official_of_the_event_adds_a_session_in_local_time(client, make, db):
    event = open_event(make)
    official = make.user(Role.OFFICIAL)
    event_official(make, event, official)
    client.login(official)
    form = {
        "title": "Opening",
        "starts_at": "2026-05-16T09:00",
        "ends_at": "2026-05-16T10:00",
        "room": "Hall A",
        "languages": "sv, en",
        "description": "Welcome *all*",
    }
    assert client.post(f"/manage/events/{event.slug}/programme/new", data=form).status_code == 303
    item = db.scalar(select(ProgrammeItem).where(ProgrammeItem.event_id == event.id))
    assert item.starts_at == dt.datetime(2026, 5, 16, 7, 0, tzinfo=UTC)  # summer time, UTC+2
    assert item.languages == "sv,en"
    response = client.post(
        f"/manage/events/{event.slug}/programme/{item.id}/edit",
        data={**form, "ends_at": "2026-05-16T08:00", "languages": "sv, english!"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Use language codes such as sv, en or ar." in page
    assert "english!" in page
    item_id = item.id
    response = client.post(f"/manage/events/{event.slug}/programme/{item_id}/delete")
    assert response.status_code == 303
    assert db.scalar(select(ProgrammeItem).where(ProgrammeItem.id == item_id)) is None


def test_an_end_before_the_start_is_refused(client, make):
    event = open_event(make)
    client.login(make.user(Role.ADMIN))
    response = client.post(
        f"/manage/events/{event.slug}/programme/new",
        data={"title": "Lunch", "starts_at": "2026-05-16T12:00", "ends_at": "2026-05-16T11:00"},
    )
    assert response.status_code == 400
    assert "The session must end after it starts." in response.get_data(as_text=True)


def test_other_officials_cannot_change_the_programme(client, make, db):
    event = open_event(make)
    item = _item(db, event, "Opening", dt.datetime(2026, 5, 16, 7, tzinfo=UTC))
    client.login(make.user(Role.OFFICIAL))
    assert client.get(f"/manage/events/{event.slug}/programme/new").status_code == 403
    assert client.post(f"/manage/events/{event.slug}/programme/{item.id}/delete").status_code == 403
    assert db.get(ProgrammeItem, item.id) is not None


def test_the_programme_is_shown_per_day_in_swedish_time(client, make, db):
    event = open_event(make)
    # 23:30 UTC on the 16th is 01:30 on the 17th in Stockholm.
    _item(db, event, "Night hack", dt.datetime(2026, 5, 16, 23, 30, tzinfo=UTC), room="Loft")
    _item(db, event, "Opening", dt.datetime(2026, 5, 16, 7, 0, tzinfo=UTC), languages="sv,ar")
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert page.index("Saturday, May 16, 2026") < page.index("Opening")
    assert page.index("Sunday, May 17, 2026") < page.index("Night hack")
    assert "9:00" in page
    assert "1:30" in page
    assert "Swedish, Arabic" in page


def test_the_programme_ics_parses(client, make, db):
    event = open_event(make)
    _item(
        db,
        event,
        "Workshop: trygghet, ljus; och\\ mer",
        dt.datetime(2026, 5, 16, 8, tzinfo=UTC),
        room="Sal 2",
        description_md="Line one\nLine two, " + "å" * 80,
    )
    _item(db, event, "Closing", dt.datetime(2026, 5, 17, 14, tzinfo=UTC))
    response = client.get(f"/events/{event.slug}/programme.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    raw = response.get_data()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert raw.count(b"\r\n") == raw.count(b"\n")
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Workshop: trygghet, ljus; och\\ mer", "Closing"]
    first = events[0]
    assert first.decoded("DTSTART") == dt.datetime(2026, 5, 16, 8, tzinfo=UTC)
    assert first.decoded("DTEND") == dt.datetime(2026, 5, 16, 9, tzinfo=UTC)
    assert str(first["DESCRIPTION"]) == "Line one\nLine two, " + "å" * 80
    assert str(first["LOCATION"]) == f"Sal 2, {event.place}"
    assert len({str(e["UID"]) for e in events}) == 2


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "ö" * 100
    folded = fold(line)
    parts = folded.encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(folded.split("\r\n"))) == line
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_a_calendar_has_the_required_properties():
    start = dt.datetime(2026, 5, 16, 8, tzinfo=UTC)
    text = calendar([CalendarEntry("x@inhabithon", "S", start, start)], "Name")
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"])
    (event,) = cal.walk("VEVENT")
    assert "DTSTAMP" in event
    assert str(event["UID"]) == "x@inhabithon"
