"""Each key page costs a fixed number of queries whatever the number of ideas,
comments or votes, and none of them counts over a whole table: what makes the
benchmark's 2,000,000-vote pages as fast as its 1,000-vote ones.

(The project page's budget is in tests/projects/test_pages.py.)
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import Idea
from inhabithon.votes.models import Ballot, Vote

# Tables that grow without bound: every read of them must be narrowed by a key.
BIG_TABLES = ("votes", "comments", "ideas", "ballots", "users")


def _queries(client, count_queries, method: str, path: str, expect: int) -> list[str]:
    count_queries.statements.clear()
    response = client.open(path, method=method)
    assert response.status_code == expect, response.status_code
    return list(count_queries.statements)


def _unbounded(statements: list[str]) -> list[str]:
    """Statements reading a big table with no WHERE clause (a full scan or count)."""
    found = []
    for sql in statements:
        flat = " ".join(sql.split()).lower()
        for table in BIG_TABLES:
            if re.search(rf"\bfrom {table}\b", flat) and " where " not in flat:
                found.append(sql)
    return found


def _grow(make, db, challenge, ideas: list[Idea], hot: Idea, factor: int) -> None:
    """More ideas, comments on the hot idea and votes, written directly (fast)."""
    for _ in range(factor * 10):
        ideas.append(make.idea(challenge))
    for _ in range(factor * 10):
        make.comment(hot)
    hot.comment_count += factor * 10
    for _ in range(factor * 5):
        voter = make.user()
        db.add(Ballot(user_id=voter.id, challenge_id=challenge.id, budget=3, used=3))
        db.flush()
        for idea in ideas[-3:]:
            db.add(Vote(user_id=voter.id, idea_id=idea.id, challenge_id=challenge.id))
            idea.vote_count += 1
    db.commit()


def test_key_pages_cost_the_same_queries_with_more_ideas_comments_and_votes(
    client, make, db, count_queries
):
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    ideas = [make.idea(challenge) for _ in range(22)]  # more than one page of 20
    hot = ideas[0]
    for _ in range(3):
        make.comment(hot)
    hot.comment_count = 3
    db.commit()
    client.login(make.user())
    slug, hot_id = challenge.slug, hot.id

    def pages() -> dict[str, tuple[str, str, int]]:
        last = db.query(Idea).filter(Idea.challenge_id == challenge.id)
        ranked = sorted(last, key=lambda i: (i.vote_count, i.id), reverse=True)
        cursor = f"{ranked[19].vote_count}.{ranked[19].id}"
        return {
            "home": ("GET", "/", 200),
            "challenge, first page": ("GET", f"/challenges/{slug}", 200),
            "challenge, deep page": ("GET", f"/challenges/{slug}?sort=votes&after={cursor}", 200),
            "challenge, newest": ("GET", f"/challenges/{slug}?sort=newest", 200),
            "idea page": ("GET", f"/ideas/{hot_id}", 200),
        }

    def measure() -> dict[str, int]:
        counts = {}
        for name, (method, path, expect) in pages().items():
            statements = _queries(client, count_queries, method, path, expect)
            assert _unbounded(statements) == [], name
            counts[name] = len(statements)
        return counts

    measure()  # warm-up (first-request caches)
    few = measure()
    _grow(make, db, challenge, ideas, hot, factor=3)
    many = measure()
    assert many == few


def test_a_vote_costs_the_same_queries_however_many_votes_there_are(
    client, make, db, count_queries
):
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    ideas = [make.idea(challenge) for _ in range(5)]

    def vote_queries() -> int:
        client.login(make.user())
        statements = _queries(client, count_queries, "POST", f"/ideas/{ideas[1].id}/vote", 303)
        assert _unbounded(statements) == []
        return len(statements)

    vote_queries()  # warm-up
    few = vote_queries()
    _grow(make, db, challenge, ideas, ideas[0], factor=4)
    assert vote_queries() == few


def test_a_vote_is_three_statements_on_postgresql_six_on_sqlite_and_no_savepoint(
    client, make, connection
):
    """The user with their roles, the idea with its challenge, then the vote: on
    PostgreSQL one statement (the team-or-voted check, the ballot, the vote and
    the idea's counter, chained in a WITH), on SQLite, which cannot write in a
    WITH, four. The budget and the one vote per idea are refused by the
    statements themselves, so no savepoint is needed around them (here the
    request's own transaction is one)."""
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=3)
    ideas = [make.idea(challenge) for _ in range(2)]
    client.login(make.user())
    sent: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        sent.append(" ".join(statement.split()))

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        assert client.post(f"/ideas/{ideas[0].id}/vote").status_code == 303
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    expected = [
        "SELECT users.",  # the user and their roles
        "SELECT ideas.",  # the idea and its challenge
        *(
            ["WITH spent AS"]
            if connection.dialect.name == "postgresql"
            else [
                "SELECT EXISTS",  # on the idea's team, or voted for it already
                "INSERT INTO ballots",  # created, or one more of its votes used
                "INSERT INTO votes",
                "UPDATE ideas",  # the idea's vote count
            ]
        ),
    ]
    assert sent[0].startswith("SAVEPOINT")  # in the tests, the request's transaction
    assert sent[-1].startswith("RELEASE SAVEPOINT")
    body = sent[1:-1]
    assert len(body) == len(expected), body
    assert [sql[: len(p)] for sql, p in zip(body, expected, strict=True)] == expected
