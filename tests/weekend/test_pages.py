"""The officials' pages load in a fixed number of queries; queued confirmation
mail keeps its calendar file until the sender runs."""

from __future__ import annotations

import icalendar
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.mail.models import OutgoingMail
from inhabithon.weekend.models import Diet
from tests.weekend.helpers import event_official, open_event, signup


def _queries(client, count_queries, url):
    before = count_queries.count
    assert client.get(url).status_code == 200
    return count_queries.count - before


def test_the_attendee_list_takes_the_same_queries_for_3_or_30_attendees(
    client, make, count_queries
):
    event = open_event(make, capacity=100)
    official = make.user(Role.OFFICIAL)
    event_official(make, event, official)
    first = make.challenge(event=event)
    for _ in range(3):
        signup(make, event, make.user(), diet=Diet.VEGAN, challenge_id=first.id)
    client.login(official)
    url = f"/manage/events/{event.slug}/attendees"
    few = _queries(client, count_queries, url)
    for _ in range(27):
        signup(make, event, make.user(), challenge_id=make.challenge(event=event).id)
    many = _queries(client, count_queries, url)
    assert many == few
    csv_url = f"/manage/events/{event.slug}/attendees.csv"
    check_in = f"/manage/events/{event.slug}/check-in?q=resident"
    assert _queries(client, count_queries, csv_url) <= few
    assert _queries(client, count_queries, check_in) <= few


def test_a_queued_confirmation_keeps_its_calendar_file_for_the_sender(
    app, client, make, db, mailbox
):
    app.config["MAIL_DELIVERY"] = "queue"
    event = open_event(make)
    user = client.login(make.user())
    client.post(f"/events/{event.slug}/attend", data={"diet": "none", "children": "0"})
    mail = db.scalar(select(OutgoingMail).where(OutgoingMail.to_address == user.email))
    assert mail.sent_at is None
    assert mail.attachment_name == f"{event.slug}.ics"
    assert mail.attachment_type == "text/calendar"
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    (message,) = mailbox.wait(1)
    (part,) = list(message.iter_attachments())
    assert part.get_filename() == f"{event.slug}.ics"
    assert part.get_content_type() == "text/calendar"
    (vevent,) = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.name


def test_the_event_page_offers_sign_up_only_while_it_is_open(client, make, db):
    from inhabithon.weekend.models import AttendanceSettings

    event = make.event()
    assert "Sign up to attend" not in client.get(f"/events/{event.slug}").get_data(as_text=True)
    db.add(AttendanceSettings(event_id=event.id, capacity=10, signup_open=True))
    db.commit()
    assert "Sign up to attend" in client.get(f"/events/{event.slug}").get_data(as_text=True)
