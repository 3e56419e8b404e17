"""Races against a real, committed database: an app on a fresh migrated
database, and many test clients that each POST at the same instant (one thread
per request, released together by a barrier).

Used by the tests that prove rules hold under concurrency (votes, voiding,
sign-ups, team seats). The test's own rolled-back transaction cannot show
that: every racing request must commit for real.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from inhabithon import create_app
from inhabithon.accounts.models import User
from inhabithon.migrate import upgrade
from tests.conftest import Client, app_config, fresh_database_url
from tests.factories import Factory

# Refused by a rule, or "try again": never a 500.
ALLOWED_FAILURES = frozenset({409, 503})


def committed_app(name: str, **settings: Any) -> Iterator[Flask]:
    """An app on a fresh, migrated database ``name`` (for a module-scoped fixture)."""
    url = fresh_database_url(name)
    upgrade(url)
    app = create_app(app_config(url, **settings))
    app.test_client_class = Client
    yield app
    app.extensions["inhabithon_db"].engine.dispose()


def committed_world(app: Flask) -> Iterator[tuple[Factory, Session]]:
    """Factories whose rows are committed for real, and the session they use."""
    session = app.extensions["inhabithon_db"].factory()
    try:
        yield Factory(app, session), session
    finally:
        session.close()


def race(app: Flask, posts: Sequence[tuple[User, str, dict[str, Any] | None]]) -> list[int]:
    """POST every ``(user, url, form)`` at the same instant; the status codes in order."""
    clients = []
    for user, _url, _form in posts:
        client = app.test_client()
        assert isinstance(client, Client)
        client.login(user)
        client.csrf_token()  # the token is in the session before the race
        clients.append(client)
    barrier = threading.Barrier(len(posts))

    def one(i: int) -> int:
        _user, url, form = posts[i]
        barrier.wait()
        return clients[i].post(url, data=form or {}).status_code

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(one, range(len(posts))))
