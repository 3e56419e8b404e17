"""Officials create and edit challenges: phases, budget, publication, audit."""

import datetime as dt

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.timeutil import utc_to_local
from inhabithon.votes.models import Ballot

EN = {"Accept-Language": "en"}


@pytest.fixture
def official(client, make):
    return client.login(make.user(Role.OFFICIAL))


def challenge_form(**overrides):
    data = {
        "title": "Trygga stråk",
        "slug": "",
        "category": "Trygghet",
        "summary": "How can everyone walk home safely?",
        "description": "Some *background*.",
        "language": "sv",
        "vote_budget": "3",
        "submissions_open_at": "2025-06-10T09:00",
        "voting_open_at": "2025-06-20T09:00",
        "jury_review_at": "2025-06-30T09:00",
        "results_at": "",
        "archived_at": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def find(db, slug):
    return db.scalar(select(Challenge).where(Challenge.slug == slug))


def audit(db, action):
    return db.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def test_new_challenge_form_offers_the_configured_default_budget(client, app, make, official):
    app.config["DEFAULT_VOTE_BUDGET"] = 7
    event = make.event()

    html = client.get(f"/manage/events/{event.slug}/challenges/new").get_data(as_text=True)

    assert 'name="vote_budget"' in html
    assert 'value="7"' in html
    for name in (
        "submissions_open_at",
        "voting_open_at",
        "jury_review_at",
        "results_at",
        "archived_at",
    ):
        assert f'id="{name}" name="{name}"' in html
    assert 'name="is_published"' in html


def test_creating_a_challenge_without_publishing_makes_a_draft(client, db, make, official):
    event = make.event()

    response = client.post(f"/manage/events/{event.slug}/challenges/new", data=challenge_form())

    assert response.status_code == 303
    assert response.headers["Location"] == "/challenges/trygga-strak"
    challenge = find(db, "trygga-strak")
    assert challenge.event_id == event.id
    assert not challenge.is_published
    assert challenge.phase is Phase.DRAFT
    assert challenge.category == "Trygghet"
    assert challenge.description_html == "<p>Some <em>background</em>.</p>"
    assert challenge.vote_budget == 3
    assert challenge.submissions_open_at == dt.datetime(2025, 6, 10, 7, 0, tzinfo=dt.UTC)
    assert challenge.results_at is None
    [created] = audit(db, "challenge.created")
    assert created.actor_id == official.id
    assert created.object_id == str(challenge.id)
    assert created.after["is_published"] is False
    assert created.after["submissions_open_at"] == "2025-06-10T07:00:00+00:00"
    assert audit(db, "challenge.published") == []


def test_creating_a_published_challenge_records_its_publication(client, db, make, official):
    event = make.event()

    client.post(
        f"/manage/events/{event.slug}/challenges/new", data=challenge_form(is_published="y")
    )

    challenge = find(db, "trygga-strak")
    assert challenge.is_published
    assert len(audit(db, "challenge.created")) == 1
    assert [e.after for e in audit(db, "challenge.published")] == [{"is_published": True}]


def test_challenge_slugs_are_made_unique(client, db, make, official):
    make.challenge(slug="trygga-strak")
    event = make.event()

    client.post(f"/manage/events/{event.slug}/challenges/new", data=challenge_form())

    assert find(db, "trygga-strak-2").event_id == event.id


def test_a_typed_challenge_slug_that_is_taken_is_refused(client, db, make, official):
    make.challenge(slug="taken")
    event = make.event()

    response = client.post(
        f"/manage/events/{event.slug}/challenges/new", data=challenge_form(slug="taken")
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Another challenge already has this address." in html
    assert 'value="Trygga stråk"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"voting_open_at": "2025-06-10T09:00"},
            "voting_open_at",
            "Voting must open after submissions open.",
        ),
        (
            {"jury_review_at": "2025-06-15T09:00"},
            "jury_review_at",
            "Jury review must start after voting opens.",
        ),
        (
            {"results_at": "2025-06-30T08:59"},
            "results_at",
            "Results must be published after jury review starts.",
        ),
        (
            {"archived_at": "2025-06-29T09:00"},
            "archived_at",
            "The challenge can only be archived after jury review starts.",
        ),
        (
            {"results_at": "2025-07-10T09:00", "archived_at": "2025-07-05T09:00"},
            "archived_at",
            "The challenge can only be archived after the results are published.",
        ),
    ],
)
def test_phases_out_of_order_are_refused_on_the_offending_field_keeping_values(
    client, db, make, official, changes, field, message
):
    event = make.event()
    form = challenge_form(**changes)

    response = client.post(f"/manage/events/{event.slug}/challenges/new", data=form, headers=EN)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in html
    for name in ("submissions_open_at", "voting_open_at", "jury_review_at", *changes):
        assert f'value="{form[name]}"' in html
    assert 'value="Trygga stråk"' in html
    assert "How can everyone walk home safely?" in html
    assert find(db, "trygga-strak") is None


