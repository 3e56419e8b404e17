"""Officials create and edit events."""

import datetime as dt

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.events.models import Event


@pytest.fixture
def official(client, make):
    return client.login(make.user(Role.OFFICIAL))


def event_form(**overrides):
    data = {
        "name": "Inhabithon Söder",
        "slug": "",
        "place": "Prismahuset, Oceanhamnen",
        "starts_at": "2025-06-10T09:00",
        "ends_at": "2025-06-11T17:30",
        "description": "Three *challenges*.",
        "language": "sv",
    }
    data.update(overrides)
    return data


def find_event(db, slug):
    return db.scalar(select(Event).where(Event.slug == slug))


def test_manage_page_lists_every_event_with_its_challenges_including_drafts(client, make, official):
    event = make.event(name="H22")
    make.challenge(event=event, title="Published one")
    make.challenge(event=event, title="Draft one", is_published=False)
    other = make.event(name="Another event")

    html = client.get("/manage/events").get_data(as_text=True)

    assert "H22" in html
    assert "Another event" in html
    assert "Published one" in html
    assert "Draft one" in html
    assert "badge--draft" in html
    assert 'href="/manage/events/new"' in html
    assert f'href="/manage/events/{other.slug}/edit"' in html
    assert f'href="/manage/events/{event.slug}/challenges/new"' in html


def test_new_event_form_shows_every_field(client, official):
    html = client.get("/manage/events/new").get_data(as_text=True)

    for name in ("name", "slug", "place", "starts_at", "ends_at", "description", "language"):
        assert f'name="{name}"' in html
    assert 'type="datetime-local"' in html
    assert "novalidate" in html


def test_creating_an_event_stores_local_times_as_utc_and_makes_a_slug(client, db, official):
    response = client.post("/manage/events/new", data=event_form())

    assert response.status_code == 303
    assert response.headers["Location"] == "/manage/events"
    event = find_event(db, "inhabithon-soder")
    assert event is not None
    # Europe/Stockholm is UTC+2 in June.
    assert event.starts_at == dt.datetime(2025, 6, 10, 7, 0, tzinfo=dt.UTC)
    assert event.ends_at == dt.datetime(2025, 6, 11, 15, 30, tzinfo=dt.UTC)
    assert event.description_html == "<p>Three <em>challenges</em>.</p>"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "event.created"))
    assert entry.object_id == str(event.id)
    assert entry.actor_id == official.id


def test_winter_times_are_read_with_the_winter_offset(client, db, official):
    client.post(
        "/manage/events/new",
        data=event_form(starts_at="2025-01-10T09:00", ends_at="2025-01-10T18:00"),
    )

    event = find_event(db, "inhabithon-soder")
    assert event.starts_at == dt.datetime(2025, 1, 10, 8, 0, tzinfo=dt.UTC)


def test_generated_slugs_stay_unique_with_a_number(client, db, make, official):
    make.event(slug="inhabithon-soder")
    make.event(slug="inhabithon-soder-2")

    client.post("/manage/events/new", data=event_form())

    assert find_event(db, "inhabithon-soder-3") is not None


def test_a_typed_slug_is_used_as_given(client, db, official):
    client.post("/manage/events/new", data=event_form(slug="h22"))

    assert find_event(db, "h22").name == "Inhabithon Söder"


@pytest.mark.parametrize("slug", ["H22", "h 22", "h22/", "hå22", "h_22"])
def test_a_slug_with_other_characters_is_refused_and_kept_in_the_form(client, db, official, slug):
    response = client.post("/manage/events/new", data=event_form(slug=slug))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "lowercase letters a–z, digits and hyphens" in html
    assert 'value="Inhabithon Söder"' in html
    assert find_event(db, "inhabithon-soder") is None


def test_a_typed_slug_that_is_taken_is_refused_with_409(client, db, make, official):
    make.event(slug="h22")

    response = client.post("/manage/events/new", data=event_form(slug="h22", name="Second"))

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Another event already has this address." in html
    assert 'value="Second"' in html
    assert 'value="h22"' in html


