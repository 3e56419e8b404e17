"""A public page only reads: on PostgreSQL its statements run outside a
transaction (no BEGIN, no COMMIT: two round trips fewer for a resident's kept
page), while every write, and every other page, keeps its transaction
(inhabithon/db.py, ``Database.reads_only``). Against a committed database, as
in production: the tests' own outer transaction would hide it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event

from inhabithon.challenges.models import Phase
from tests.concurrency import committed_app, committed_world


@pytest.fixture(scope="module")
def live_app():
    yield from committed_app("reads_only", PAGE_CACHE_SECONDS=60)


@pytest.fixture
def world(live_app):
    yield from committed_world(live_app)


class Statements:
    """For each statement the app runs: whether the driver ran it in a transaction."""

    def __init__(self) -> None:
        self.in_transaction: list[bool] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        driver = conn.connection.driver_connection
        if conn.dialect.name == "postgresql":  # psycopg: where the server says it is
            self.in_transaction.append(driver.info.transaction_status == TransactionStatus.INTRANS)
        else:
            self.in_transaction.append(driver.in_transaction)

    def take(self) -> list[bool]:
        taken, self.in_transaction = self.in_transaction, []
        return taken


@pytest.fixture
def statements(live_app) -> Iterator[Statements]:
    engine = live_app.extensions["inhabithon_db"].engine
    seen = Statements()
    event.listen(engine, "after_cursor_execute", seen)
    yield seen
    event.remove(engine, "after_cursor_execute", seen)


def test_a_public_page_reads_outside_a_transaction_and_a_write_keeps_its_own(
    live_app, world, statements
):
    make, _session = world
    challenge = make.challenge(Phase.VOTING)
    idea = make.idea(challenge)
    resident = make.user()
    client = live_app.test_client()
    client.login(resident)
    on_postgres = live_app.extensions["inhabithon_db"].engine.dialect.name == "postgresql"
    statements.take()

    rendered = client.get(f"/ideas/{idea.id}")  # rendered for every resident, kept
    kept = client.get(f"/ideas/{idea.id}")  # the kept page, the reader's parts filled in
    assert (rendered.headers["X-Page-Cache"], kept.headers["X-Page-Cache"]) == ("miss", "hit")
    assert f'action="/ideas/{idea.id}/vote"' in kept.text
    reads = statements.take()
    assert reads  # the account and the parts, at least
    # PostgreSQL: no statement inside a transaction. SQLite: each in one, as before.
    assert reads == [not on_postgres] * len(reads)

    # The connection went back to the pool in transactions again: the vote is one.
    voted = client.post(f"/ideas/{idea.id}/vote")
    assert voted.status_code == 303
    writes = statements.take()
    assert writes
    assert all(writes)

    # A page that is not public keeps its transaction too.
    assert client.get("/notifications").status_code == 200
    own = statements.take()
    assert own
    assert all(own)

    # And what the vote wrote is there (the page live for its writer).
    after = client.get(f"/ideas/{idea.id}")
    assert after.headers.get("X-Page-Cache") is None
    assert "You have voted for this idea." in after.text
