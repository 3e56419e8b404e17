"""Creating a project from a winning idea or directly, editing it, its address
and its "last updated" date."""

import datetime as dt

from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.projects import services
from inhabithon.projects.models import Project, ProjectFollower, ProjectStatusChange
from tests.projects.helpers import EN, official, project


def _form(**values):
    data = {"title": "Trygga möten", "language": "sv"}
    data.update(values)
    return data


def test_the_form_from_an_idea_is_prefilled_from_the_idea_and_its_challenge(client, make):
    challenge = make.challenge(phase=Phase.RESULTS, category="Trygghet")
    idea = make.idea(
        challenge,
        title="Flerspråkigt kontaktcenter",
        summary="En brygga.",
        body_md="Vi vill **hjälpa**.",
    )
    client.login(official(make))
    page = client.get(f"/ideas/{idea.id}/project/new", headers=EN).get_data(as_text=True)
    assert 'value="Flerspråkigt kontaktcenter"' in page
    assert 'value="Trygghet"' in page
    assert "En brygga." in page
    assert "Vi vill **hjälpa**." in page
    assert f"/ideas/{idea.id}" in page


def test_creating_from_an_idea_links_the_project_to_its_event_challenge_and_idea(client, make, db):
    challenge = make.challenge(phase=Phase.RESULTS)
    idea = make.idea(challenge, title="Kontaktcenter")
    client.login(official(make))
    response = client.post(
        f"/ideas/{idea.id}/project/new", data=_form(title="Kontaktcenter", what_md="Vad vi gör.")
    )
    assert response.status_code == 303
    p = db.scalars(select(Project)).one()
    assert response.headers["Location"].endswith(f"/projects/{p.slug}")
    assert (p.event_id, p.challenge_id, p.idea_id) == (challenge.event_id, challenge.id, idea.id)
    assert p.status.key == "idea"
    assert p.progress == 10
    page = client.get(f"/projects/{p.slug}").get_data(as_text=True)
    assert f"/events/{challenge.event.slug}" in page
    assert f"/challenges/{challenge.slug}" in page
    assert f"/ideas/{idea.id}" in page
    idea_page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/projects/{p.slug}" in idea_page
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "projects"))
    assert "project.created" in list(actions)


def test_the_ideas_accepted_team_follows_the_new_project(make, db):
    owner, member, invited = make.user(), make.user(), make.user()
    idea = make.idea(make.challenge(phase=Phase.SUBMISSIONS), owner)
    from inhabithon.ideas.services import accept_invitation, invite_member

    with make.context():
        invite_member(idea, owner, member.email)
        accept_invitation(idea, member)
        invite_member(idea, owner, invited.email)
    p = project(make, idea)
    followers = set(
        db.scalars(select(ProjectFollower.user_id).where(ProjectFollower.project_id == p.id))
    )
    assert followers == {owner.id, member.id}


def test_a_project_can_be_created_directly_with_budget_and_texts(client, make, db):
    client.login(official(make))
    response = client.post(
        "/projects/new",
        data=_form(
            category="Gemenskap",
            lead="Kort.",
            why_md="Därför.",
            budget_granted="125000.50",
            department="Socialförvaltningen",
        ),
    )
    assert response.status_code == 303
    p = db.scalars(select(Project)).one()
    assert p.slug == "trygga-moten"
    assert (p.event_id, p.challenge_id, p.idea_id) == (None, None, None)
    assert str(p.budget_granted) == "125000.50"
    assert p.budget_estimated is None
    history = db.scalars(select(ProjectStatusChange)).all()
    assert [(c.from_status_id, c.to_status.key) for c in history] == [(None, "idea")]
    page = client.get(f"/projects/{p.slug}", headers=EN).get_data(as_text=True)
    assert "Granted budget" in page
    assert "Estimated budget" not in page


