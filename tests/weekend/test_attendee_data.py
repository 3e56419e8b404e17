"""Attendee data, check-in and the CSV: only the officials of that event (and admins)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.weekend.models import AttendanceSettings, Diet, EventOfficial, Signup
from tests.weekend.helpers import event_official, open_event, signup

PAGES = ("attendees", "attendees.csv", "check-in?q=a", "weekend")


@pytest.fixture
def weekend(make):
    event = open_event(make, capacity=10)
    official = make.user(Role.OFFICIAL)
    event_official(make, event, official)
    return event, official


@pytest.mark.parametrize("page", PAGES)
def test_officials_of_other_events_are_refused(client, make, weekend, page):
    event, _ = weekend
    other_event = open_event(make)
    other = make.user(Role.OFFICIAL)
    event_official(make, other_event, other)
    client.login(other)
    assert client.get(f"/manage/events/{event.slug}/{page}").status_code == 403
    client.login(make.user())
    assert client.get(f"/manage/events/{event.slug}/{page}").status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_the_events_officials_and_admins_get_in(client, make, weekend, page):
    event, official = weekend
    client.login(official)
    assert client.get(f"/manage/events/{event.slug}/{page}").status_code == 200
    client.login(make.user(Role.ADMIN))
    assert client.get(f"/manage/events/{event.slug}/{page}").status_code == 200


def test_a_resident_who_is_no_longer_official_loses_access(client, make, db, weekend):
    event, official = weekend
    official.roles.clear()
    db.commit()
    client.login(official)
    assert client.get(f"/manage/events/{event.slug}/attendees").status_code == 403


def test_the_attendee_page_counts_needs(client, make, weekend):
    event, official = weekend
    challenge = make.challenge(event=event)
    signup(
        make, event, make.user(name="Lina"), diet=Diet.VEGAN, children=2, challenge_id=challenge.id
    )
    signup(make, event, make.user(name="Omar"), diet=Diet.VEGAN, interpretation_language="ar")
    signup(make, event, make.user(name="Pia"), accessibility_needs="Wheelchair")
    client.login(official)
    page = client.get(f"/manage/events/{event.slug}/attendees").get_data(as_text=True)
    assert "Lina" in page
    assert "Wheelchair" in page
    assert "Interpretation into Arabic" in page
    assert '<th scope="row">Vegan</th><td>2</td>' in page
    assert challenge.title in page


def test_the_csv_lists_needs_with_formulas_defused(client, make, weekend):
    event, official = weekend
    signup(
        make,
        event,
        make.user(name='=HYPERLINK("http://x")'),
        diet=Diet.OTHER,
        dietary_details="+no nuts",
        notes='@home, "quoted"',
        children=1,
    )
    signup(make, event, make.user(name="Åsa"), interpretation_language="swl")
    client.login(official)
    response = client.get(f"/manage/events/{event.slug}/attendees.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "no-store" in response.headers["Cache-Control"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    first = rows[0]
    assert first["name"] == '\'=HYPERLINK("http://x")'
    assert first["dietary_details"] == "'+no nuts"
    assert first["notes"] == '\'@home, "quoted"'
    assert first["diet"] == "other"
    assert first["children"] == "1"
    assert rows[1]["name"] == "Åsa"
    assert rows[1]["interpretation_language"] == "swl"


def test_check_in_finds_names_whatever_the_case_including_swedish_letters(
    client, make, db, weekend
):
    event, official = weekend
    asa = signup(make, event, make.user(name="ÅSA Örn"))
    signup(make, event, make.user(name="Bertil"))
    client.login(official)
    page = client.get(f"/manage/events/{event.slug}/check-in?q=åsa ö").get_data(as_text=True)
    assert "ÅSA Örn" in page
    assert "Bertil" not in page
    page = client.get(f"/manage/events/{event.slug}/check-in?q=%25").get_data(as_text=True)
    assert "0 attendees found" in page
    response = client.post(
        f"/manage/events/{event.slug}/check-in/{asa.id}", data={"present": "1", "q": "åsa"}
    )
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Signup, asa.id).checked_in_at is not None
    page = client.get(f"/manage/events/{event.slug}/check-in?q=åsa").get_data(as_text=True)
    assert "Undo check-in" in page
    client.post(f"/manage/events/{event.slug}/check-in/{asa.id}", data={"present": "0"})
    db.expire_all()
    assert db.get(Signup, asa.id).checked_in_at is None
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("weekend.checked_%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["weekend.checked_in", "weekend.checked_out"]


def test_check_in_needs_the_csrf_token(client, make, db, weekend):
    event, official = weekend
    asa = signup(make, event, make.user())
    client.login(official)
    response = client.post(
        f"/manage/events/{event.slug}/check-in/{asa.id}", data={"present": "1"}, csrf=False
    )
    assert response.status_code == 400
    db.expire_all()
    assert db.get(Signup, asa.id).checked_in_at is None


def test_attendance_counts_per_challenge(client, make, weekend):
    event, official = weekend
    challenge = make.challenge(event=event)
    first = signup(make, event, make.user(), challenge_id=challenge.id)
    signup(make, event, make.user(), challenge_id=challenge.id)
    client.login(official)
    client.post(f"/manage/events/{event.slug}/check-in/{first.id}", data={"present": "1"})
    page = client.get(f"/manage/events/{event.slug}/attendees").get_data(as_text=True)
    assert f"{challenge.title}</th>\n        <td>2</td><td>1</td>" in page


def test_officials_name_and_remove_the_events_officials(client, make, db, weekend):
    event, official = weekend
    colleague = make.user(Role.OFFICIAL, email="colleague@example.org")
    resident = make.user(email="resident@example.org")
    client.login(official)
    response = client.post(
        f"/manage/events/{event.slug}/officials", data={"email": "resident@example.org"}
    )
    assert response.status_code == 400
    assert "No official has this e-mail address." in response.get_data(as_text=True)
    assert "resident@example.org" in response.get_data(as_text=True)
    response = client.post(
        f"/manage/events/{event.slug}/officials", data={"email": "Colleague@example.org"}
    )
    assert response.status_code == 303
    ids = set(db.scalars(select(EventOfficial.user_id).where(EventOfficial.event_id == event.id)))
    assert ids == {official.id, colleague.id}
    assert resident.id not in ids
    response = client.post(f"/manage/events/{event.slug}/officials/{colleague.id}/remove")
    assert response.status_code == 303
    db.expire_all()
    assert set(
        db.scalars(select(EventOfficial.user_id).where(EventOfficial.event_id == event.id))
    ) == {official.id}


def test_settings_accept_zero_and_refuse_what_is_not_a_number(client, make, db, weekend):
    event, official = weekend
    client.login(official)
    url = f"/manage/events/{event.slug}/weekend"
    form = {"capacity": "0", "retention_days": "0"}
    assert client.post(url, data=form).status_code == 303
    settings = db.get(AttendanceSettings, event.id)
    assert (settings.capacity, settings.retention_days, settings.signup_open) == (0, 0, False)
    response = client.post(url, data={"capacity": "many", "retention_days": "-1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a number of zero or more." in page
    assert 'value="many"' in page
    audit = db.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "weekend.settings_changed")
    ).all()
    assert audit == ["weekend.settings_changed"]
