"""The production workers freeze what they keep for life out of the cyclic
garbage collector (inhabithon/gunicorn_conf.py): once built, and again when
warm. Full collections over that heap were the p99 of a cached page."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from inhabithon import gunicorn_conf


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    served = gunicorn_conf._served
    yield
    gc.unfreeze()
    gunicorn_conf._served = served


def test_a_worker_freezes_the_app_it_has_built(unfrozen):
    assert gc.get_freeze_count() == 0
    gunicorn_conf.post_worker_init(None)
    assert gc.get_freeze_count() > 1000


def test_a_worker_freezes_again_once_warm_and_then_no_more(unfrozen):
    gunicorn_conf._served = 0
    first = min(gunicorn_conf.FREEZE_AFTER_REQUESTS)
    for _ in range(first - 1):
        gunicorn_conf.post_request(None, None, {}, None)
    assert gc.get_freeze_count() == 0
    gunicorn_conf.post_request(None, None, {}, None)
    assert gc.get_freeze_count() > 1000
    gc.unfreeze()
    for _ in range(max(gunicorn_conf.FREEZE_AFTER_REQUESTS) - first):
        gunicorn_conf.post_request(None, None, {}, None)
    assert gc.get_freeze_count() > 1000  # the last freeze, when the caches are full
    gc.unfreeze()
    for _ in range(1000):
        gunicorn_conf.post_request(None, None, {}, None)
    assert gc.get_freeze_count() == 0


def test_gunicorn_accepts_the_hooks_with_their_signatures():
    from gunicorn.config import Config

    config = Config()
    for name in ("post_worker_init", "post_request"):
        config.set(name, getattr(gunicorn_conf, name))
    assert config.post_worker_init is gunicorn_conf.post_worker_init
    assert config.post_request is gunicorn_conf.post_request
