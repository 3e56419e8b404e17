"""Signing up to attend: seats, the waiting list, cancelling, the mails and their calendar file."""

from __future__ import annotations

import icalendar
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.weekend.models import AttendanceSettings, Signup, SignupStatus
from tests.conftest import Mailbox
from tests.weekend.helpers import event_official, open_event

FORM = {
    "diet": "vegan",
    "dietary_details": "nut allergy",
    "accessibility_needs": "step-free access",
    "interpretation_language": "ar",
    "children": "2",
    "challenge": "",
    "notes": "I arrive late on Saturday",
}


def _signup(db, event, user):
    db.expire_all()
    return db.scalar(select(Signup).where(Signup.event_id == event.id, Signup.user_id == user.id))


def _calendar(message):
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_content())


def test_sign_up_confirms_and_mails_a_calendar_file(client, make, db, mailbox: Mailbox):
    event = open_event(make, capacity=2, name="Inhabithon, Oceanhamnen; 2026")
    user = client.login(make.user(name="Åsa Öberg"))
    response = client.post(f"/events/{event.slug}/attend", data=FORM)
    assert response.status_code == 303
    signup = _signup(db, event, user)
    assert signup.status is SignupStatus.CONFIRMED
    assert signup.diet.value == "vegan"
    assert signup.children == 2
    assert signup.interpretation_language == "ar"
    assert signup.name_key == "åsa öberg"
    assert db.get(AttendanceSettings, event.id).confirmed == 1
    (message,) = mailbox.wait(1)
    assert message["To"] == user.email
    assert "You have a place" in message["Subject"]
    cal = _calendar(message)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Inhabithon, Oceanhamnen; 2026"
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert vevent.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert str(vevent["LOCATION"]) == event.place
    assert vevent["UID"]
    assert vevent["DTSTAMP"]
    page = client.get(f"/events/{event.slug}/attend").get_data(as_text=True)
    assert "You have a place." in page
    assert "nut allergy" in page


def test_a_full_event_puts_people_on_the_waiting_list_in_order(client, make, db, mailbox):
    event = open_event(make, capacity=1)
    first, second, third = make.user(), make.user(), make.user()
    for user in (first, second, third):
        client.login(user)
        assert client.post(f"/events/{event.slug}/attend", data=FORM).status_code == 303
    assert _signup(db, event, first).status is SignupStatus.CONFIRMED
    assert _signup(db, event, second).status is SignupStatus.WAITLISTED
    page = client.get(f"/events/{event.slug}/attend").get_data(as_text=True)
    assert "You are on the waiting list, number 2." in page
    mails = mailbox.wait(3)
    assert "waiting list" in mailbox.to(third.email)[0]["Subject"]
    assert "number 2" in Mailbox.body(mailbox.to(third.email)[0])
    assert len(mails) == 3
    assert db.get(AttendanceSettings, event.id).confirmed == 1


def test_cancelling_moves_the_first_on_the_waiting_list_up_and_tells_them(
    client, make, db, mailbox
):
    event = open_event(make, capacity=1)
    holder, waiting, later = make.user(), make.user(), make.user()
    for user in (holder, waiting, later):
        client.login(user)
        client.post(f"/events/{event.slug}/attend", data=FORM)
    mailbox.wait(3)
    mailbox.clear()
    client.login(holder)
    response = client.post(f"/events/{event.slug}/attend/cancel")
    assert response.status_code == 303
    assert _signup(db, event, holder) is None
    assert _signup(db, event, waiting).status is SignupStatus.CONFIRMED
    assert _signup(db, event, later).status is SignupStatus.WAITLISTED
    assert db.get(AttendanceSettings, event.id).confirmed == 1
    (message,) = mailbox.wait(1)
    assert message["To"] == waiting.email
    assert "A place opened up" in message["Subject"]
    assert _calendar(message).walk("VEVENT")
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "weekend.cancelled" in actions
    assert "weekend.promoted" in actions
    client.login(later)
    page = client.get(f"/events/{event.slug}/attend").get_data(as_text=True)
    assert "number 1." in page