def test_an_event_that_ends_before_it_starts_is_refused_and_keeps_every_value(client, db, official):
    response = client.post(
        "/manage/events/new",
        data=event_form(starts_at="2025-06-10T09:00", ends_at="2025-06-09T09:00"),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="ends_at-error"' in html
    assert "The event must end after it starts." in html
    assert 'value="2025-06-10T09:00"' in html
    assert 'value="2025-06-09T09:00"' in html
    assert "Three *challenges*." in html
    assert find_event(db, "inhabithon-soder") is None


def test_missing_and_malformed_fields_are_shown_next_to_them(client, official):
    response = client.post("/manage/events/new", data=event_form(name="", starts_at="next tuesday"))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="name-error"' in html
    assert 'id="starts_at-error"' in html
    assert 'value="next tuesday"' in html
    assert 'value="Prismahuset, Oceanhamnen"' in html


def test_an_unknown_language_is_refused(client, official):
    response = client.post("/manage/events/new", data=event_form(language="xx"))

    assert response.status_code == 400
    assert 'id="language-error"' in response.get_data(as_text=True)


def test_edit_form_shows_the_stored_times_in_local_time(client, make, official):
    event = make.event(
        starts_at=dt.datetime(2025, 6, 10, 7, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 6, 11, 15, 30, tzinfo=dt.UTC),
    )

    html = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)

    assert 'value="2025-06-10T09:00"' in html
    assert 'value="2025-06-11T17:30"' in html
    assert f'value="{event.slug}"' in html


def test_editing_an_event_saves_it_and_records_what_changed(client, db, make, official):
    event = make.event(
        name="Old name",
        starts_at=dt.datetime(2025, 6, 10, 7, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 6, 11, 15, 30, tzinfo=dt.UTC),
    )

    response = client.post(
        f"/manage/events/{event.slug}/edit",
        data=event_form(name="New name", slug=event.slug, ends_at="2025-06-12T17:30"),
    )

    assert response.status_code == 303
    db.refresh(event)
    assert event.name == "New name"
    assert event.ends_at == dt.datetime(2025, 6, 12, 15, 30, tzinfo=dt.UTC)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "event.updated"))
    assert entry.before == {"name": "Old name", "ends_at": "2025-06-11T15:30:00+00:00"}
    assert entry.after == {"name": "New name", "ends_at": "2025-06-12T15:30:00+00:00"}


def test_saving_an_event_unchanged_keeps_its_seconds_and_records_nothing(
    client, db, make, official
):
    starts = dt.datetime(2025, 6, 10, 7, 0, 42, 123456, tzinfo=dt.UTC)
    event = make.event(starts_at=starts, ends_at=starts + dt.timedelta(days=1))
    form = event_form(
        name=event.name,
        slug=event.slug,
        place=event.place,
        starts_at="2025-06-10T09:00",
        ends_at="2025-06-11T09:00",
        description=event.description_md,
    )

    assert client.post(f"/manage/events/{event.slug}/edit", data=form).status_code == 303

    db.refresh(event)
    assert event.starts_at == starts
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "event.updated")) is None


def test_editing_may_change_the_slug_but_not_to_another_events(client, db, make, official):
    event = make.event()
    make.event(slug="taken")

    refused = client.post(
        f"/manage/events/{event.slug}/edit", data=event_form(slug="taken", name="Kept name")
    )
    accepted = client.post(f"/manage/events/{event.slug}/edit", data=event_form(slug="renamed"))

    assert refused.status_code == 409
    assert 'value="Kept name"' in refused.get_data(as_text=True)
    assert accepted.status_code == 303
    db.refresh(event)
    assert event.slug == "renamed"


def test_editing_keeps_its_own_slug_without_a_suffix(client, db, make, official):
    event = make.event(slug="inhabithon-soder")

    client.post(f"/manage/events/{event.slug}/edit", data=event_form(slug=""))

    db.refresh(event)
    assert event.slug == "inhabithon-soder"


def test_editing_an_unknown_event_is_404(client, official):
    assert client.get("/manage/events/nope/edit").status_code == 404
