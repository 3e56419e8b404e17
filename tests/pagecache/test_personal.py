"""Filling a page's personal parts (inhabithon/pagecache/personal.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from inhabithon.pagecache.personal import Args, Pending, fill, personal_part

CALLS: list[tuple[str, list[Args]]] = []


@personal_part("test-echo")
def _echo(reader: object, parts: list[Args]) -> list[str]:
    CALLS.append(("test-echo", parts))
    return [f"<b>{word} for {reader}</b>" for (word,) in parts]


def _marker(pending: Pending, number: int) -> bytes:
    return b"<!--" + pending.mark + b":" + str(number).encode() + b"-->"


def test_each_marker_gets_its_part_and_the_filler_is_called_once_per_page(app: Flask):
    pending = Pending(parts=[("test-echo", ("one",)), ("test-echo", ("two",))])
    one, two = _marker(pending, 0), _marker(pending, 1)
    body = b"<p>" + one + b"</p><p>" + two + b"</p><p>" + one + b"</p>"
    CALLS.clear()
    with app.test_request_context():
        filled = fill(body, pending, "Rita")
    assert filled == (
        b"<p><b>one for Rita</b></p><p><b>two for Rita</b></p><p><b>one for Rita</b></p>"
    )
    assert CALLS == [("test-echo", [("one",), ("two",)])]


@pytest.mark.parametrize("broken", [b":7-->", b":x-->", b":0", b":-->"])
def test_a_broken_marker_is_refused_rather_than_left_in_the_page(app: Flask, broken: bytes):
    pending = Pending(parts=[("test-echo", ("one",))])
    body = b"<p>" + _marker(pending, 0) + b"</p><!--" + pending.mark + broken
    with app.test_request_context(), pytest.raises(ValueError, match="broken"):
        fill(body, pending, "Rita")


def test_a_page_without_markers_is_left_as_it_is(app: Flask):
    with app.test_request_context():
        assert fill(b"<p>plain</p>", Pending(parts=[]), "Rita") == b"<p>plain</p>"
