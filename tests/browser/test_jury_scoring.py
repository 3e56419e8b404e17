"""An official sets up a jury round and assigns it; a juror scores, declares a
conflict and compares pairs; every jury page passes axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.jury.models import JuryMode
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _log_in(page, user):
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_official_sets_up_the_round_and_a_juror_scores(page, live_make):
    challenge = live_make.challenge(Phase.JURY, title="Greener yards")
    for title in ("Pocket park", "Tool library", "Rain gardens"):
        live_make.idea(challenge, title=title)
    official = live_make.user(Role.OFFICIAL, name="Olga Official", locale="en")
    juror = live_make.user(Role.JURY, name="Jon Juror", email="jon.juror@example.org", locale="en")

    _log_in(page, official)
    page.goto(f"/manage/challenges/{challenge.slug}/jury")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jury round")
    page.get_by_role("button", name="Add the four suggested criteria").click()
    expect(page.get_by_role("status")).to_contain_text("The four suggested criteria were added.")
    expect(page.get_by_role("link", name="Edit Societal benefit")).to_be_visible()
    page.get_by_label("Juror's e-mail address").fill("jon.juror@example.org")
    page.get_by_role("button", name="Add juror").click()
    expect(page.get_by_role("status")).to_contain_text("Jon Juror is now a juror.")
    page.get_by_role("button", name="Compute assignment").click()
    expect(page.get_by_role("status")).to_contain_text("The assignment was computed.")
    _assert_accessible(page)

    _log_in(page, juror)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Jury").click()
    page.get_by_role("link", name="Greener yards").click()
    expect(page.get_by_text("0 of 3 scored")).to_be_visible()
    _assert_accessible(page)
    page.get_by_role("link", name="Pocket park").click()
    page.get_by_role("button", name="Save scores").click()  # nothing chosen: errors
    expect(page.get_by_role("alert")).to_contain_text("Choose a score for “Novelty”.")
    _assert_accessible(page)
    for criterion in ("Societal benefit", "Feasibility", "Novelty", "Resident involvement"):
        page.get_by_role("group", name=criterion).get_by_role("radio").nth(3).check()
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_text("1 of 3 scored")).to_be_visible()
    _assert_accessible(page)

    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Tool library"))
    row.get_by_text("Declare a conflict").click()
    row.get_by_role("textbox", name="Reason").fill("My sister runs it")
    row.get_by_role("button", name="Declare conflict").click()
    expect(page.get_by_role("status")).to_contain_text("no longer yours to judge")
    expect(page.get_by_role("link", name="Tool library")).to_have_count(0)
    expect(page.get_by_text("1 of 2 scored")).to_be_visible()


def test_a_juror_compares_pairs_and_undoes(page, live_make):
    challenge = live_make.challenge(Phase.JURY, title="Quieter streets")
    for title in ("Speed bumps", "Car-free Sundays", "School streets"):
        live_make.idea(challenge, title=title)
    jury = live_make.jury_round(challenge, criteria=0, mode=JuryMode.PAIRWISE)
    juror = live_make.juror(jury)

    _log_in(page, juror.user)
    page.goto(f"/jury/{challenge.slug}")
    page.get_by_role("link", name="Start comparing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which idea is better?")
    _assert_accessible(page)
    page.get_by_role("button", name="A is better").click()
    expect(page.get_by_text("You have made 1 comparison.")).to_be_visible()
    page.get_by_role("button", name="Undo last comparison").click()
    expect(page.get_by_text("You have made 0 comparisons.")).to_be_visible()
    _assert_accessible(page)
