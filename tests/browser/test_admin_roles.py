"""An admin gives a role by keyboard-friendly checkboxes; the pages pass axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from inhabithon.accounts.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_admin_makes_a_resident_a_guide_and_sees_it_in_the_audit_log(page, live_make):
    admin = live_make.user(Role.ADMIN, name="Alva Admin")
    live_make.user(name="Hodan Helper", email="hodan.helper@example.org")

    page.goto("/login")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Users and roles"
    ).click()

    page.get_by_role("searchbox", name="Search by name or e-mail").fill("HODAN")
    # The site-wide search box in the header has a Search button too.
    page.locator("main").get_by_role("button", name="Search").click()
    _assert_accessible(page)
    page.get_by_role("link", name="Hodan Helper").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Roles of Hodan Helper")
    page.get_by_role("checkbox", name="Guide").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_role("status")).to_contain_text("The roles of Hodan Helper were saved.")
    expect(page.get_by_role("checkbox", name="Guide")).to_be_checked()
    _assert_accessible(page)

    page.get_by_role("link", name="Audit log").click()
    row = page.get_by_role("row").filter(has_text="user.roles_changed").first
    expect(row).to_contain_text("Alva Admin")
    expect(row).to_contain_text("roles: guide")
    _assert_accessible(page)
