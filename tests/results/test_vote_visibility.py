"""Vote counts hidden until voting closes (``AFTER_VOTING``) or always shown."""

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase, VoteVisibility
from tests.results.helpers import EN


def _voted_idea(make, visibility, phase=Phase.VOTING):
    challenge = make.challenge(phase=Phase.VOTING, vote_visibility=visibility)
    old = make.idea(challenge, title="Older idea")
    new = make.idea(challenge, title="Newer idea")
    voter = make.user(locale="en")
    for _ in range(3):
        make.vote(make.user(), old)
    make.vote(voter, old)
    if phase is not Phase.VOTING:
        from tests.factories import phase_dates

        for name, value in phase_dates(phase).items():
            setattr(challenge, name, value)
        make.session.commit()
    return challenge, old, new, voter


def test_after_voting_hides_counts_and_vote_order_while_voting_is_open(client, make):
    challenge, old, _new, voter = _voted_idea(make, VoteVisibility.AFTER_VOTING)

    page = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    sorted_page = client.get(f"/challenges/{challenge.slug}?sort=votes", headers=EN).get_data(
        as_text=True
    )
    home = client.get("/", headers=EN).get_data(as_text=True)
    client.login(voter)
    idea_page = client.get(f"/ideas/{old.id}", headers=EN).get_data(as_text=True)

    assert "4 votes" not in page
    assert "0 votes" not in page
    assert "Most votes" not in page
    assert sorted_page.index("Newer idea") < sorted_page.index("Older idea")  # newest first
    assert "4 votes" not in home
    assert "0 votes" not in home
    assert 'class="vote-count"' not in idea_page
    assert "Vote counts are shown when voting closes." in idea_page
    assert "You have voted for this idea." in idea_page
    assert "2 of 3 votes left in this challenge" in idea_page


def test_always_shows_counts_and_sorts_by_votes(client, make):
    challenge, old, _new, _voter = _voted_idea(make, VoteVisibility.ALWAYS)

    page = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    home = client.get("/", headers=EN).get_data(as_text=True)
    idea_page = client.get(f"/ideas/{old.id}", headers=EN).get_data(as_text=True)

    assert "4 votes" in page
    assert "Most votes" in page
    assert page.index("Older idea") < page.index("Newer idea")
    assert "4 votes" in home
    assert '<span class="vote-count">4</span>' in idea_page


def test_after_voting_shows_counts_once_voting_has_closed(client, make):
    challenge, old, _new, _voter = _voted_idea(make, VoteVisibility.AFTER_VOTING, Phase.JURY)

    page = client.get(f"/challenges/{challenge.slug}", headers=EN).get_data(as_text=True)
    idea_page = client.get(f"/ideas/{old.id}", headers=EN).get_data(as_text=True)

    assert "4 votes" in page
    assert page.index("Older idea") < page.index("Newer idea")
    assert '<span class="vote-count">4</span>' in idea_page


@pytest.mark.parametrize("visibility", list(VoteVisibility))
def test_officials_choose_the_setting_on_the_challenge_form(client, make, db, visibility):
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    form = client.get(f"/manage/challenges/{challenge.slug}/edit", headers=EN).get_data(
        as_text=True
    )
    assert 'name="vote_visibility"' in form
    from inhabithon.challenges.forms import ChallengeForm

    with client.application.test_request_context():
        data = ChallengeForm.initial(challenge)
    fields = {
        k: (v.strftime("%Y-%m-%dT%H:%M") if hasattr(v, "strftime") else v)
        for k, v in data.items()
        if v is not None and v is not False
    }
    fields["is_published"] = "y"
    fields["vote_visibility"] = visibility.value

    response = client.post(f"/manage/challenges/{challenge.slug}/edit", data=fields, headers=EN)

    assert response.status_code == 303, response.get_data(as_text=True)
    db.refresh(challenge)
    assert challenge.vote_visibility is visibility
    changed = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "challenge.vote_visibility_changed")
    ).all()
    assert len(changed) == (visibility is not VoteVisibility.ALWAYS)


@pytest.mark.parametrize(
    ("visibility", "shown"), [(VoteVisibility.AFTER_VOTING, False), (VoteVisibility.ALWAYS, True)]
)
def test_authors_own_list_follows_the_setting(client, make, visibility, shown):
    _challenge, old, _new, _voter = _voted_idea(make, visibility)
    client.login(old.author)
    old.author.locale = "en"
    make.session.commit()

    html = client.get("/my/ideas", headers=EN).get_data(as_text=True)

    assert ("4 votes" in html) is shown
