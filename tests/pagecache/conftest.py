"""Fixtures of the page cache's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.scale.live import redis_keys


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """Redis keys of this test's own (the app servers' prefix), removed afterwards."""
    with redis_keys() as prefix:
        yield prefix
