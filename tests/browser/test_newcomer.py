"""A newcomer's first visit, in a real browser: register, submit an idea,
vote for someone else's idea and comment on it."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from inhabithon.accounts.models import User
from inhabithon.challenges.models import Phase
from inhabithon.mail.models import OutgoingMail

pytestmark = pytest.mark.browser


def _challenges(live_make):
    """A challenge open for ideas, and one open for votes holding a resident's idea."""
    open_for_ideas = live_make.challenge(
        Phase.SUBMISSIONS, title="Hur kan unga och äldre mötas?", category="Gemenskap"
    )
    voting = live_make.challenge(Phase.VOTING, title="Hur hittar fler rätt stöd?")
    someone_else = live_make.user(name="Fatuma Ali")
    idea = live_make.idea(
        voting,
        someone_else,
        title="En telefonlinje på tio språk",
        summary="Ett nummer för alla frågor om stöd.",
        language="sv",
    )
    return open_for_ideas, voting, idea


def _register(page, email, live_make):
    page.goto("/register")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Display name").fill("Nina Newcomer")
    page.get_by_label("Password").fill("a long sentence I remember well")
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    # No mail server here: the message waits in the outbox; follow its link.
    body = live_make.session.scalar(
        select(OutgoingMail.body_text)
        .where(OutgoingMail.to_address == email)
        .order_by(OutgoingMail.id.desc())
    )
    live_make.session.commit()  # end the read, so SQLite lets the server write
    link = re.search(r"/account/verify/[\w-]+", body)
    assert link, body
    page.goto(link.group(0))
    expect(page.get_by_role("status")).to_contain_text("your e-mail address is confirmed")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("a long sentence I remember well")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged in.")


def test_newcomer_registers_submits_an_idea_votes_and_comments(page, live_make):
    open_for_ideas, _voting, other_idea = _challenges(live_make)
    _register(page, "nina.newcomer@example.org", live_make)

    # Submit an idea to the challenge that is open for ideas.
    page.goto(f"/challenges/{open_for_ideas.slug}")
    page.get_by_role("link", name="Submit an idea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your idea")
    page.get_by_label("Title", exact=True).fill("Läxhjälp av pensionärer")
    page.get_by_label("Summary", exact=True).fill("Pensionärer hjälper barn med läxorna.")
    page.get_by_label("Description", exact=True).fill("Varje **tisdag** på biblioteket.")
    page.get_by_label("Language of the idea").select_option("sv")
    page.get_by_role("button", name="Publish idea").click()

    expect(page).to_have_url(re.compile(r"/ideas/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Läxhjälp av pensionärer")
    expect(page.get_by_role("status")).to_contain_text("Your idea is published")
    expect(page.locator(".content strong")).to_have_text("tisdag")
    expect(page.locator(".idea__meta")).to_contain_text("Proposed by Nina Newcomer")

    # Vote for someone else's idea in the challenge that is open for votes.
    page.goto(f"/ideas/{other_idea.id}")
    vote_box = page.get_by_role("region", name="Votes")
    expect(vote_box.locator(".vote-count")).to_have_text("0")
    expect(vote_box).to_contain_text("3 of 3 votes left in this challenge")
    vote_box.get_by_role("button", name="Vote for this idea").click()

    vote_box = page.get_by_role("region", name="Votes")
    expect(vote_box.locator(".vote-count")).to_have_text("1")
    expect(vote_box).to_contain_text("2 of 3 votes left in this challenge")
    expect(vote_box).to_contain_text("You have voted for this idea.")

    # And comment on it.
    comments = page.get_by_role("region", name=re.compile("^Comments"))
    comments.get_by_label("Your comment").fill("Bra idé – kvällsöppet vore toppen!")
    comments.get_by_role("button", name="Send comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is published")
    comments = page.get_by_role("region", name=re.compile("^Comments"))
    expect(comments.get_by_text("Bra idé – kvällsöppet vore toppen!")).to_be_visible()
    expect(comments).to_contain_text("Nina Newcomer")
    expect(comments.get_by_role("heading", level=2)).to_contain_text("(1)")

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_newcomer_cannot_vote_for_their_own_idea(page, live_make):
    _open, voting, _idea = _challenges(live_make)
    _register(page, "own.idea@example.org", live_make)
    newcomer = live_make.session.scalars(
        select(User).where(User.email == "own.idea@example.org")
    ).one()
    own = live_make.idea(voting, newcomer, title="Min egen idé")
    page.goto(f"/ideas/{own.id}")
    vote_box = page.get_by_role("region", name="Votes")
    expect(vote_box).to_contain_text("You cannot vote for your own team's idea.")
    expect(vote_box.get_by_role("button", name="Vote for this idea")).to_have_count(0)