@pytest.mark.parametrize(
    ("budget", "status"), [("0", 400), ("101", 400), ("three", 400), ("", 400)]
)
def test_a_budget_outside_1_to_100_is_refused(client, make, official, budget, status):
    event = make.event()

    response = client.post(
        f"/manage/events/{event.slug}/challenges/new", data=challenge_form(vote_budget=budget)
    )

    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert 'id="vote_budget-error"' in html
    assert f'value="{budget}"' in html


def test_missing_required_fields_are_named(client, make, official):
    event = make.event()

    response = client.post(
        f"/manage/events/{event.slug}/challenges/new",
        data=challenge_form(title="", category="", jury_review_at=""),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("title", "category", "jury_review_at"):
        assert f'id="{field}-error"' in html
    assert 'class="error-summary"' in html


def test_creating_a_challenge_for_an_unknown_event_is_404(client, official):
    assert client.get("/manage/events/nope/challenges/new").status_code == 404


def test_edit_form_shows_stored_values_in_local_time(client, make, official):
    challenge = make.challenge(
        submissions_open_at=dt.datetime(2025, 1, 10, 8, 0, tzinfo=dt.UTC),
        voting_open_at=dt.datetime(2025, 6, 20, 7, 0, tzinfo=dt.UTC),
        jury_review_at=dt.datetime(2025, 6, 30, 7, 0, tzinfo=dt.UTC),
        vote_budget=4,
    )

    html = client.get(f"/manage/challenges/{challenge.slug}/edit").get_data(as_text=True)

    assert 'value="2025-01-10T09:00"' in html
    assert 'value="2025-06-20T09:00"' in html
    assert 'value="4"' in html
    assert "checked" in html


def test_changing_phase_dates_records_before_and_after(client, db, make, official):
    challenge = make.challenge(
        submissions_open_at=dt.datetime(2025, 6, 10, 7, 0, tzinfo=dt.UTC),
        voting_open_at=dt.datetime(2025, 6, 20, 7, 0, tzinfo=dt.UTC),
        jury_review_at=dt.datetime(2025, 6, 30, 7, 0, tzinfo=dt.UTC),
    )

    response = client.post(
        f"/manage/challenges/{challenge.slug}/edit",
        data=challenge_form(
            slug=challenge.slug, is_published="y", jury_review_at="2025-07-01T09:00"
        ),
    )

    assert response.status_code == 303
    db.refresh(challenge)
    assert challenge.jury_review_at == dt.datetime(2025, 7, 1, 7, 0, tzinfo=dt.UTC)
    [entry] = audit(db, "challenge.phases_changed")
    assert entry.actor_id == official.id
    assert entry.before["jury_review_at"] == "2025-06-30T07:00:00+00:00"
    assert entry.after["jury_review_at"] == "2025-07-01T07:00:00+00:00"
    assert entry.before["voting_open_at"] == entry.after["voting_open_at"]
    assert entry.after["results_at"] is None
    assert audit(db, "challenge.budget_changed") == []
    assert audit(db, "challenge.published") == []


def test_saving_a_challenge_unchanged_keeps_its_exact_dates_and_records_nothing(
    client, db, make, official
):
    challenge = make.challenge(Phase.VOTING)  # dates carry seconds and microseconds
    before = {name: getattr(challenge, name) for name in ("submissions_open_at", "voting_open_at")}
    data = challenge_form(
        title=challenge.title,
        slug=challenge.slug,
        summary=challenge.summary,
        description=challenge.description_md,
        is_published="y",
        submissions_open_at=utc_to_local(challenge.submissions_open_at).strftime("%Y-%m-%dT%H:%M"),
        voting_open_at=utc_to_local(challenge.voting_open_at).strftime("%Y-%m-%dT%H:%M"),
        jury_review_at=utc_to_local(challenge.jury_review_at).strftime("%Y-%m-%dT%H:%M"),
    )

    response = client.post(f"/manage/challenges/{challenge.slug}/edit", data=data)

    assert response.status_code == 303
    db.refresh(challenge)
    assert {name: getattr(challenge, name) for name in before} == before
    assert audit(db, "challenge.phases_changed") == []


def test_publishing_and_unpublishing_are_recorded(client, db, make, official):
    challenge = make.challenge(Phase.DRAFT)

    client.post(
        f"/manage/challenges/{challenge.slug}/edit",
        data=challenge_form(slug=challenge.slug, is_published="y"),
    )
    client.post(
        f"/manage/challenges/{challenge.slug}/edit", data=challenge_form(slug=challenge.slug)
    )

    assert [e.after for e in audit(db, "challenge.published")] == [{"is_published": True}]
    assert [e.after for e in audit(db, "challenge.unpublished")] == [{"is_published": False}]
    db.refresh(challenge)
    assert not challenge.is_published


def _ballots(db, challenge, make, used):
    ballots = []
    for n in used:
        ballot = Ballot(
            user_id=make.user().id, challenge_id=challenge.id, budget=challenge.vote_budget, used=n
        )
        db.add(ballot)
        ballots.append(ballot)
    db.commit()
    return ballots


def test_lowering_the_budget_below_a_residents_used_votes_is_refused(client, db, make, official):
    challenge = make.challenge(Phase.VOTING, vote_budget=5)
    _ballots(db, challenge, make, [1, 4])

    response = client.post(
        f"/manage/challenges/{challenge.slug}/edit",
        data=challenge_form(slug=challenge.slug, is_published="y", vote_budget="3", title="Kept"),
        headers=EN,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="vote_budget-error"' in html
    assert "A resident has already used 4 votes in this challenge" in html
    assert 'value="3"' in html
    assert 'value="Kept"' in html
    db.refresh(challenge)
    assert challenge.vote_budget == 5
    assert challenge.title != "Kept"
    assert audit(db, "challenge.budget_changed") == []


@pytest.mark.parametrize("new_budget", [4, 10])
def test_changing_the_budget_updates_every_ballot_and_is_recorded(
    client, db, make, official, new_budget
):
    challenge = make.challenge(Phase.VOTING, vote_budget=5)
    ballots = _ballots(db, challenge, make, [1, 4])
    other = make.challenge(Phase.VOTING, vote_budget=5)
    [untouched] = _ballots(db, other, make, [2])

    response = client.post(
        f"/manage/challenges/{challenge.slug}/edit",
        data=challenge_form(slug=challenge.slug, is_published="y", vote_budget=str(new_budget)),
    )

    assert response.status_code == 303
    db.refresh(challenge)
    assert challenge.vote_budget == new_budget
    for ballot in ballots:
        db.refresh(ballot)
        assert ballot.budget == new_budget
    db.refresh(untouched)
    assert untouched.budget == 5
    [entry] = audit(db, "challenge.budget_changed")
    assert entry.before == {"vote_budget": 5}
    assert entry.after == {"vote_budget": new_budget}


def test_an_edited_challenge_can_keep_or_change_its_slug(client, db, make, official):
    challenge = make.challenge(slug="old-slug")
    make.challenge(slug="taken")

    refused = client.post(
        "/manage/challenges/old-slug/edit", data=challenge_form(slug="taken", is_published="y")
    )
    accepted = client.post(
        "/manage/challenges/old-slug/edit", data=challenge_form(slug="new-slug", is_published="y")
    )

    assert refused.status_code == 409
    assert accepted.status_code == 303
    assert accepted.headers["Location"] == "/challenges/new-slug"
    db.refresh(challenge)
    assert challenge.slug == "new-slug"


def test_editing_an_unknown_challenge_is_404(client, official):
    assert client.get("/manage/challenges/nope/edit").status_code == 404
