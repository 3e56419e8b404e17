import pytest
from sqlalchemy import func, select, update

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import IdeaStatus
from inhabithon.votes.models import Ballot, Vote
from tests.factories import phase_dates


def _vote(client, idea):
    return client.post(f"/ideas/{idea.id}/vote")


def _withdraw(client, idea):
    return client.post(f"/ideas/{idea.id}/vote/withdraw")


def _rows(db, idea):
    return db.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id))


def _assert_counters_match_rows(db, challenge, ideas, users):
    for idea in ideas:
        db.refresh(idea)
        assert idea.vote_count == _rows(db, idea)
    for user in users:
        ballot = db.get(Ballot, (user.id, challenge.id))
        db.refresh(ballot)
        used = db.scalar(
            select(func.count()).where(Vote.user_id == user.id, Vote.challenge_id == challenge.id)
        )
        assert ballot.used == used


def test_resident_votes_and_is_sent_back_to_the_vote_box(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    voter = client.login(make.user())
    response = _vote(client, idea)
    assert response.status_code == 303
    assert response.location.endswith(f"/ideas/{idea.id}#vote")
    db.refresh(idea)
    assert idea.vote_count == 1 == _rows(db, idea)
    assert db.get(Ballot, (voter.id, challenge.id)).used == 1
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "2 of 3 votes left" in page
    assert f"/ideas/{idea.id}/vote/withdraw" in page


@pytest.mark.parametrize("phase", [Phase.SUBMISSIONS, Phase.JURY, Phase.RESULTS, Phase.ARCHIVED])
def test_no_vote_outside_the_voting_phase(client, make, db, phase):
    idea = make.idea(make.challenge(phase=phase))
    client.login(make.user())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/ideas/{idea.id}/vote" not in page
    assert ("Voting opens" if phase is Phase.SUBMISSIONS else "Voting closed") in page
    response = _vote(client, idea)
    assert response.status_code == 409
    assert "Voting is not open" in response.get_data(as_text=True)
    assert _rows(db, idea) == 0


def test_default_budget_is_three_votes(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    ideas = [make.idea(challenge) for _ in range(4)]
    voter = client.login(make.user())
    for idea in ideas[:3]:
        assert _vote(client, idea).status_code == 303
    response = _vote(client, ideas[3])
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "You have used all your 3 votes in this challenge" in page
    assert "0 of 3 votes left" in page
    assert _rows(db, ideas[3]) == 0
    _assert_counters_match_rows(db, challenge, ideas, [voter])


def test_custom_budget_is_respected(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=5)
    ideas = [make.idea(challenge) for _ in range(6)]
    voter = client.login(make.user())
    assert [_vote(client, idea).status_code for idea in ideas] == [303] * 5 + [409]
    assert db.get(Ballot, (voter.id, challenge.id)).used == 5
    _assert_counters_match_rows(db, challenge, ideas, [voter])


def test_budget_is_per_challenge(client, make, db):
    first, second = make.challenge(phase=Phase.VOTING), make.challenge(phase=Phase.VOTING)
    client.login(make.user())
    for challenge in (first, second):
        for _ in range(3):
            assert _vote(client, make.idea(challenge)).status_code == 303


def test_one_vote_per_idea(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    voter = client.login(make.user())
    assert _vote(client, idea).status_code == 303
    response = _vote(client, idea)
    assert response.status_code == 409
    assert "You have already voted for this idea" in response.get_data(as_text=True)
    assert _rows(db, idea) == 1
    _assert_counters_match_rows(db, challenge, [idea], [voter])


def test_no_vote_for_your_own_or_your_teams_idea(client, make, db):
    from inhabithon.ideas.services import accept_invitation, invite_member

    challenge = make.challenge(phase=Phase.VOTING)
    owner, member = make.user(), make.user()
    idea = make.idea(challenge, owner)
    with make.context():
        invite_member(idea, owner, member.email)
        accept_invitation(idea, member)
    for user in (owner, member):
        client.login(user)
        page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert "cannot vote for your own team" in page
        assert f'action="/ideas/{idea.id}/vote"' not in page
        response = _vote(client, idea)
        assert response.status_code == 409
        assert "cannot vote for your own team" in response.get_data(as_text=True)
    assert _rows(db, idea) == 0


def test_invited_but_not_accepted_member_may_still_vote(client, make, db):
    from inhabithon.ideas.services import invite_member

    challenge = make.challenge(phase=Phase.VOTING)
    owner, invitee = make.user(), make.user()
    idea = make.idea(challenge, owner)
    with make.context():
        invite_member(idea, owner, invitee.email)
    client.login(invitee)
    assert _vote(client, idea).status_code == 303


def test_withdraw_and_vote_again(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    ideas = [make.idea(challenge) for _ in range(4)]
    voter = client.login(make.user())
    for idea in ideas[:3]:
        _vote(client, idea)
    response = _withdraw(client, ideas[0])
    assert response.status_code == 303
    assert response.location.endswith("#vote")
    assert _rows(db, ideas[0]) == 0
    assert _vote(client, ideas[3]).status_code == 303
    assert _vote(client, ideas[0]).status_code == 409  # the budget is spent again
    assert _withdraw(client, ideas[3]).status_code == 303
    assert _vote(client, ideas[0]).status_code == 303
    _assert_counters_match_rows(db, challenge, ideas, [voter])


def test_withdrawing_a_vote_never_given_is_refused(client, make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    client.login(make.user())
    response = _withdraw(client, idea)
    assert response.status_code == 409
    assert "You have not voted for this idea" in response.get_data(as_text=True)


def test_no_withdrawal_after_voting_closes(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    voter = make.user()
    make.vote(voter, idea)
    for name, value in phase_dates(Phase.JURY).items():
        setattr(challenge, name, value)
    db.commit()
    client.login(voter)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "/vote/withdraw" not in page
    assert _withdraw(client, idea).status_code == 409
    db.refresh(idea)
    assert idea.vote_count == 1 == _rows(db, idea)


def test_only_published_ideas_get_votes(client, make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING), status=IdeaStatus.PENDING)
    client.login(make.user(Role.OFFICIAL))
    response = _vote(client, idea)
    assert response.status_code == 409
    assert "Only published ideas" in response.get_data(as_text=True)
    client.login(make.user())
    assert _vote(client, idea).status_code == 404


def test_visitors_are_asked_to_log_in(client, make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Log in to vote" in page
    response = _vote(client, idea)
    assert response.status_code == 302
    # Back to the idea page after logging in, not to the POST-only address.
    assert response.location.endswith(f"/login?next=/ideas/{idea.id}%23vote")
    assert _rows(db, idea) == 0


def test_voting_needs_the_csrf_token(client, make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    voter = client.login(make.user())
    assert client.post(f"/ideas/{idea.id}/vote", csrf=False).status_code == 400
    assert _rows(db, idea) == 0
    make.vote(voter, idea)
    assert client.post(f"/ideas/{idea.id}/vote/withdraw", csrf=False).status_code == 400
    assert _rows(db, idea) == 1


def test_voting_for_an_unknown_idea_is_not_found(client, make):
    client.login(make.user())
    assert client.post("/ideas/555555/vote").status_code == 404
    assert client.post("/ideas/555555/vote/withdraw").status_code == 404


def test_counters_equal_rows_with_many_voters(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    ideas = [make.idea(challenge) for _ in range(4)]
    voters = [make.user() for _ in range(5)]
    for i, voter in enumerate(voters):
        client.login(voter)
        for idea in ideas[i % 2 : i % 2 + 3]:
            _vote(client, idea)
        if i % 2:
            _withdraw(client, ideas[1])
    _assert_counters_match_rows(db, challenge, ideas, voters)
    assert sum(i.vote_count for i in ideas) == db.scalar(select(func.count()).select_from(Vote))


def test_ballot_for_answers_none_before_the_first_vote(make, db):
    from inhabithon.votes.services import ballot_for

    challenge = make.challenge(phase=Phase.VOTING, vote_budget=4)
    user = make.user()
    with make.context():
        assert ballot_for(user, challenge) is None
    make.vote(user, make.idea(challenge))
    with make.context():
        ballot = ballot_for(user, challenge)
        assert (ballot.budget, ballot.used, ballot.remaining) == (4, 1, 3)


def test_voting_page_explains_when_voting_opens(client, make):
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    idea = make.idea(challenge)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Voting opens" in page
    assert f"/ideas/{idea.id}/vote" not in page


def test_a_busy_database_answers_503_try_again_not_500(client, make, db, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from inhabithon.votes import services

    def busy(user, idea, **_kw):
        raise OperationalError("UPDATE ballots", {}, Exception("database is locked"))

    monkeypatch.setattr(services, "cast_vote", busy)
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    client.login(make.user())
    response = _vote(client, idea)
    assert response.status_code == 503
    assert "Please try again" in response.get_data(as_text=True)
    assert _rows(db, idea) == 0


def test_a_vote_stored_between_the_check_and_the_insert_is_refused_and_gives_the_vote_back(
    client, make, db, monkeypatch
):
    """A double click: the second request's check ran before the first one's vote
    was stored, and it spent a vote of the ballot. The unique constraint keeps
    one vote, and the spent vote is given back before it answers. (Two requests
    at once do just that in tests/votes/test_concurrency.py; here the second
    request's check is made to miss the first one's vote.)"""
    from inhabithon.votes import services

    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    voter = client.login(make.user())
    assert _vote(client, idea).status_code == 303

    def check_missed_the_vote(user, idea, params):
        spend = update(Ballot).where(Ballot.user_id == user.id).values(used=Ballot.used + 1)
        db.execute(spend.returning(Ballot.used))
        vote_id = db.scalar(select(Vote.id).where(Vote.user_id == user.id))
        assert vote_id is not None  # the first request's
        return 2, None  # spent, and the insert found the vote there

    with monkeypatch.context() as patch, make.context():
        patch.setattr(services, "_spend_and_insert", check_missed_the_vote)
        with pytest.raises(services.Conflict, match="redan röstat"):  # Swedish: no request
            services.cast_vote(voter, db.get(type(idea), idea.id))
        ballot = db.get(Ballot, (voter.id, challenge.id))
        db.refresh(ballot)
        assert ballot.used == 1
    response = _vote(client, idea)  # the real check, from here on
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "You have already voted for this idea" in page
    assert "2 of 3 votes left" in page
    _assert_counters_match_rows(db, challenge, [idea], [voter])


def test_a_vote_moves_the_ideas_counter_and_nothing_else_of_it(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    before = (idea.challenge_id, idea.created_at, idea.updated_at, idea.title, idea.status)
    client.login(make.user())
    assert _vote(client, idea).status_code == 303
    db.refresh(idea)
    assert (idea.challenge_id, idea.created_at, idea.updated_at, idea.title, idea.status) == before
    assert idea.vote_count == 1
