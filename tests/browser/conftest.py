"""A real server on a fresh, committed database and Debian's Chromium driven by
Playwright. Test data is written with a real session that commits, so the
server's threads see it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from inhabithon import create_app
from inhabithon.migrate import upgrade
from tests.conftest import app_config, fresh_database_url
from tests.factories import Factory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def live_app() -> Iterator[Flask]:
    url = fresh_database_url("browser")
    upgrade(url)
    app = create_app(app_config(url))
    yield app
    engine = app.extensions["inhabithon_db"].engine
    if engine is not None:
        engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The app served on a free port in a daemon thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_make(live_app: Flask) -> Iterator[Factory]:
    """Factories that commit for real into the live server's database."""
    engine = live_app.extensions["inhabithon_db"].engine
    with Session(bind=engine, expire_on_commit=False) as session:
        yield Factory(live_app, session)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) speaking English, at the live server."""
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