def test_a_failed_form_keeps_every_value_and_answers_400(client, make, db):
    client.login(official(make))
    response = client.post(
        "/projects/new",
        headers=EN,
        data=_form(title="", lead="Min ingress", what_md="Min text", budget_used="-5"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "title-error" in page
    assert "s title." in page
    assert "A budget cannot be negative." in page
    assert "Min ingress" in page
    assert "Min text" in page
    assert db.scalars(select(Project)).all() == []


def test_a_taken_or_reserved_address_is_refused_with_the_input_kept(client, make):
    project(make, title="Taken", slug="taken")
    client.login(official(make))
    response = client.post("/projects/new", headers=EN, data=_form(slug="taken", lead="Kept"))
    assert response.status_code == 409
    assert "Another project already has this address." in response.get_data(as_text=True)
    assert "Kept" in response.get_data(as_text=True)
    response = client.post("/projects/new", headers=EN, data=_form(slug="new"))
    assert response.status_code == 409


def test_markdown_is_sanitized_on_the_page(client, make):
    p = project(make, what_md="<script>alert(1)</script> [x](javascript:alert(2)) **ok**")
    page = client.get(f"/projects/{p.slug}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert "<strong>ok</strong>" in page


def test_a_new_address_keeps_the_old_one_as_a_permanent_redirect(client, make, db):
    p = project(make, title="Gammalt namn")
    old = p.slug
    client.login(official(make))
    response = client.post(f"/projects/{old}/edit", data=_form(title="Nytt namn", slug="nytt-namn"))
    assert response.status_code == 303
    response = client.get(f"/projects/{old}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/projects/nytt-namn")
    assert client.get(f"/projects/{old}/feed.atom").status_code == 301
    assert client.get("/projects/nytt-namn").status_code == 200
    # The old address stays reserved for this project.
    response = client.post("/projects/new", data=_form(slug=old))
    assert response.status_code == 409


def test_changing_the_title_keeps_the_address(client, make, db):
    p = project(make, title="Första titeln")
    client.login(official(make))
    client.post(f"/projects/{p.slug}/edit", data=_form(title="Andra titeln", slug=""))
    db.refresh(p)
    assert p.title == "Andra titeln"
    assert p.slug == "forsta-titeln"


def _age(make, p):
    """Put the project's last-updated date a week back."""
    with make.context():
        p = make.session.merge(p)
        p.content_updated_at = utcnow() - dt.timedelta(days=7)
    return p.content_updated_at


def test_last_updated_moves_on_content_changes_but_not_on_follows_or_unchanged_saves(
    client, make, db
):
    p = project(make, title="Datum", lead="Samma")
    week_ago = _age(make, p)
    resident = make.user()
    client.login(resident)
    client.post(f"/projects/{p.slug}/follow")
    db.refresh(p)
    assert p.content_updated_at == week_ago

    client.login(official(make))
    client.post(f"/projects/{p.slug}/edit", data=_form(title="Datum", lead="Samma", slug=p.slug))
    db.refresh(p)
    assert p.content_updated_at == week_ago

    client.post(f"/projects/{p.slug}/edit", data=_form(title="Datum", lead="Ny", slug=p.slug))
    db.refresh(p)
    assert p.content_updated_at > week_ago

    week_ago = _age(make, p)
    client.post(f"/projects/{p.slug}/updates", data={"title": "Nytt", "body": "Text"})
    db.refresh(p)
    assert p.content_updated_at > week_ago


def test_goals_contacts_and_links_are_added_edited_and_removed(client, make, db):
    p = project(make)
    client.login(official(make))
    response = client.post(
        f"/projects/{p.slug}/goals/new",
        data={
            "outcome": "Sänkta trösklar",
            "indicator": "Samtal",
            "baseline": "0",
            "target": "40",
            "current": "10",
            "unit": "samtal",
        },
    )
    assert response.status_code == 303
    response = client.post(
        f"/projects/{p.slug}/contacts/new", data={"name": "Lena", "email": "lena@example.org"}
    )
    assert response.status_code == 303
    response = client.post(
        f"/projects/{p.slug}/links/new",
        data={"title": "Utvärdering", "url": "https://example.org/u"},
    )
    assert response.status_code == 303
    db.refresh(p)
    goal = p.goals[0]
    assert goal.percent == 25
    page = client.get(f"/projects/{p.slug}", headers=EN).get_data(as_text=True)
    assert "25 % of the way to the target" in page
    assert 'href="mailto:lena@example.org"' in page
    assert 'href="https://example.org/u"' in page

    client.post(
        f"/projects/{p.slug}/goals/{goal.id}/edit",
        data={
            "outcome": "Sänkta trösklar",
            "indicator": "Samtal",
            "baseline": "0",
            "target": "40",
            "current": "40",
            "reached": "y",
        },
    )
    db.refresh(goal)
    assert goal.reached
    assert goal.percent == 100
    client.post(f"/projects/{p.slug}/goals/{goal.id}/delete")
    client.post(f"/projects/{p.slug}/contacts/{p.contacts[0].id}/delete")
    client.post(f"/projects/{p.slug}/links/{p.links[0].id}/delete")
    db.refresh(p)
    assert (p.goals, p.contacts, p.links) == ([], [], [])


def test_links_must_be_web_addresses_and_goals_need_complete_indicators(client, make):
    p = project(make)
    client.login(official(make))
    response = client.post(
        f"/projects/{p.slug}/links/new",
        headers=EN,
        data={"title": "X", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    assert "http:// or https://" in response.get_data(as_text=True)
    response = client.post(
        f"/projects/{p.slug}/goals/new", headers=EN, data={"outcome": "Mål", "indicator": "Samtal"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "An indicator needs a baseline and a target value." in page
    assert 'value="Mål"' in page


def test_anonymous_idea_authors_do_not_reach_the_project_page_or_feeds(client, make):
    author = make.user(name="Hemlig Författare")
    idea = make.idea(make.challenge(phase=Phase.RESULTS), author, anonymous=True)
    p = project(make, idea)
    for url in (
        f"/projects/{p.slug}",
        f"/projects/{p.slug}/feed.atom",
        "/projects/feed.atom",
        "/projects",
    ):
        assert "Hemlig Författare" not in client.get(url).get_data(as_text=True), url
    with make.context():
        assert services.is_following(author, p)  # followed, but never shown
    client.login(make.user(Role.OFFICIAL))
    page = client.get(f"/ideas/{idea.id}/project/new").get_data(as_text=True)
    assert "Hemlig Författare" not in page


def test_a_new_address_alone_does_not_move_last_updated(client, make, db):
    p = project(make, title="Adressbyte", lead="Samma")
    week_ago = _age(make, p)
    client.login(official(make))
    response = client.post(
        f"/projects/{p.slug}/edit", data=_form(title="Adressbyte", lead="Samma", slug="ny-plats")
    )
    assert response.status_code == 303
    db.refresh(p)
    assert p.slug == "ny-plats"
    assert p.content_updated_at == week_ago
