"""The home page: current events, open challenges, latest ideas."""

import datetime as dt

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.ideas.models import IdeaStatus

EN = {"Accept-Language": "en"}


def section(html, heading_id):
    """The HTML of the home page's section labelled by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_home_lists_current_events_and_not_finished_ones(client, make):
    now = utcnow()
    current = make.event(name="Inhabithon now", ends_at=now + dt.timedelta(days=2))
    make.event(
        name="Inhabithon long ago",
        starts_at=now - dt.timedelta(days=400),
        ends_at=now - dt.timedelta(days=398),
    )

    events = section(client.get("/", headers=EN).get_data(as_text=True), "events-heading")

    assert "Inhabithon now" in events
    assert f'href="/events/{current.slug}"' in events
    assert "Inhabithon long ago" not in events


def test_home_shows_recent_events_when_none_is_current(client, make):
    now = utcnow()
    make.event(
        name="Inhabithon last year",
        starts_at=now - dt.timedelta(days=400),
        ends_at=now - dt.timedelta(days=398),
    )

    events = section(client.get("/", headers=EN).get_data(as_text=True), "events-heading")

    assert "Inhabithon last year" in events


def test_home_lists_challenges_open_for_ideas_or_votes_only(client, make):
    titles = {
        Phase.SUBMISSIONS: "Open for ideas challenge",
        Phase.VOTING: "Voting challenge",
        Phase.DRAFT: "Draft challenge",
        Phase.UPCOMING: "Upcoming challenge",
        Phase.JURY: "Jury challenge",
        Phase.RESULTS: "Results challenge",
        Phase.ARCHIVED: "Archived challenge",
    }
    challenges = {phase: make.challenge(phase, title=title) for phase, title in titles.items()}

    html = section(client.get("/", headers=EN).get_data(as_text=True), "challenges-heading")

    for phase in (Phase.SUBMISSIONS, Phase.VOTING):
        assert titles[phase] in html
        assert f'href="/challenges/{challenges[phase].slug}"' in html
    for phase in (Phase.DRAFT, Phase.UPCOMING, Phase.JURY, Phase.RESULTS, Phase.ARCHIVED):
        assert titles[phase] not in html
    assert "badge--submissions" in html
    assert "badge--voting" in html


def test_home_never_lists_drafts_even_to_officials(client, make):
    make.challenge(Phase.DRAFT, title="Draft challenge")
    client.login(make.user(Role.OFFICIAL))

    assert "Draft challenge" not in client.get("/").get_data(as_text=True)


def test_home_says_so_when_nothing_is_open(client, make):
    make.challenge(Phase.JURY)

    html = client.get("/", headers=EN).get_data(as_text=True)

    assert "No challenges are open right now." in html


def test_home_lists_the_latest_published_ideas_newest_first(client, make):
    challenge = make.challenge(Phase.VOTING, title="Trygga stråk")
    t0 = utcnow() - dt.timedelta(hours=10)
    make.idea(challenge, title="Older idea", created_at=t0)
    make.idea(challenge, title="Newer idea", created_at=t0 + dt.timedelta(hours=1))
    make.idea(challenge, title="Pending idea", status=IdeaStatus.PENDING)
    make.idea(challenge, title="Hidden idea", status=IdeaStatus.HIDDEN)
    draft = make.challenge(Phase.DRAFT)
    make.idea(draft, title="Idea in a draft")

    ideas = section(client.get("/", headers=EN).get_data(as_text=True), "ideas-heading")

    assert ideas.index("Newer idea") < ideas.index("Older idea")
    assert "Trygga stråk" in ideas
    for title in ("Pending idea", "Hidden idea", "Idea in a draft"):
        assert title not in ideas


def test_home_shows_at_most_six_latest_ideas(client, make):
    challenge = make.challenge(Phase.VOTING)
    t0 = utcnow() - dt.timedelta(hours=10)
    for i in range(8):
        make.idea(challenge, title=f"Idea number {i}", created_at=t0 + dt.timedelta(minutes=i))

    ideas = section(client.get("/").get_data(as_text=True), "ideas-heading")

    assert ideas.count('class="card idea-card"') == 6
    assert "Idea number 7" in ideas
    assert "Idea number 1" not in ideas


def test_home_never_names_anonymous_authors(client, make):
    challenge = make.challenge(Phase.VOTING)
    make.idea(challenge, make.user(name="Fatima Secret"), anonymous=True, title="Quiet idea")
    make.idea(challenge, make.user(name="Open Olsson"), title="Loud idea")

    for viewer in (None, make.user(), make.user(Role.OFFICIAL)):
        if viewer is not None:
            client.login(viewer)
        html = client.get("/", headers=EN).get_data(as_text=True)
        assert "Quiet idea" in html
        assert "Anonymous resident" in html
        assert "Fatima Secret" not in html
        assert "Open Olsson" in html


def test_home_without_anything_invites_the_first_idea(client):
    html = client.get("/", headers=EN).get_data(as_text=True)

    assert "No events yet." in html
    assert "No ideas yet. Be the first!" in html
