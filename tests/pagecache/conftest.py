"""Fixtures of the page cache's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import bound_app
from tests.scale.live import REDIS_BASE, redis_keys


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """Redis keys of this test's own (the app servers' prefix), removed afterwards."""
    with redis_keys() as prefix:
        yield prefix


@pytest.fixture
def shared_apps(database_url: str, connection: sa.Connection, redis_prefix: str) -> list[Flask]:
    """Two app servers (two apps, each with its own memory) sharing one Redis."""
    return [
        bound_app(
            database_url,
            connection,
            PAGE_CACHE_SECONDS=60,
            REDIS_URL=REDIS_BASE,
            RATELIMIT_KEY_PREFIX=redis_prefix,
        )
        for _ in range(2)
    ]
