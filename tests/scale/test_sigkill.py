"""A server killed with SIGKILL in the middle of a stream of writes loses no
write it acknowledged, and leaves no half-written state.

Writers stream comments and votes at one gunicorn instance; the whole process
group gets SIGKILL while requests are in flight; a new instance starts on the
same database. Every request answered with 2xx/3xx must have left its row, and
every counter must equal the rows it counts (one transaction per request:
a killed request leaves all of it or none of it).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inhabithon.challenges.models import Phase
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.ideas.models import Idea
from inhabithon.votes.models import Ballot, Vote
from tests.scale.live import HttpClient, Server, insert_residents

WRITERS = 6


@dataclass
class Acknowledged:
    comments: list[str]
    votes: list[tuple[int, int]]
    failures: list[str]
    unanswered: int = 0


class Target:
    """The port writers send to; moved when a new server takes over."""

    def __init__(self, port: int) -> None:
        self.port = port


def _stream(
    target: Target, sessions, users: list[int], ideas: list[int], stop: threading.Event
) -> Acknowledged:
    """WRITERS threads post comments and votes until ``stop``; what was acknowledged."""
    done = Acknowledged([], [], [])
    lock = threading.Lock()

    def writer(w: int) -> None:
        client = HttpClient(target.port, timeout=10)
        n = 0
        try:
            while not stop.is_set():
                if client.port != target.port:
                    client.close()
                    client = HttpClient(target.port, timeout=10)
                user = users[(n * WRITERS + w) % len(users)]
                idea = ideas[n % len(ideas)]
                cookie = sessions.cookie(user)
                body = f"Comment {w}-{n}: the square needs benches."
                try:
                    if n % 2 == 0:
                        response = client.request(
                            "POST",
                            f"/ideas/{idea}/comments",
                            form={"csrf_token": sessions.csrf, "body": body, "language": "en"},
                            cookie=cookie,
                        )
                        if 200 <= response.status < 400:
                            with lock:
                                done.comments.append(body)
                    else:
                        response = client.request(
                            "POST",
                            f"/ideas/{idea}/vote",
                            form={"csrf_token": sessions.csrf},
                            cookie=cookie,
                        )
                        if 200 <= response.status < 400:
                            with lock:
                                done.votes.append((user, idea))
                    if response.status >= 500 and response.status != 503:
                        with lock:
                            done.failures.append(f"{response.status} {response.text[:200]}")
                except (OSError, http.client.HTTPException):
                    # No answer (the server died under this request): nothing was
                    # acknowledged, so nothing is owed. Wait for the next server.
                    client.close()
                    with lock:
                        done.unanswered += 1
                    time.sleep(0.05)
                n += 1
        finally:
            client.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    done.threads = threads  # type: ignore[attr-defined]
    return done


@pytest.fixture(scope="module")
def server_env() -> dict[str, str]:
    return {"RATELIMIT_ENABLED": "0"}


def test_a_killed_server_loses_no_acknowledged_write(
    start_server: Callable[..., Server], server_env, sessions, world, live_engine
):
    make, _session = world
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    ideas = [make.idea(challenge).id for _ in range(5)]
    users = insert_residents(live_engine, 120, prefix=f"k{challenge.id}-")

    first = start_server(**server_env)
    stop = threading.Event()
    target = Target(first.port)
    acknowledged = _stream(target, sessions, users, ideas, stop)
    # Let writes flow, then kill everything mid-stream.
    deadline = time.monotonic() + 10
    while len(acknowledged.comments) + len(acknowledged.votes) < 60:
        assert time.monotonic() < deadline, first.log()
        time.sleep(0.02)
    first.kill()
    before_restart = (len(acknowledged.comments), len(acknowledged.votes))

    # A new server on the same database (and a new port: the writers keep
    # failing until then, as behind a balancer that lost its backend).
    second = start_server(**server_env)
    target.port = second.port  # the writers reconnect to the new server
    while len(acknowledged.comments) + len(acknowledged.votes) < sum(before_restart) + 30:
        assert time.monotonic() < deadline + 20, second.log()
        time.sleep(0.02)
    stop.set()
    for thread in acknowledged.threads:  # type: ignore[attr-defined]
        thread.join(15)

    assert acknowledged.failures == []
    assert acknowledged.unanswered > 0  # the kill did cut the stream
    assert sum(before_restart) >= 60
    with live_engine.connect() as conn:
        stored = set(conn.scalars(select(Comment.body_md).where(Comment.idea_id.in_(ideas))).all())
        missing = [body for body in acknowledged.comments if body not in stored]
        assert missing == []
        votes = set(
            conn.execute(select(Vote.user_id, Vote.idea_id).where(Vote.idea_id.in_(ideas))).all()
        )
        assert [v for v in acknowledged.votes if v not in votes] == []
        _assert_no_half_written_state(conn, challenge.id, ideas)


def _assert_no_half_written_state(conn: sa.Connection, challenge_id: int, ideas: list[int]) -> None:
    published = dict(
        conn.execute(  # type: ignore[arg-type]
            select(Comment.idea_id, func.count())
            .where(Comment.idea_id.in_(ideas), Comment.status == CommentStatus.PUBLISHED)
            .group_by(Comment.idea_id)
        ).all()
    )
    votes = dict(
        conn.execute(  # type: ignore[arg-type]
            select(Vote.idea_id, func.count()).where(Vote.idea_id.in_(ideas)).group_by(Vote.idea_id)
        ).all()
    )
    for idea_id, comment_count, vote_count in conn.execute(
        select(Idea.id, Idea.comment_count, Idea.vote_count).where(Idea.id.in_(ideas))
    ):
        assert comment_count == published.get(idea_id, 0)
        assert vote_count == votes.get(idea_id, 0)
    per_voter = dict(
        conn.execute(  # type: ignore[arg-type]
            select(Vote.user_id, func.count())
            .where(Vote.challenge_id == challenge_id)
            .group_by(Vote.user_id)
        ).all()
    )
    for user_id, used in conn.execute(
        select(Ballot.user_id, Ballot.used).where(Ballot.challenge_id == challenge_id)
    ):
        assert used == per_voter.get(user_id, 0)
