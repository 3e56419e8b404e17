"""The vote budget and one-vote-per-idea hold under concurrent requests.

These tests run real, committed transactions against a fresh database (not the
rolled-back test transaction), with one thread and one test client per request.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inhabithon import create_app
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import Idea
from inhabithon.migrate import upgrade
from inhabithon.votes.models import Ballot, Vote
from tests.conftest import Client, app_config, fresh_database_url
from tests.factories import Factory

THREADS = 20
ALLOWED_FAILURES = {409, 503}  # refused by a rule, or "try again": never a 500


@pytest.fixture(scope="module")
def live_app():
    url = fresh_database_url("votes_concurrency")
    upgrade(url)
    app = create_app(app_config(url))
    app.test_client_class = Client
    yield app
    app.extensions["inhabithon_db"].engine.dispose()


@pytest.fixture
def world(live_app):
    session = live_app.extensions["inhabithon_db"].factory()
    try:
        yield Factory(live_app, session), session
    finally:
        session.close()


def _fire(app, user, ideas):
    """POST a vote for ``ideas[i % len(ideas)]`` from THREADS clients at once."""
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        client.login(user)
        client.csrf_token()  # put the token in the session before the race
        clients.append(client)
    barrier = threading.Barrier(THREADS)

    def one(i: int) -> int:
        barrier.wait()
        return clients[i].post(f"/ideas/{ideas[i % len(ideas)]}/vote").status_code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(one, range(THREADS)))


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
    clients = []
    for voter in voters:
        client = live_app.test_client()
        client.login(voter)
        client.csrf_token()
        clients.append(client)
    barrier = threading.Barrier(len(clients))

    def one(client: Client) -> int:
        barrier.wait()
        return client.post(f"/ideas/{idea}/vote").status_code

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(one, clients))
    assert statuses == [303] * len(clients)
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
