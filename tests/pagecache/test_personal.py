"""Filling a page's personal parts (inhabithon/pagecache/personal.py)."""

from __future__ import annotations

import pytest
from flask import Flask, template_rendered
from jinja2 import Template

from inhabithon.pagecache.personal import (
    Args,
    Pending,
    _rendered,
    fill,
    personal_part,
    render_part,
)

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


def test_a_kept_part_is_rendered_once_per_values_and_language(app: Flask):
    rendered: list[str] = []

    def count(sender: Flask, template: Template, context: dict[str, object]) -> None:
        rendered.append(str(template.name))

    _rendered.cache_clear()
    with template_rendered.connected_to(count, app):
        for language in ("sv", "sv", "ar", "sv"):
            for idea_id in (7, 8, 7):
                headers = {"Accept-Language": language}
                with app.test_request_context(headers=headers):
                    html = render_part("ideas/_flag.html", idea_id=idea_id)
                assert f"/ideas/{idea_id}/flag" in html
                assert ("Anmäl" in html) == (language == "sv")
    assert rendered == ["ideas/_flag.html"] * 4  # (sv, 7), (sv, 8), (ar, 7), (ar, 8)
