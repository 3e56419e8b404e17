"""Guides submit ideas and comments on behalf of residents without an account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.comments.models import Comment
from inhabithon.ideas.models import Idea, IdeaStatus, Origin

GUIDE_NAME = "Guide Gunnhild Ostrowski"


def _form(**overrides: str) -> dict[str, str]:
    values = {
        "title": "Läxhjälp på somaliska",
        "summary": "Hjälp med läxor efter skolan.",
        "body_md": "Två kvällar i veckan.",
        "language": "so",
    }
    values.update(overrides)
    return values


@pytest.fixture
def guide(make):
    return make.user(Role.GUIDE, name=GUIDE_NAME, email="gunnhild@example.org")


def test_a_guide_submits_an_idea_for_a_resident_without_an_account(client, make, db, guide):
    challenge = make.challenge()
    client.login(guide)
    form_page = client.get(f"/challenges/{challenge.slug}/on-behalf")
    assert form_page.status_code == 200
    assert "Language the resident used" in form_page.get_data(as_text=True)
    response = client.post(f"/challenges/{challenge.slug}/on-behalf", data=_form())
    assert response.status_code == 200
    idea = db.scalar(select(Idea).where(Idea.challenge_id == challenge.id))
    assert idea.origin is Origin.CONTACT_CENTER
    assert idea.author_id is None
    assert idea.submitted_by_id == guide.id
    assert idea.status is IdeaStatus.PUBLISHED
    assert idea.language == "so"
    assert idea.members == []
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "idea.submitted_on_behalf"))


@pytest.mark.parametrize("viewer", [None, Role.RESIDENT, Role.GUIDE, Role.JURY])
def test_the_public_sees_the_contact_center_and_language_not_the_guide(
    client, make, db, guide, viewer
):
    challenge = make.challenge()
    client.login(guide)
    client.post(f"/challenges/{challenge.slug}/on-behalf", data=_form())
    idea = db.scalar(select(Idea).where(Idea.challenge_id == challenge.id))
    client.logout()
    if viewer is not None:
        client.login(make.user(viewer))
    for url in (f"/ideas/{idea.id}", f"/challenges/{challenge.slug}"):
        page = client.get(url).get_data(as_text=True)
        assert "A resident, via the contact center" in page
        assert "Soomaali" in page
        assert GUIDE_NAME not in page
        assert "gunnhild" not in page


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.ADMIN])
def test_officials_see_which_guide_wrote_it_down(client, make, db, guide, role):
    challenge = make.challenge()
    client.login(guide)
    client.post(f"/challenges/{challenge.slug}/on-behalf", data=_form())
    idea = db.scalar(select(Idea).where(Idea.challenge_id == challenge.id))
    client.login(make.user(role))
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"written down by {GUIDE_NAME}" in page


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.JURY])
def test_only_guides_and_officials_may_submit_on_behalf(client, make, role):
    challenge = make.challenge()
    if role is not None:
        client.login(make.user(role))
    response = client.post(f"/challenges/{challenge.slug}/on-behalf", data=_form())
    assert response.status_code == (302 if role is None else 403)
    assert client.get("/guide").status_code == (302 if role is None else 403)


def test_an_official_may_submit_on_behalf_too(client, make):
    challenge = make.challenge()
    client.login(make.user(Role.OFFICIAL))
    assert client.post(f"/challenges/{challenge.slug}/on-behalf", data=_form()).status_code == 200


def test_ideas_on_behalf_only_while_submissions_are_open(client, make, db, guide):
    challenge = make.challenge(Phase.VOTING)
    client.login(guide)
    assert client.get(f"/challenges/{challenge.slug}/on-behalf").status_code == 409
    response = client.post(f"/challenges/{challenge.slug}/on-behalf", data=_form())
    assert response.status_code == 409
    assert "Läxhjälp på somaliska" in response.get_data(as_text=True)
    assert db.scalar(select(Idea).where(Idea.challenge_id == challenge.id)) is None


def test_bad_input_keeps_what_the_guide_typed(client, make, guide):
    challenge = make.challenge()
    client.login(guide)
    response = client.post(f"/challenges/{challenge.slug}/on-behalf", data=_form(title=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give your idea a title." in page
    assert "Hjälp med läxor efter skolan." in page


def test_the_challenge_page_links_guides_to_the_on_behalf_form(client, make, guide):
    challenge = make.challenge()
    client.login(guide)
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert f"/challenges/{challenge.slug}/on-behalf" in page
    client.login(make.user())
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "/on-behalf" not in page


def test_a_guide_comments_on_behalf_of_a_resident(client, make, db, guide):
    idea = make.idea(make.challenge())
    client.login(guide)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "On behalf of a resident without an account" in page
    response = client.post(
        f"/ideas/{idea.id}/comments",
        data={"body": "Boenden vill ha detta", "language": "ar", "on_behalf": "y"},
    )
    assert response.status_code == 303
    comment = db.scalar(select(Comment).where(Comment.idea_id == idea.id))
    assert comment.origin is Origin.CONTACT_CENTER
    assert comment.author_id is None
    assert comment.submitted_by_id == guide.id
    client.logout()
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "A resident, via the contact center" in page
    assert GUIDE_NAME not in page
    client.login(make.user(Role.OFFICIAL))
    assert GUIDE_NAME in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_a_resident_cannot_comment_on_behalf(client, make, db):
    idea = make.idea(make.challenge())
    client.login(make.user())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "On behalf of a resident" not in page
    response = client.post(
        f"/ideas/{idea.id}/comments", data={"body": "Hi", "language": "sv", "on_behalf": "y"}
    )
    assert response.status_code == 403
    assert db.scalar(select(Comment).where(Comment.idea_id == idea.id)) is None


def test_the_guide_page_lists_what_the_guide_submitted_with_its_status(client, make, db, guide):
    open_challenge = make.challenge()
    client.login(guide)
    client.post(f"/challenges/{open_challenge.slug}/on-behalf", data=_form(title="Published one"))
    client.post(f"/challenges/{open_challenge.slug}/on-behalf", data=_form(title="Hidden one"))
    hidden = db.scalar(select(Idea).where(Idea.title == "Hidden one"))
    hidden.status = IdeaStatus.HIDDEN
    hidden.moderation_reason = "Personal data"
    other = make.idea(open_challenge, title="Someone else's")
    db.commit()
    client.post(
        f"/ideas/{other.id}/comments",
        data={"body": "Said by a resident", "language": "sv", "on_behalf": "y"},
    )
    make.idea(open_challenge, title="Not by this guide")
    page = client.get("/guide").get_data(as_text=True)
    assert "Published one" in page
    assert "Hidden one" in page
    assert "Hidden by a moderator: Personal data" in page
    assert "Said by a resident" in page
    assert "Someone else&#39;s" in page
    assert "Not by this guide" not in page
    # Another guide sees only their own.
    client.login(make.user(Role.GUIDE))
    page = client.get("/guide").get_data(as_text=True)
    assert "Published one" not in page
    assert "You have not submitted any ideas on behalf of residents." in page
