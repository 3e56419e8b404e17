"""Arabic is laid out right to left; the language switcher works without
JavaScript, is remembered (cookie for visitors, profile for residents) and
brings a visitor back to Swedish in one click."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.a11y_site import log_in
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser


def no_js_context(browser, live_server, **kw):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, **kw)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def test_the_switcher_works_without_javascript_and_mirrors_the_layout(browser, live_server):
    context = no_js_context(browser, live_server, locale="sv-SE")
    page = context.new_page()
    try:
        page.goto("/accessibility")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "sv")
        expect(html).to_have_attribute("dir", "ltr")
        brand_ltr = page.locator(".brand").bounding_box()

        page.get_by_role("button", name="العربية").click()

        expect(html).to_have_attribute("lang", "ar")
        expect(html).to_have_attribute("dir", "rtl")
        assert page.url.endswith("/accessibility")  # the same page, now in Arabic
        expect(page.get_by_role("button", name="العربية")).to_have_attribute("aria-current", "true")
        brand_rtl = page.locator(".brand").bounding_box()
        width = page.viewport_size["width"]
        assert brand_ltr["x"] < width / 2 < brand_rtl["x"]  # the header is mirrored
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

        page.goto("/")  # remembered on the next page
        expect(html).to_have_attribute("dir", "rtl")

        page.get_by_role("button", name="Svenska").click()  # one click back

        expect(html).to_have_attribute("lang", "sv")
        expect(html).to_have_attribute("dir", "ltr")
    finally:
        context.close()


def test_a_first_visit_follows_the_browsers_language(browser, live_server):
    context = no_js_context(browser, live_server, locale="ar")
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
    finally:
        context.close()


def test_a_residents_choice_is_kept_in_their_profile(browser, live_server, live_make):
    resident = live_make.user(name="Rania Resident", locale="sv")
    context = no_js_context(browser, live_server, locale="sv-SE")
    page = context.new_page()
    try:
        log_in(page, resident)
        page.get_by_role("button", name="العربية").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    finally:
        context.close()

    # Another browser, without the cookie: the profile speaks Arabic.
    context = no_js_context(browser, live_server, locale="en-US")
    page = context.new_page()
    try:
        log_in(page, resident)
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    finally:
        context.close()
