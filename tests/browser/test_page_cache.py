"""Cached pages in a real browser: two visitors get the same challenge page from
the page cache, each with a language switcher that works for them, and a
resident who logs in sees the live page at once; two residents get the same
kept idea page, each with their own vote box, and vote from it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, expect
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from inhabithon import create_app
from inhabithon.accounts.models import User
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.migrate import upgrade
from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import app_config, fresh_database_url
from tests.factories import PASSWORD, Factory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cached_server() -> Iterator[tuple[Flask, str]]:
    """A live server with the page cache on, as in production (but a minute long)."""
    url = fresh_database_url("browser_cache")
    upgrade(url)
    app = create_app(app_config(url, PAGE_CACHE_SECONDS=60))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["inhabithon_db"].engine.dispose()


def test_visitors_share_a_cached_page_and_each_can_switch_language(
    browser: Browser, cached_server: tuple[Flask, str]
) -> None:
    app, base_url = cached_server
    with Session(bind=app.extensions["inhabithon_db"].engine, expire_on_commit=False) as session:
        make = Factory(app, session)
        challenge = make.challenge(Phase.SUBMISSIONS, title="Tryggare torg")
        resident = make.user(name="Rut Resident")
        slug = challenge.slug
        contexts = [browser.new_context(base_url=base_url, locale="en-US") for _ in range(2)]
        try:
            answers = []
            for context in contexts:
                context.set_default_timeout(TIMEOUT_MS)
                tab = context.new_page()
                response = tab.goto(f"/challenges/{slug}")
                assert response is not None
                answers.append(response.headers.get("x-page-cache"))
                expect(tab.get_by_role("heading", level=1)).to_have_text("Tryggare torg")
            assert answers == ["miss", "hit"]

            # The second visitor's page came from the cache: its form still works.
            second = contexts[1].pages[0]
            second.get_by_role("button", name="Svenska").click()
            expect(second.locator("html")).to_have_attribute("lang", "sv")
            expect(second.get_by_role("heading", level=1)).to_have_text("Tryggare torg")

            # The title changes; a visitor may see the old page for PAGE_CACHE_SECONDS,
            # a resident who logs in sees the new one at once.
            session.get(Challenge, challenge.id).title = "Tryggare torg och gator"  # type: ignore[union-attr]
            session.commit()
            first = contexts[0].pages[0]
            first.reload()
            expect(first.get_by_role("heading", level=1)).to_have_text("Tryggare torg")
            first.goto(f"/login?next=/challenges/{slug}")
            first.get_by_label("E-mail address").fill(resident.email)
            first.get_by_label("Password").fill(PASSWORD)
            first.get_by_role("button", name="Log in").click()
            first.wait_for_url(f"**/challenges/{slug}")
            expect(first.get_by_role("heading", level=1)).to_have_text("Tryggare torg och gator")
        finally:
            for context in contexts:
                context.close()


def _signed_in(context: BrowserContext, app: Flask, base_url: str, user: User) -> None:
    """Log ``user`` in by their session cookie, not the login form: a login is a
    write, after which the resident sees live pages for a while."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    cookie = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    context.add_cookies([{"name": "session", "value": cookie, "url": base_url}])


def test_residents_share_a_kept_page_and_each_votes_from_it_with_their_own_box(
    browser: Browser, cached_server: tuple[Flask, str]
) -> None:
    app, base_url = cached_server
    with Session(bind=app.extensions["inhabithon_db"].engine, expire_on_commit=False) as session:
        make = Factory(app, session)
        idea = make.idea(make.challenge(Phase.VOTING), title="Ljus vid trappan")
        readers = [make.user(name="Rut Resident"), make.user(name="Rolf Resident")]
        url = f"/ideas/{idea.id}"
        contexts = [browser.new_context(base_url=base_url, locale="en-US") for _ in readers]
        try:
            tabs = []
            for context, reader in zip(contexts, readers, strict=True):
                context.set_default_timeout(TIMEOUT_MS)
                _signed_in(context, app, base_url, reader)
                tab = context.new_page()
                response = tab.goto(url)
                assert response is not None
                tabs.append((tab, response.headers.get("x-page-cache")))
            assert [cache for _tab, cache in tabs] == ["miss", "hit"]
            first, second = (tab for tab, _cache in tabs)

            # The second resident's page was the kept copy; the vote box is theirs and works.
            expect(second.get_by_role("button", name="Log out")).to_be_visible()
            second.get_by_role("button", name="Vote for this idea").click()
            expect(second.get_by_text("Your vote is counted.")).to_be_visible()
            expect(second.get_by_text("You have voted for this idea.")).to_be_visible()
            expect(second.get_by_role("button", name="Withdraw my vote")).to_be_visible()

            # The first resident's box is still their own, from the kept copy.
            response = first.reload()
            assert response is not None
            assert response.headers.get("x-page-cache") == "hit"
            expect(first.get_by_role("button", name="Vote for this idea")).to_be_visible()
            expect(first.get_by_text("You have voted for this idea.")).to_have_count(0)
        finally:
            for context in contexts:
                context.close()
