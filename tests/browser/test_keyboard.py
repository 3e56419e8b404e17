"""With the keyboard alone (Tab, Enter, Space and typing; no clicks): the skip
link comes first and moves focus to the content, every focused control shows
a visible focus, and a resident logs in, submits an idea and votes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from inhabithon.challenges.models import Phase
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {tag: el.tagName, text: (el.textContent || el.name || "").trim().slice(0, 40),
          visible: outline || style.boxShadow !== "none"};
}"""


def press_tab_until(page: Page, selector: str, limit: int = 80) -> None:
    """Tab forward until ``selector`` has focus; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused is not None:
            assert focused["visible"], f"no visible focus on {focused}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received focus by Tab")


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page):
    page.goto("/login")

    page.keyboard.press("Tab")

    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert page.evaluate(FOCUS_STYLE)["visible"]
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0  # shown on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is the form, not the header's links
    expect(page.locator("main input[name=email]")).to_be_focused()


def test_a_resident_logs_in_submits_an_idea_and_votes_with_the_keyboard_alone(page, live_make):
    open_for_ideas = live_make.challenge(Phase.SUBMISSIONS, title="Hur kan unga och äldre mötas?")
    voting = live_make.challenge(Phase.VOTING, title="Hur hittar fler rätt stöd?")
    other_idea = live_make.idea(voting, live_make.user(), title="En telefonlinje på tio språk")
    resident = live_make.user(name="Kim Keyboard", locale="en")

    # Log in.
    page.goto("/login")
    press_tab_until(page, "input[name=email]")
    page.keyboard.type(resident.email)
    press_tab_until(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Submit an idea: first without a title, then correctly.
    page.goto(f"/challenges/{open_for_ideas.slug}")
    press_tab_until(page, f"a[href='/challenges/{open_for_ideas.slug}/ideas/new']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your idea")
    press_tab_until(page, "main form button[type=submit]")
    page.keyboard.press("Space")
    expect(page.locator(".error-summary")).to_be_focused()  # announced, focus moved
    press_tab_until(page, ".error-summary a[href='#title']")
    page.keyboard.press("Enter")
    expect(page.locator("#title")).to_be_focused()
    page.keyboard.type("Läxhjälp av pensionärer")
    press_tab_until(page, "#summary")
    page.keyboard.type("Pensionärer hjälper barn med läxorna.")
    press_tab_until(page, "#body_md")
    page.keyboard.type("Varje tisdag på biblioteket.")
    press_tab_until(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ideas/\d+(#\w+)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Läxhjälp av pensionärer")

    # Vote for someone else's idea.
    page.goto(f"/ideas/{other_idea.id}")
    press_tab_until(page, f"form[action='/ideas/{other_idea.id}/vote'] button")
    page.keyboard.press("Enter")
    vote_box = page.get_by_role("region", name="Votes")
    expect(vote_box.locator(".vote-count")).to_have_text("1")
    expect(vote_box.get_by_role("button", name="Withdraw my vote")).to_be_visible()
