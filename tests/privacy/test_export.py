"""Downloading one's own data: everything that is theirs, nothing about others."""

from __future__ import annotations

import json

import pytest

from inhabithon.accounts.models import Pseudonym, Role
from inhabithon.accounts.services import set_roles
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import AuthorDisplay, IdeaMember, MemberStatus, Origin
from inhabithon.jury.models import JuryConflict
from inhabithon.moderation.models import Flag
from inhabithon.projects.models import ProjectFollower
from tests.projects.helpers import project


def _download(client):
    response = client.post("/account/data")
    assert response.status_code == 200
    return response, json.loads(response.get_data(as_text=True))


def test_visitors_are_sent_to_log_in(client):
    for url in ("/account/data", "/account/delete"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert client.post("/account/data").status_code == 302


def test_suspended_accounts_cannot_download(client, make, db):
    from inhabithon.db import utcnow

    user = make.user()
    user.suspended_at = utcnow()
    db.commit()
    client.login(user)
    assert client.post("/account/data").status_code == 302


def test_the_page_explains_and_offers_a_download_button(client, make):
    client.login(make.user())
    response = client.get("/account/data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Download my data (JSON)" in html
    assert 'method="post"' in html
    assert 'name="csrf_token"' in html


def test_the_download_needs_the_csrf_token(client, make):
    client.login(make.user())
    response = client.post("/account/data", csrf=False)
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_the_download_is_an_uncached_json_attachment(client, make):
    user = make.user(email="me@example.org", name="Maja Export")
    client.login(user)
    response, data = _download(client)
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.json"')
    assert response.headers["Cache-Control"] == "no-store"
    assert data["profile"]["email"] == "me@example.org"
    assert data["profile"]["display_name"] == "Maja Export"
    assert data["profile"]["locale"] == "en"
    assert data["profile"]["roles"] == ["resident"]
    assert data["profile"]["email_verified_at"] is not None
    assert data["profile"]["created_at"]


@pytest.fixture
def world(make, db):
    """A user with something of every kind, among other people's data."""
    me = make.user(Role.JURY, email="me@example.org", name="Maja Export")
    other = make.user(email="other@example.org", name="Olle Other")
    admin = make.user(Role.ADMIN, email="boss@example.org", name="Bo Boss")
    challenge = make.challenge(phase=Phase.VOTING)

    named = make.idea(challenge, me, title="My named idea")
    anonymous = make.idea(challenge, me, anonymous=True, title="My anonymous idea")
    pseudonym = Pseudonym(user_id=me.id, challenge_id=challenge.id, name="Quiet Heron")
    db.add(pseudonym)
    db.flush()
    pseudonymous = make.idea(challenge, me, title="My pseudonymous idea")
    pseudonymous.author_display = AuthorDisplay.PSEUDONYM
    pseudonymous.pseudonym_id = pseudonym.id
    others_idea = make.idea(challenge, other, title="Olle's idea")
    # The other person is on my team, comments on my idea and votes for it.
    db.add(IdeaMember(idea_id=named.id, user_id=other.id, status=MemberStatus.ACCEPTED))
    team_idea = make.idea(challenge, other, title="Olle's team idea")
    db.add(
        IdeaMember(
            idea_id=team_idea.id,
            user_id=me.id,
            status=MemberStatus.ACCEPTED,
            invited_by_id=other.id,
        )
    )
    db.commit()
    make.comment(named, other, body_md="Olle's comment")
    make.comment(others_idea, me, body_md="My comment on Olle's idea")
    on_behalf = make.comment(others_idea, other, body_md="A resident's words, via me")
    on_behalf.author_id = None
    on_behalf.submitted_by_id = me.id
    on_behalf.origin = Origin.CONTACT_CENTER
    db.commit()
    make.vote(me, others_idea)
    make.vote(other, anonymous)
    db.add(Flag(idea_id=others_idea.id, reporter_id=me.id, reason="Looks like spam"))
    db.add(Flag(idea_id=named.id, reporter_id=other.id, reason="Olle's flag reason"))
    followed = project(make, title="Followed project")
    db.add(ProjectFollower(project_id=followed.id, user_id=me.id))
    db.add(ProjectFollower(project_id=followed.id, user_id=other.id))
    db.commit()

    jury_challenge = make.challenge(phase=Phase.JURY)
    judged = make.idea(jury_challenge, other, title="Judged idea")
    second = make.idea(jury_challenge, other, title="Second judged idea")
    jury_round = make.jury_round(jury_challenge)
    juror = make.juror(jury_round, me)
    make.sheet(juror, judged, [3, 4])
    make.comparison(juror, judged, second)
    db.add(JuryConflict(juror_id=juror.id, idea_id=second.id, reason="My neighbour wrote it"))
    db.commit()

    with make.context():
        set_roles(admin, me, {Role.JURY, Role.GUIDE})
    return {
        "me": me,
        "other": other,
        "admin": admin,
        "ideas": (named, anonymous, pseudonymous),
        "others_idea": others_idea,
        "judged": judged,
        "second": second,
        "on_behalf": on_behalf,
    }


def test_the_file_holds_everything_that_is_the_users(client, world):
    client.login(world["me"])
    _, data = _download(client)

    ideas = {i["title"]: i for i in data["ideas"]}
    assert set(ideas) == {"My named idea", "My anonymous idea", "My pseudonymous idea"}
    assert ideas["My anonymous idea"]["shown_as"] == "anonymous"
    assert ideas["My pseudonymous idea"]["shown_as"] == "pseudonym"
    assert ideas["My pseudonymous idea"]["pseudonym"] == "Quiet Heron"
    assert ideas["My named idea"]["body_markdown"].startswith("Body of idea")
    assert [p["name"] for p in data["pseudonyms"]] == ["Quiet Heron"]

    assert [c["body_markdown"] for c in data["comments"]] == ["My comment on Olle's idea"]
    assert [v["idea_title"] for v in data["votes"]] == ["Olle's idea"]
    # What a guide wrote down for a resident: listed, but the words are the resident's.
    assert [c["id"] for c in data["comments_submitted_on_behalf"]] == [world["on_behalf"].id]
    assert "via me" not in json.dumps(data["comments_submitted_on_behalf"])
    assert data["ballots"][0]["used"] == 1
    teams = {m["idea_title"]: m for m in data["team_memberships"]}
    assert set(teams) == {
        "My named idea",
        "My anonymous idea",
        "My pseudonymous idea",
        "Olle's team idea",
    }
    assert teams["My named idea"]["owner"] is True
    assert [f["reason"] for f in data["flags"]] == ["Looks like spam"]
    assert [f["title"] for f in data["project_follows"]] == ["Followed project"]

    jury = data["jury"]
    assert len(jury["rounds"]) == 1
    assert sorted(jury["score_sheets"][0]["scores"].values()) == [3, 4]
    assert jury["score_sheets"][0]["idea_id"] == world["judged"].id
    assert jury["comparisons"][0]["winner_id"] == world["judged"].id
    assert jury["conflicts"][0]["reason"] == "My neighbour wrote it"

    roles = [e for e in data["audit_entries"] if e["action"] == "user.roles_changed"]
    assert len(roles) == 1
    assert roles[0]["by_you"] is False
    assert roles[0]["after"] == {"roles": ["guide", "jury"]}
    assert data["profile"]["roles"] == ["guide", "jury", "resident"]


def test_the_file_holds_no_personal_data_of_other_people(client, world):
    client.login(world["me"])
    response, _ = _download(client)
    text = response.get_data(as_text=True)
    for secret in (
        "other@example.org",
        "Olle Other",
        "boss@example.org",
        "Bo Boss",
        "Olle's comment",
        "Olle's flag reason",
    ):
        assert secret not in text
    for person in (world["other"], world["admin"]):
        assert f'"user_id": {person.id}' not in text
        assert f'"actor_id": {person.id}' not in text


def test_someone_elses_download_does_not_reveal_the_users_anonymous_ideas(client, world):
    client.login(world["other"])
    _, data = _download(client)
    text = json.dumps(data, ensure_ascii=False)
    # Olle voted for the anonymous idea; nothing in his file says whose it is.
    assert [v["idea_title"] for v in data["votes"]] == ["My anonymous idea"]
    assert "Quiet Heron" not in text
    assert "me@example.org" not in text
    assert "Maja Export" not in text
    assert {i["title"] for i in data["ideas"]} == {
        "Olle's idea",
        "Olle's team idea",
        "Judged idea",
        "Second judged idea",
    }


def test_the_download_takes_the_same_number_of_queries_however_much_there_is(
    client, make, count_queries
):
    user = make.user(Role.JURY)
    challenge = make.challenge(phase=Phase.VOTING)
    make.idea(challenge, user)
    client.login(user)
    count_queries.statements.clear()
    _download(client)
    few = count_queries.count

    for _ in range(4):
        idea = make.idea(challenge, user)
        make.comment(idea, user)
    others = [make.idea(challenge) for _ in range(3)]
    for idea in others:
        make.vote(user, idea)
    count_queries.statements.clear()
    _download(client)
    assert count_queries.count == few
