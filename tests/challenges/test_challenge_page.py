"""The public challenge page: what it shows, its timeline, drafts, the call to action."""

import datetime as dt
import re

import pytest

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import IdeaStatus

EN = {"Accept-Language": "en"}


def timeline_items(html):
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline is not None
    return re.findall(r"<li([^>]*)>(.*?)</li>", timeline[1], re.S)


def test_challenge_page_shows_title_category_event_phase_description_and_budget(client, make):
    event = make.event(name="H22 Inhabithon")
    challenge = make.challenge(
        Phase.VOTING,
        event=event,
        title="Trygga stråk",
        category="Trygghet",
        description_md="How can **everyone** walk home safely?",
        vote_budget=5,
    )

    response = client.get(f"/challenges/{challenge.slug}", headers=EN)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Trygga stråk</h1>" in html
    assert '<span class="tag">Trygghet</span>' in html
    assert f'href="/events/{event.slug}"' in html
    assert "H22 Inhabithon" in html
    assert '<span class="badge badge--voting">Voting open</span>' in html
    assert "<strong>everyone</strong>" in html
    assert "Each resident has 5 votes to give in this challenge" in html
    assert 'lang="sv"' in html


@pytest.mark.parametrize(
    ("phase", "current"),
    [
        (Phase.SUBMISSIONS, 0),
        (Phase.VOTING, 1),
        (Phase.JURY, 2),
        (Phase.RESULTS, 3),
        (Phase.ARCHIVED, 4),
    ],
)
def test_timeline_marks_the_current_phase_and_the_past_ones(client, make, phase, current):
    challenge = make.challenge(phase)

    items = timeline_items(
        client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    )

    assert len(items) == 5
    for index, (attrs, _text) in enumerate(items):
        assert ('aria-current="step"' in attrs) == (index == current)
        assert ('class="is-past"' in attrs) == (index < current)


def test_timeline_of_an_upcoming_challenge_has_no_current_phase(client, make):
    challenge = make.challenge(Phase.UPCOMING)

    items = timeline_items(
        client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    )

    assert all("aria-current" not in attrs and "is-past" not in attrs for attrs, _ in items)
    assert "badge--upcoming" in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def test_timeline_names_every_phase_with_its_formatted_date(client, make):
    challenge = make.challenge(
        submissions_open_at=dt.datetime(2022, 6, 10, 7, 0, tzinfo=dt.UTC),
        voting_open_at=dt.datetime(2022, 6, 11, 7, 0, tzinfo=dt.UTC),
        jury_review_at=dt.datetime(2022, 6, 12, 7, 0, tzinfo=dt.UTC),
        results_at=None,
        archived_at=None,
    )

    items = timeline_items(
        client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    )

    texts = [" ".join(text.split()) for _attrs, text in items]
    assert texts[0].startswith("Open for ideas")
    assert "Jun 10, 2022, 9:00 AM" in texts[0]
    assert texts[1].startswith("Voting open")
    assert "Jun 11, 2022, 9:00 AM" in texts[1]
    assert texts[2].startswith("Jury review")
    assert texts[3].startswith("Results published")
    assert "not scheduled yet" in texts[3]
    assert texts[4].startswith("Archived")
    assert "not scheduled yet" in texts[4]


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.GUIDE, Role.JURY])
def test_draft_challenges_do_not_exist_for_anyone_but_officials(client, make, role):
    challenge = make.challenge(Phase.DRAFT)
    if role is not None:
        client.login(make.user(role))

    assert client.get(f"/challenges/{challenge.slug}").status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.ADMIN])
def test_officials_see_draft_challenges_marked_draft_with_an_edit_link(client, make, role):
    challenge = make.challenge(Phase.DRAFT, title="Work in progress")
    client.login(make.user(role))

    response = client.get(f"/challenges/{challenge.slug}", headers=EN)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<span class="badge badge--draft">Draft</span>' in html
    assert f'href="/manage/challenges/{challenge.slug}/edit"' in html


def test_visitors_see_no_edit_link(client, make):
    challenge = make.challenge()

    assert "/manage/" not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def test_unknown_challenge_is_404(client):
    assert client.get("/challenges/nope").status_code == 404


def test_residents_are_invited_to_submit_while_submissions_are_open(client, make):
    challenge = make.challenge(Phase.SUBMISSIONS)
    client.login(make.user())

    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)

    assert (
        f'<a class="button" href="/challenges/{challenge.slug}/ideas/new">Submit an idea</a>'
        in html
    )


def test_visitors_are_invited_to_log_in_and_come_back_to_the_idea_form(client, make):
    challenge = make.challenge(Phase.SUBMISSIONS)

    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)

    assert f"/login?next=/challenges/{challenge.slug}/ideas/new" in html
    assert "Log in to submit an idea" in html


@pytest.mark.parametrize("phase", [Phase.UPCOMING, Phase.VOTING, Phase.JURY, Phase.RESULTS])
def test_no_call_to_submit_outside_the_submission_phase(client, make, phase):
    challenge = make.challenge(phase)
    client.login(make.user())

    html = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)

    assert "/ideas/new" not in html


def test_only_published_ideas_are_listed(client, make):
    challenge = make.challenge()
    make.idea(challenge, title="Visible idea")
    make.idea(challenge, title="Pending idea", status=IdeaStatus.PENDING)
    make.idea(challenge, title="Hidden idea", status=IdeaStatus.HIDDEN)

    html = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)

    assert "Visible idea" in html
    assert "Pending idea" not in html
    assert "Hidden idea" not in html


def test_anonymous_authors_are_never_named(client, make):
    challenge = make.challenge()
    author = make.user(name="Fatima Secret")
    make.idea(challenge, author, anonymous=True, title="Quiet idea")
    named = make.user(name="Open Olsson")
    make.idea(challenge, named, title="Loud idea")
    client.login(make.user(Role.OFFICIAL))

    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)

    assert "Quiet idea" in html
    assert "Anonymous resident" in html
    assert "Fatima Secret" not in html
    assert "Open Olsson" in html


def test_the_idea_total_comes_from_the_challenge_counter(client, make, db):
    challenge = make.challenge()
    make.idea(challenge)
    challenge.idea_count = 1234
    db.commit()

    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)

    assert '<span class="count">(1,234)</span>' in html


def test_a_challenge_without_ideas_says_so(client, make):
    challenge = make.challenge()

    html = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)

    assert "No ideas yet." in html
    assert 'class="pagination"' not in html
