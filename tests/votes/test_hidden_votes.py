"""A vote for an idea hidden since: the voter cannot open the idea any more, so
the challenge page offers to take those votes back while voting is open."""

from __future__ import annotations

from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.votes.models import Ballot, Vote
from tests.factories import phase_dates

NOTICE = "that has been hidden since"


def _hide(client, make, idea):
    client.login(make.user(Role.OFFICIAL))
    response = client.post(
        f"/moderation/ideas/{idea.id}",
        data={"action": "hide", f"idea-{idea.id}-reason": "Advertising."},
    )
    assert response.status_code == 303


def _voted_then_hidden(client, make):
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=2)
    hidden, kept, other = (make.idea(challenge) for _ in range(3))
    resident = make.user(name="Vera Voter")
    client.login(resident)
    for idea in (hidden, kept):
        assert client.post(f"/ideas/{idea.id}/vote").status_code == 303
    _hide(client, make, hidden)
    client.login(resident)
    return challenge, hidden, kept, other, resident


def test_the_challenge_page_offers_to_take_back_a_vote_for_a_hidden_idea(client, make, db):
    challenge, hidden, kept, other, resident = _voted_then_hidden(client, make)
    # The hidden idea is gone for the voter, and with it the idea page's withdraw button.
    assert client.get(f"/ideas/{hidden.id}").status_code == 404
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert f"You voted for 1 idea {NOTICE}" in page
    assert f'action="/challenges/{challenge.slug}/votes/hidden/withdraw"' in page
    # The budget is spent: no third vote.
    assert client.post(f"/ideas/{other.id}/vote").status_code == 409

    response = client.post(f"/challenges/{challenge.slug}/votes/hidden/withdraw")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/challenges/{challenge.slug}#vote-budget")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 vote is yours to give again." in page
    assert NOTICE not in page
    db.expire_all()
    votes = db.scalars(select(Vote.idea_id).where(Vote.user_id == resident.id)).all()
    assert votes == [kept.id]
    ballot = db.scalar(
        select(Ballot).where(Ballot.user_id == resident.id, Ballot.challenge_id == challenge.id)
    )
    assert ballot.used == 1
    db.refresh(hidden)
    assert hidden.vote_count == 0
    # The vote given back can go to another idea.
    assert client.post(f"/ideas/{other.id}/vote").status_code == 303


def test_only_the_voter_sees_the_offer(client, make):
    challenge, *_ = _voted_then_hidden(client, make)
    client.login(make.user())
    assert NOTICE not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    client.logout()
    assert NOTICE not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in_and_nothing_changes(client, make, db):
    challenge, hidden, *_ = _voted_then_hidden(client, make)
    client.logout()
    response = client.post(f"/challenges/{challenge.slug}/votes/hidden/withdraw")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    db.refresh(hidden)
    assert hidden.vote_count == 1


def test_without_the_csrf_token_nothing_is_taken_back(client, make, db):
    challenge, hidden, *_ = _voted_then_hidden(client, make)
    response = client.post(f"/challenges/{challenge.slug}/votes/hidden/withdraw", csrf=False)
    assert response.status_code == 400
    db.refresh(hidden)
    assert hidden.vote_count == 1


def test_once_voting_has_closed_the_votes_stay_and_the_offer_is_gone(client, make, db):
    challenge, hidden, *_ = _voted_then_hidden(client, make)
    for name, value in phase_dates(Phase.JURY).items():
        setattr(challenge, name, value)
    db.commit()
    assert NOTICE not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    response = client.post(f"/challenges/{challenge.slug}/votes/hidden/withdraw")
    assert response.status_code == 409
    assert "Votes can only be withdrawn while voting is open." in response.get_data(as_text=True)
    db.refresh(hidden)
    assert hidden.vote_count == 1


def test_the_offer_is_translated(client, make, db):
    challenge, _hidden, _kept, _other, resident = _voted_then_hidden(client, make)
    resident.locale = "sv"  # the profile's language
    db.commit()
    page = client.get(f"/challenges/{challenge.slug}", headers={"Accept-Language": "sv"})
    assert "Du röstade på 1 idé som har dolts sedan dess." in page.get_data(as_text=True)
    assert "Ta tillbaka min röst" in page.get_data(as_text=True)