def test_cancelling_a_waiting_place_promotes_nobody(client, make, db):
    event = open_event(make, capacity=1)
    holder, waiting = make.user(), make.user()
    for user in (holder, waiting):
        client.login(user)
        client.post(f"/events/{event.slug}/attend", data=FORM)
    assert client.post(f"/events/{event.slug}/attend/cancel").status_code == 303
    assert _signup(db, event, waiting) is None
    assert _signup(db, event, holder).status is SignupStatus.CONFIRMED
    assert db.get(AttendanceSettings, event.id).confirmed == 1


def test_changing_answers_keeps_the_seat(client, make, db):
    event = open_event(make, capacity=1)
    user = client.login(make.user())
    client.post(f"/events/{event.slug}/attend", data=FORM)
    response = client.post(f"/events/{event.slug}/attend", data={**FORM, "children": "0"})
    assert response.status_code == 303
    assert _signup(db, event, user).children == 0
    assert db.get(AttendanceSettings, event.id).confirmed == 1


def test_bad_input_is_refused_and_what_was_typed_is_kept(client, make, db):
    event = open_event(make)
    user = client.login(make.user())
    response = client.post(
        f"/events/{event.slug}/attend", data={**FORM, "children": "-3", "notes": "Ta med & ö"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a number of children from 0 to 20." in page
    assert "Ta med &amp; ö" in page
    assert "nut allergy" in page
    assert _signup(db, event, user) is None


def test_a_challenge_of_another_event_is_refused(client, make, db):
    event = open_event(make)
    other = make.challenge(event=make.event())
    client.login(make.user())
    response = client.post(
        f"/events/{event.slug}/attend", data={**FORM, "challenge": str(other.id)}
    )
    assert response.status_code == 400


def test_closed_sign_up_is_refused(client, make, db):
    event = open_event(make)
    db.get(AttendanceSettings, event.id).signup_open = False
    db.commit()
    client.login(make.user())
    assert "Sign-up for this event is closed." in client.get(
        f"/events/{event.slug}/attend"
    ).get_data(as_text=True)
    response = client.post(f"/events/{event.slug}/attend", data=FORM)
    assert response.status_code == 409
    assert db.scalar(select(Signup).where(Signup.event_id == event.id)) is None


def test_an_event_without_settings_takes_no_sign_ups(client, make):
    event = make.event()
    client.login(make.user())
    assert client.post(f"/events/{event.slug}/attend", data=FORM).status_code == 409


def test_visitors_are_sent_to_log_in(client, make):
    event = open_event(make)
    response = client.get(f"/events/{event.slug}/attend")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_more_capacity_moves_people_up_and_less_than_confirmed_is_refused(client, make, db):
    event = open_event(make, capacity=1)
    users = [make.user() for _ in range(3)]
    for user in users:
        client.login(user)
        client.post(f"/events/{event.slug}/attend", data=FORM)
    official = make.user(Role.OFFICIAL)
    event_official(make, event, official)
    client.login(official)
    settings = {"capacity": "2", "signup_open": "y", "retention_days": "30"}
    assert client.post(f"/manage/events/{event.slug}/weekend", data=settings).status_code == 303
    assert _signup(db, event, users[1]).status is SignupStatus.CONFIRMED
    assert _signup(db, event, users[2]).status is SignupStatus.WAITLISTED
    response = client.post(
        f"/manage/events/{event.slug}/weekend", data={**settings, "capacity": "1"}
    )
    assert response.status_code == 400
    assert "cannot be lower than the number of confirmed attendees (2)" in response.get_data(
        as_text=True
    )
    assert db.get(AttendanceSettings, event.id).capacity == 2


def test_the_event_page_links_to_sign_up_and_the_programme(client, make):
    event = open_event(make)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f"/events/{event.slug}/attend" in page
    assert f"/events/{event.slug}/programme" in page
    assert f"/manage/events/{event.slug}/weekend" not in page
