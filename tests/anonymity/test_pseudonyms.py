"""Pseudonyms: chosen per idea or comment, stable within a challenge,
different between challenges, never derived from the account."""

from __future__ import annotations

import re

from sqlalchemy import select

from inhabithon.accounts.models import Pseudonym, Role
from inhabithon.challenges.models import Phase
from inhabithon.comments.models import Comment
from inhabithon.ideas.models import AuthorDisplay, Idea
from inhabithon.ideas.pseudonyms import WORDS

NAME = "Zephyrine Quackenbush"


def _idea_form(**overrides: str) -> dict[str, str]:
    values = {
        "title": "Benches by the square",
        "summary": "Places to sit.",
        "body_md": "More *benches*.",
        "language": "en",
        "display": "pseudonym",
    }
    values.update(overrides)
    return values


def _submit(client, challenge, **overrides: str) -> Idea:
    response = client.post(f"/challenges/{challenge.slug}/ideas/new", data=_idea_form(**overrides))
    assert response.status_code == 303, response.get_data(as_text=True)
    idea_id = int(response.location.rsplit("/", 1)[1])
    return client.test_session.get(Idea, idea_id)


def test_the_idea_form_offers_three_ways_to_appear_as_an_accessible_radio_group(client, make):
    challenge = make.challenge()
    client.login(make.user())
    page = client.get(f"/challenges/{challenge.slug}/ideas/new").get_data(as_text=True)
    assert "<fieldset" in page
    assert "<legend>Show me as</legend>" in page
    for value in ("name", "pseudonym", "anonymous"):
        assert re.search(rf'<input[^>]*type="radio"[^>]*value="{value}"', page)


def test_a_pseudonym_is_stable_in_a_challenge_and_different_in_another(client, make, db):
    first, second = make.challenge(), make.challenge()
    client.login(make.user(name=NAME))
    a = _submit(client, first)
    b = _submit(client, first, title="Second idea")
    c = _submit(client, second)
    assert a.author_display is AuthorDisplay.PSEUDONYM
    assert a.pseudonym_id == b.pseudonym_id is not None
    assert c.pseudonym_id != a.pseudonym_id
    names = {p.challenge_id: p.name for p in db.scalars(select(Pseudonym))}
    assert names[first.id] != names[second.id]
    word, number = names[first.id].split(" ")
    assert word in WORDS
    assert 2 <= len(number) <= 3  # drawn at random (it may equal the user's id by chance)
    assert NAME.split()[0] not in names[first.id]

    # The idea page shows the pseudonym, and neither the name nor the other pseudonym.
    client.logout()
    page = client.get(f"/ideas/{a.id}").get_data(as_text=True)
    assert names[first.id] in page
    assert NAME not in page
    assert not re.search(rf"\b{re.escape(names[second.id])}\b", page)


def test_a_comment_under_a_pseudonym_uses_the_same_name_as_the_idea(client, make, db):
    challenge = make.challenge()
    client.login(make.user(name=NAME))
    idea = _submit(client, challenge)
    other = make.idea(challenge)
    response = client.post(
        f"/ideas/{other.id}/comments",
        data={"body": "I agree", "language": "en", "display": "pseudonym"},
    )
    assert response.status_code == 303
    comment = db.scalar(select(Comment).where(Comment.idea_id == other.id))
    assert comment.author_display is AuthorDisplay.PSEUDONYM
    assert comment.pseudonym_id == idea.pseudonym_id
    client.login(make.user())
    page = client.get(f"/ideas/{other.id}").get_data(as_text=True)
    assert idea.pseudonym.name in page
    assert NAME not in page


def test_admins_see_the_account_behind_a_pseudonym_others_do_not(client, make):
    challenge = make.challenge()
    client.login(make.user(name=NAME))
    idea = _submit(client, challenge)
    client.login(make.user(Role.OFFICIAL))
    assert NAME not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    client.login(make.user(Role.ADMIN))
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert NAME in page
    assert "admin view" in page


def test_editing_changes_how_the_author_appears(client, make, db):
    challenge = make.challenge()
    client.login(make.user(name=NAME))
    idea = _submit(client, challenge, display="name")
    assert idea.pseudonym_id is None
    response = client.post(f"/ideas/{idea.id}/edit", data=_idea_form(display="pseudonym"))
    assert response.status_code == 303
    db.refresh(idea)
    assert idea.author_display is AuthorDisplay.PSEUDONYM
    assert idea.pseudonym_id is not None
    client.logout()
    assert NAME not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    client.login(idea.author)
    client.post(f"/ideas/{idea.id}/edit", data=_idea_form(display="anonymous"))
    db.refresh(idea)
    assert idea.author_display is AuthorDisplay.ANONYMOUS


def test_an_unknown_display_choice_is_refused_and_the_text_kept(client, make):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/ideas/new", data=_idea_form(display="banner")
    )
    assert response.status_code == 400
    assert "Benches by the square" in response.get_data(as_text=True)


def test_names_taken_in_a_challenge_are_drawn_again(make, monkeypatch):
    from inhabithon.ideas import pseudonyms

    challenge = make.challenge(Phase.SUBMISSIONS)
    draws = iter(["Tilia 11", "Tilia 11", "Corvus 22"])
    monkeypatch.setattr(pseudonyms, "_draw", lambda attempt: next(draws))
    with make.context():
        first = pseudonyms.pseudonym_for(make.user(), challenge)
        second = pseudonyms.pseudonym_for(make.user(), challenge)
    assert (first.name, second.name) == ("Tilia 11", "Corvus 22")
