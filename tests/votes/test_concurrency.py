"""The vote budget and one-vote-per-idea hold under concurrent requests.

These tests run real, committed transactions against a fresh database (not the
rolled-back test transaction), with one thread and one test client per request.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import Idea
from inhabithon.votes.models import Ballot, Vote
from tests.concurrency import ALLOWED_FAILURES, committed_app, committed_world, race

THREADS = 20


@pytest.fixture(scope="module")
def live_app():
    yield from committed_app("votes_concurrency")


@pytest.fixture
def world(live_app):
    yield from committed_world(live_app)


def _fire(app, user, ideas):
    """POST a vote for ``ideas[i % len(ideas)]`` from THREADS clients at once."""
    return race(app, [(user, f"/ideas/{ideas[i % len(ideas)]}/vote", None) for i in range(THREADS)])


def _check_counters(session, challenge_id):
    session.expire_all()
    ideas = session.scalars(select(Idea).where(Idea.challenge_id == challenge_id)).all()
    for idea in ideas:
        rows = session.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id))
        assert idea.vote_count == rows
    for ballot in session.scalars(select(Ballot).where(Ballot.challenge_id == challenge_id)):
        rows = session.scalar(
            select(func.count()).where(
                Vote.user_id == ballot.user_id, Vote.challenge_id == challenge_id
            )
        )
        assert ballot.used == rows


def test_parallel_votes_never_overspend_the_budget(world, live_app):
    make, session = world
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    voter = make.user()
    ideas = [make.idea(challenge).id for _ in range(6)]
    statuses = _fire(live_app, voter, ideas)
    assert statuses.count(303) == 3
    assert set(statuses) <= {303} | ALLOWED_FAILURES
    assert session.scalar(select(func.count()).where(Vote.user_id == voter.id)) == 3
    assert session.get(Ballot, (voter.id, challenge.id)).used == 3
    _check_counters(session, challenge.id)


def test_parallel_votes_on_one_idea_store_one_vote(world, live_app):
    make, session = world
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    voter = make.user()
    idea = make.idea(challenge).id
    statuses = _fire(live_app, voter, [idea])
    assert statuses.count(303) == 1
    assert set(statuses) <= {303} | ALLOWED_FAILURES
    assert session.scalar(select(func.count()).where(Vote.user_id == voter.id)) == 1
    assert session.get(Ballot, (voter.id, challenge.id)).used == 1
    _check_counters(session, challenge.id)


def test_parallel_voters_on_one_idea_are_all_counted(world, live_app):
    make, session = world
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge).id
    voters = [make.user() for _ in range(12)]
    statuses = race(live_app, [(voter, f"/ideas/{idea}/vote", None) for voter in voters])
    assert statuses == [303] * len(voters)
    session.expire_all()
    assert session.get(Idea, idea).vote_count == len(voters)
    _check_counters(session, challenge.id)


def test_the_database_refuses_overspending_on_its_own(world):
    """The CHECK constraint is the rule; the code only translates it."""
    make, session = world
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=1)
    voter = make.user()
    session.add(Ballot(user_id=voter.id, challenge_id=challenge.id, budget=1, used=1))
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(
            sa.update(Ballot)
            .where(Ballot.user_id == voter.id, Ballot.challenge_id == challenge.id)
            .values(used=Ballot.used + 1)
        )
    session.rollback()
