"""The header's search box in a real browser with JavaScript turned off: it
is a plain form that lands on the results, which pass axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from inhabithon.challenges.models import Phase
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser


def test_the_header_search_box_works_without_javascript(browser, live_server, live_make):
    challenge = live_make.challenge(Phase.SUBMISSIONS, title="Grönare gårdar")
    live_make.idea(challenge, title="Odlingslådor på gården", language="sv")
    context = browser.new_context(base_url=live_server, locale="en-US", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/")
        box = page.get_by_role("search").get_by_label("Search challenges, ideas and projects")
        box.fill("odlingsl")
        box.press("Enter")
        page.wait_for_url("**/search?q=odlingsl")
        expect(page.get_by_role("heading", name="Ideas (1)")).to_be_visible()
        expect(page.locator(".search-hit mark")).to_have_text(["Odlingslådor"])
        page.get_by_role("link", name="Odlingslådor på gården").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Odlingslådor på gården")
        page.go_back()
        # The filters are a plain form too.
        page.get_by_label("Show").select_option("challenge")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("[role=status]")).to_have_text("0 results")
    finally:
        context.close()


def test_the_results_page_passes_axe(page, live_make):
    challenge = live_make.challenge(Phase.VOTING, title="Tystare kvarter")
    live_make.idea(challenge, title="Tysta zoner", summary="Tysta platser i parken.")
    page.goto("/search?q=tyst")
    expect(page.locator(".search-hit mark").first).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    # Too long a text: the error summary and the field's message, text kept.
    response = page.goto("/search?q=" + "x" * 201)
    assert response is not None
    assert response.status == 400
    expect(page.locator("#search-q-error")).to_have_text("Search for at most 200 characters.")
    expect(page.locator("#search-q")).to_have_value("x" * 201)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
