"""Pages pass axe-core in a real browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

_axe = Axe()


def assert_no_violations(page):
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_home_page_has_no_accessibility_violations(page):
    page.goto("/")
    assert_no_violations(page)


def test_login_page_has_no_accessibility_violations(page):
    page.goto("/login")
    assert_no_violations(page)


def test_register_page_with_errors_has_no_accessibility_violations(page):
    page.goto("/register")
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("heading", name="Please correct the following").is_visible()
    assert_no_violations(page)
