"""Fixtures for the scale tests: a fresh, committed database per module (the
suite's rolled-back transaction cannot be seen by other processes), signed
sessions, and gunicorn servers stopped at the end whatever happens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from inhabithon.db import make_engine
from inhabithon.migrate import upgrade
from tests.conftest import fresh_database_url
from tests.factories import Factory
from tests.scale.live import Server, Sessions, redis_keys


@pytest.fixture(scope="module")
def live_url(request: pytest.FixtureRequest) -> str:
    name = "scale_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = fresh_database_url(name)
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def live_engine(live_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(live_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def sessions(live_url: str) -> Iterator[Sessions]:
    signer = Sessions(live_url)
    yield signer
    signer.dispose()


@pytest.fixture
def world(sessions: Sessions, live_engine: sa.Engine) -> Iterator[tuple[Factory, Session]]:
    """Factories writing committed rows into the live database."""
    session = Session(bind=live_engine, expire_on_commit=False)
    try:
        yield Factory(sessions.app, session), session
    finally:
        session.close()


@pytest.fixture(scope="module")
def redis_prefix() -> Iterator[str]:
    """A key prefix of this module's own in Redis db 5; its keys are deleted after."""
    with redis_keys() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def start_server(live_url: str) -> Iterator[Callable[..., Server]]:
    """Starts gunicorn servers on this module's database; all stopped at the end."""
    started: list[Server] = []

    def start(count: int = 1, **env: Any) -> Any:
        """``count`` servers started side by side: one Server, or a list of them."""
        servers = [Server(live_url, env={k: str(v) for k, v in env.items()}) for _ in range(count)]
        started.extend(servers)
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready()
        return servers[0] if count == 1 else servers

    yield start
    for server in started:
        server.signal_stop()  # all at once, then wait for each
    for server in started:
        server.stop()
