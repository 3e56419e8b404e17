"""Two gunicorn instances on loopback against one database and one Redis, as
behind a load balancer: votes stay exact and rate limits are shared.

Run on SQLite (a temporary file, WAL) and on PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import Idea
from inhabithon.votes.models import Ballot, Vote
from tests.scale.live import REDIS_BASE, HttpClient, Server, Sessions, insert_residents

RESIDENTS = 1000
# Refused by a rule (409), or "busy, try again" (503); never a 500.
REFUSED = {409, 503}


@pytest.fixture(scope="module")
def pair(start_server: Callable[..., Server], redis_prefix: str) -> list[Server]:
    """Two servers sharing the database and Redis; limits off (every vote is
    sent from 127.0.0.1, which a per-address limit would soon refuse)."""
    env = {"REDIS_URL": REDIS_BASE, "RATELIMIT_KEY_PREFIX": redis_prefix + "-votes"}
    return start_server(2, RATELIMIT_ENABLED="0", **env)


class Clients:
    """One keep-alive connection per thread and server; all closed at the end."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.opened: list[HttpClient] = []
        self.lock = threading.Lock()

    def to(self, server: Server) -> HttpClient:
        by_port: dict[int, HttpClient] = self.local.__dict__.setdefault("by_port", {})
        if server.port not in by_port:
            by_port[server.port] = HttpClient(server.port)
            with self.lock:
                self.opened.append(by_port[server.port])
        return by_port[server.port]

    def close(self) -> None:
        for client in self.opened:
            client.close()


@pytest.fixture
def clients() -> Iterator[Clients]:
    pool = Clients()
    yield pool
    pool.close()


def _vote(server: Server, clients: Clients, sessions: Sessions, user_id: int, idea_id: int) -> int:
    response = clients.to(server).request(
        "POST",
        f"/ideas/{idea_id}/vote",
        form={"csrf_token": sessions.csrf},
        cookie=sessions.cookie(user_id),
    )
    return response.status


def _race(jobs: list[Callable[[], int]]) -> list[int]:
    """Run every job in its own thread, all released at once."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], int]) -> int:
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _assert_counters_match_rows(engine: sa.Engine, challenge_id: int) -> None:
    with engine.connect() as conn:
        counters = conn.execute(
            select(Idea.id, Idea.vote_count).where(Idea.challenge_id == challenge_id)
        ).all()
        rows = dict(
            conn.execute(  # type: ignore[arg-type]
                select(Vote.idea_id, func.count())
                .where(Vote.challenge_id == challenge_id)
                .group_by(Vote.idea_id)
            ).all()
        )
        assert dict(counters) == {i: rows.get(i, 0) for i, _ in counters}
        used = conn.execute(
            select(Ballot.user_id, Ballot.used).where(Ballot.challenge_id == challenge_id)
        ).all()
        per_voter = dict(
            conn.execute(  # type: ignore[arg-type]
                select(Vote.user_id, func.count())
                .where(Vote.challenge_id == challenge_id)
                .group_by(Vote.user_id)
            ).all()
        )
        assert dict(used) == {u: per_voter.get(u, 0) for u, _ in used}


def test_a_thousand_residents_voting_across_two_servers_give_exactly_a_thousand_votes(
    pair, sessions, world, live_engine, clients
):
    make, _session = world
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    ideas = [make.idea(challenge).id for _ in range(4)]
    voters = insert_residents(live_engine, RESIDENTS, prefix=f"v{challenge.id}-")

    def vote(i: int) -> int:
        return _vote(pair[i % 2], clients, sessions, voters[i], ideas[i % len(ideas)])

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(vote, range(RESIDENTS)))

    assert statuses == [303] * RESIDENTS
    with live_engine.connect() as conn:
        total = conn.scalar(select(func.count()).where(Vote.challenge_id == challenge.id))
        shown = conn.scalar(
            select(func.sum(Idea.vote_count)).where(Idea.challenge_id == challenge.id)
        )
    assert total == RESIDENTS
    assert shown == RESIDENTS
    _assert_counters_match_rows(live_engine, challenge.id)
    # What the page shows is the row count, read through either server.
    for n, idea_id in enumerate(ideas):
        html = pair[n % 2].request("GET", f"/ideas/{idea_id}").text
        match = re.search(r'class="vote-count">([\d,]+)<', html)
        assert match is not None
        assert int(match[1].replace(",", "")) == RESIDENTS // len(ideas)


def test_fifty_parallel_votes_by_one_resident_on_one_idea_leave_one_vote(
    pair, sessions, world, live_engine, clients
):
    make, _session = world
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    idea = make.idea(challenge).id
    voter = make.user().id
    jobs = [
        (lambda i=i: _vote(pair[i % 2], clients, sessions, voter, idea))  # type: ignore[misc]
        for i in range(50)
    ]
    statuses = _race(jobs)
    assert statuses.count(303) == 1
    assert set(statuses) <= {303} | REFUSED
    with live_engine.connect() as conn:
        assert conn.scalar(select(func.count()).where(Vote.user_id == voter)) == 1
    _assert_counters_match_rows(live_engine, challenge.id)


def test_parallel_votes_on_different_ideas_never_exceed_the_budget(
    pair, sessions, world, live_engine, clients
):
    make, _session = world
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    ideas = [make.idea(challenge).id for _ in range(10)]
    voter = make.user().id
    jobs = [
        (lambda i=i: _vote(pair[i % 2], clients, sessions, voter, ideas[i % 10]))  # type: ignore[misc]
        for i in range(50)
    ]
    statuses = _race(jobs)
    assert statuses.count(303) == 3
    assert set(statuses) <= {303} | REFUSED
    with live_engine.connect() as conn:
        assert conn.scalar(select(func.count()).where(Vote.user_id == voter)) == 3
        ballot = conn.execute(
            select(Ballot.used, Ballot.budget).where(Ballot.user_id == voter)
        ).one()
    assert tuple(ballot) == (3, 3)
    _assert_counters_match_rows(live_engine, challenge.id)


@pytest.fixture(scope="module")
def limited_pair(start_server: Callable[..., Server], redis_prefix: str) -> list[Server]:
    env = {
        "REDIS_URL": REDIS_BASE,
        "RATELIMIT_KEY_PREFIX": redis_prefix + "-login",
        "RATELIMIT_ENABLED": "1",
        "LOGIN_RATE_LIMIT": "6 per minute",
    }
    return start_server(2, **env)


def test_a_login_limit_is_shared_by_both_servers(limited_pair, sessions):
    """Six attempts allowed in total, spread over the two servers: the seventh
    is refused, whichever server gets it (each alone has seen only three)."""
    cookie = sessions.cookie(None)
    form = {"csrf_token": sessions.csrf, "email": "nobody@example.org", "password": "wrong pass"}
    statuses = [
        limited_pair[i % 2].request("POST", "/login", form=form, cookie=cookie).status
        for i in range(8)
    ]
    assert statuses == [400] * 6 + [429, 429]
    # Reading the page is not limited.
    assert limited_pair[0].request("GET", "/login", cookie=cookie).status == 200
