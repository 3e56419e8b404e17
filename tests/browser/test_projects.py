"""An official follows a winning idea to realization, in a real browser: the
project is created from the idea, gets an update and reaches Realiserad; the
project page and the list pass axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_official_creates_a_project_from_the_winning_idea_posts_an_update_and_realizes_it(
    page, live_make
):
    challenge = live_make.challenge(Phase.RESULTS, title="Hur når vi fler?", category="Trygghet")
    idea = live_make.idea(
        challenge,
        title="Kontaktcenter på många språk",
        summary="En brygga mellan staden och invånarna.",
        body_md="Vi vill **hjälpa** fler att ta kontakt.",
        language="sv",
    )
    official = live_make.user(Role.OFFICIAL, name="Olle Official", locale="en")

    page.goto("/login")
    page.get_by_label("E-mail address").fill(official.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/ideas/{idea.id}")
    page.get_by_role("link", name="Create a project from this idea").click()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Kontaktcenter på många språk")
    expect(page.get_by_label("Category")).to_have_value("Trygghet")
    page.get_by_label("Resident involvement").fill("Projektet görs med och för invånarna.")
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kontaktcenter på många språk")
    expect(page.get_by_role("link", name="Kontaktcenter på många språk")).to_have_attribute(
        "href", f"/ideas/{idea.id}"
    )
    _assert_accessible(page)

    page.get_by_role("link", name="Post an update").click()
    page.get_by_label("Title").fill("Första samtalen")
    page.get_by_label("Update").fill("Vi har haft **tio** samtal den första veckan.")
    page.get_by_role("button", name="Publish update").click()
    expect(page.get_by_role("status")).to_contain_text("The update is published.")
    expect(page.get_by_role("heading", name="Första samtalen")).to_be_visible()

    page.get_by_role("link", name="Change status").click()
    page.get_by_label("New status").select_option(label="Realized")
    page.get_by_label("Public comment").fill("Nu en del av den ordinarie verksamheten.")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_contain_text("The project is now “Realized”.")
    expect(page.locator(".project-progress").first).to_have_attribute("value", "100")
    expect(page.get_by_text("Nu en del av den ordinarie verksamheten.")).to_be_visible()
    _assert_accessible(page)

    page.goto("/projects")
    expect(page.get_by_role("link", name="Kontaktcenter på många språk")).to_be_visible()
    _assert_accessible(page)

    page.goto("/projects/statuses")
    _assert_accessible(page)


def test_the_project_list_and_forms_pass_axe_core_for_visitors_and_failed_forms(page, live_make):
    official = live_make.user(Role.OFFICIAL, locale="en")
    page.goto("/projects")
    _assert_accessible(page)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(official.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/projects/new")
    page.get_by_label("Estimated budget").fill("-1")
    page.get_by_role("button", name="Create project").click()
    page.get_by_role("alert").first.wait_for()
    expect(page.get_by_label("Estimated budget")).to_have_value("-1")
    _assert_accessible(page)
