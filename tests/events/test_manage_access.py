"""Only officials and admins reach the management pages (events and challenges)."""

import pytest
from sqlalchemy import func, select

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Challenge
from inhabithon.events.models import Event

ROUTES = [
    ("GET", "/manage/events"),
    ("GET", "/manage/events/new"),
    ("POST", "/manage/events/new"),
    ("GET", "/manage/events/{event}/edit"),
    ("POST", "/manage/events/{event}/edit"),
    ("GET", "/manage/events/{event}/challenges/new"),
    ("POST", "/manage/events/{event}/challenges/new"),
    ("GET", "/manage/challenges/{challenge}/edit"),
    ("POST", "/manage/challenges/{challenge}/edit"),
]
FORBIDDEN_ROLES = [Role.RESIDENT, Role.GUIDE, Role.JURY]
ALLOWED_ROLES = [Role.OFFICIAL, Role.ADMIN]

# Enough to create or change something if the request were let through.
POST_DATA = {
    "name": "Intruder",
    "title": "Intruder",
    "place": "Somewhere",
    "category": "Trygghet",
    "starts_at": "2025-06-10T09:00",
    "ends_at": "2025-06-11T09:00",
    "submissions_open_at": "2025-06-10T09:00",
    "voting_open_at": "2025-06-11T09:00",
    "jury_review_at": "2025-06-12T09:00",
    "vote_budget": "3",
    "language": "sv",
}


def _url(template, make):
    challenge = make.challenge(title="Untouched")
    return template.format(event=challenge.event.slug, challenge=challenge.slug)


def _counts(db):
    return (
        db.scalar(select(func.count()).select_from(Event)),
        db.scalar(select(func.count()).select_from(Challenge)),
        db.scalar(select(func.count()).select_from(Event).where(Event.name == "Intruder")),
    )


@pytest.mark.parametrize(("method", "template"), ROUTES)
def test_visitors_are_sent_to_log_in(client, make, method, template):
    url = _url(template, make)

    response = client.open(url, method=method, data=POST_DATA if method == "POST" else None)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", FORBIDDEN_ROLES)
@pytest.mark.parametrize(("method", "template"), ROUTES)
def test_residents_guides_and_jurors_are_refused_and_nothing_changes(
    client, db, make, role, method, template
):
    url = _url(template, make)
    client.login(make.user(role))
    before = _counts(db)

    response = client.open(url, method=method, data=POST_DATA if method == "POST" else None)

    assert response.status_code == 403
    assert _counts(db) == before
    assert (
        db.scalar(select(func.count()).select_from(Challenge).where(Challenge.title == "Intruder"))
        == 0
    )


@pytest.mark.parametrize("role", ALLOWED_ROLES)
@pytest.mark.parametrize(("method", "template"), [r for r in ROUTES if r[0] == "GET"])
def test_officials_and_admins_reach_every_management_page(client, make, role, method, template):
    url = _url(template, make)
    client.login(make.user(role))

    response = client.open(url, method=method)

    assert response.status_code == 200
    assert "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [*FORBIDDEN_ROLES, None])
def test_the_menu_links_to_management_only_for_officials(client, make, role):
    if role is not None:
        client.login(make.user(role))
    assert 'href="/manage/events"' not in client.get("/").get_data(as_text=True)

    client.login(make.user(Role.OFFICIAL))
    assert 'href="/manage/events"' in client.get("/").get_data(as_text=True)
