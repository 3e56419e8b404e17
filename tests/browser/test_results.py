"""A juror scores in the browser, an official reviews and publishes, a visitor
sees the winner; the results pages pass axe-core."""

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


def _log_in(page, user):
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _score(page, slug, idea, level):
    page.goto(f"/jury/{slug}/ideas/{idea.id}")
    for criterion in ("Criterion 1", "Criterion 2"):
        page.get_by_role("group", name=criterion).get_by_label(level, exact=True).check()
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_role("status")).to_contain_text("were saved")


def test_juror_scores_official_publishes_and_a_visitor_sees_the_winner(page, live_make):
    challenge = live_make.challenge(Phase.JURY, title="Safer evenings")
    winner = live_make.idea(challenge, title="Evening walks with neighbours", anonymous=True)
    other = live_make.idea(challenge, title="More street lights")
    jury = live_make.jury_round(challenge)
    juror_user = live_make.user(Role.JURY, name="Jenny Juror", locale="en")
    juror = live_make.juror(jury, juror_user)
    for idea in (winner, other):
        live_make.assignment(juror, idea)
    second = live_make.juror(jury, live_make.user(Role.JURY, name="Sven Secondjuror"))
    live_make.sheet(second, winner, [3, 4])
    live_make.sheet(second, other, [1, 2])
    official = live_make.user(Role.OFFICIAL, name="Olle Official", locale="en")

    _log_in(page, juror_user)
    _score(page, challenge.slug, winner, "Level 4")
    _score(page, challenge.slug, other, "Level 1")

    _log_in(page, official)
    page.goto(f"/challenges/{challenge.slug}")
    page.get_by_role("link", name="Review results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review results")
    first = page.locator("table.ranking tbody tr").first
    expect(first).to_contain_text("Evening walks with neighbours")
    expect(first.locator("td").first).to_have_text("1")
    _assert_accessible(page)
    page.get_by_label("The jury's motivation for the winner").fill(
        "A **clear** concept that builds trust."
    )
    page.get_by_role("button", name="Publish the results").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results")
    expect(page.get_by_role("status")).to_contain_text("The results are published.")

    page.context.clear_cookies()
    page.goto(f"/challenges/{challenge.slug}")
    page.get_by_role("link", name="See the results and the winners").click()
    awards = page.get_by_role("region", name="Awards")
    winner_card = awards.get_by_role("listitem").filter(has_text="Winner")
    expect(winner_card).to_contain_text("Evening walks with neighbours")
    expect(winner_card).to_contain_text("Anonymous resident")
    expect(winner_card.locator("strong")).to_have_text("clear")
    expect(page.get_by_role("img", name="Public votes per idea")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Public votes per idea")).to_be_visible()
    content = page.content()
    assert "Jenny Juror" not in content
    assert "Secondjuror" not in content
    _assert_accessible(page)
