"""Who may manage projects: officials and admins; everyone may read; residents follow."""

import pytest

from inhabithon.accounts.models import Role
from tests.projects.helpers import project

ROLES = [None, Role.RESIDENT, Role.GUIDE, Role.JURY, Role.OFFICIAL, Role.ADMIN]
MANAGERS = {Role.OFFICIAL, Role.ADMIN}


def _routes(p, idea_id):
    goal, contact, link = p.goals[0].id, p.contacts[0].id, p.links[0].id
    s = p.slug
    return [
        ("GET", "/projects/new"),
        ("GET", f"/ideas/{idea_id}/project/new"),
        ("GET", f"/projects/{s}/edit"),
        ("GET", f"/projects/{s}/status"),
        ("GET", f"/projects/{s}/updates"),
        ("GET", f"/projects/{s}/goals/new"),
        ("GET", f"/projects/{s}/goals/{goal}/edit"),
        ("POST", f"/projects/{s}/goals/{goal}/delete"),
        ("GET", f"/projects/{s}/contacts/new"),
        ("POST", f"/projects/{s}/contacts/{contact}/delete"),
        ("GET", f"/projects/{s}/links/new"),
        ("POST", f"/projects/{s}/links/{link}/delete"),
        ("GET", "/projects/statuses"),
        ("POST", "/projects/new"),
        ("POST", f"/projects/{s}/status"),
        ("POST", f"/projects/{s}/updates"),
    ]


@pytest.fixture
def world(make):
    from inhabithon.projects import services

    idea = make.idea()
    p = project(make, idea)
    with make.context():
        p = make.session.merge(p)
        services.add_goal(None, p, services.GoalData(outcome="Fewer thresholds"))
        services.add_contact(None, p, "Lena", "lena@example.org")
        services.add_link(None, p, "Evaluation", "https://example.org/eval")
    return p, idea


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "visitor")
def test_only_officials_and_admins_reach_every_management_route(client, make, world, role):
    p, idea = world
    routes = _routes(p, idea.id)
    if role is not None:
        client.login(make.user(role))
    for method, url in routes:
        response = client.open(url, method=method, data={})
        if role is None:
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"], url
        elif role in MANAGERS:
            assert response.status_code in (200, 303, 400), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "visitor")
def test_everyone_reads_the_list_the_page_and_the_feeds(client, make, world, role):
    p, _idea = world
    if role is not None:
        client.login(make.user(role))
    for url in (
        "/projects",
        f"/projects/{p.slug}",
        "/projects/feed.atom",
        f"/projects/{p.slug}/feed.atom",
    ):
        assert client.get(url).status_code == 200, url


def test_management_links_show_only_to_officials(client, make, world):
    p, _idea = world
    page = client.get(f"/projects/{p.slug}").get_data(as_text=True)
    assert f"/projects/{p.slug}/edit" not in page
    assert f"/projects/{p.slug}/status" not in page
    client.login(make.user(Role.OFFICIAL))
    page = client.get(f"/projects/{p.slug}").get_data(as_text=True)
    assert f"/projects/{p.slug}/edit" in page
    assert f"/projects/{p.slug}/status" in page
    assert f"/projects/{p.slug}/updates" in page


def test_posting_without_the_csrf_token_is_refused(client, make, world):
    p, _idea = world
    client.login(make.user(Role.OFFICIAL))
    response = client.post(
        f"/projects/{p.slug}/updates", data={"title": "T", "body": "B"}, csrf=False
    )
    assert response.status_code == 400


def test_unknown_projects_goals_and_ideas_are_404(client, make, world):
    p, _idea = world
    client.login(make.user(Role.OFFICIAL))
    assert client.get("/projects/no-such-project").status_code == 404
    assert client.get(f"/projects/{p.slug}/goals/999999/edit").status_code == 404
    assert client.get("/ideas/999999/project/new").status_code == 404
    other = project(make, title="Other")
    goal_id = p.goals[0].id
    assert client.get(f"/projects/{other.slug}/goals/{goal_id}/edit").status_code == 404
