"""Ideas sent without an account: pre-moderated, followed with a tracking code
that is shown once, stored hashed, mailed only if asked, and rate limited."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select, text

from inhabithon import create_app
from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase, VoteVisibility
from inhabithon.ideas.models import Idea, IdeaStatus, IdeaTracking, Origin
from inhabithon.moderation.models import ModerationAction, ModerationKind
from inhabithon.outreach.services import normalize_code
from tests.conftest import Client, Mailbox, app_config

CODE = re.compile(r"data-tracking-code>([A-Z2-7]{4}(?:-[A-Z2-7]{1,4})+)<")


def _form(**overrides: str) -> dict[str, str]:
    values = {
        "title": "Lekplats vid torget",
        "summary": "Barnen behöver en plats att leka.",
        "body_md": "Gärna med *gungor*.",
        "language": "sv",
        "email": "",
    }
    values.update(overrides)
    return values


def _send(client, challenge, **overrides: str) -> tuple[Idea, str]:
    response = client.post(f"/challenges/{challenge.slug}/send-idea", data=_form(**overrides))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    match = CODE.search(response.get_data(as_text=True))
    assert match, "the code is shown on the result page"
    idea = client.test_session.scalar(
        select(Idea).where(Idea.challenge_id == challenge.id).order_by(Idea.id.desc()).limit(1)
    )
    return idea, match.group(1)


def test_the_challenge_page_links_visitors_to_the_form(client, make):
    challenge = make.challenge()
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Send an idea without an account" in page
    assert f"/challenges/{challenge.slug}/send-idea" in page
    form = client.get(f"/challenges/{challenge.slug}/send-idea")
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    assert 'name="csrf_token"' in form.get_data(as_text=True)


def test_the_idea_is_pending_without_author_and_invisible_until_approved(client, make, db):
    challenge = make.challenge()
    idea, code = _send(client, challenge)
    assert idea.origin is Origin.NO_ACCOUNT
    assert idea.status is IdeaStatus.PENDING
    assert idea.author_id is None
    assert idea.submitted_by_id is None
    assert len(normalize_code(code)) == 32  # 160 bits
    for viewer in (None, make.user(), make.user(Role.GUIDE)):
        if viewer is None:
            client.logout()
        else:
            client.login(viewer)
        assert client.get(f"/ideas/{idea.id}").status_code == 404
        assert "Lekplats vid torget" not in client.get(f"/challenges/{challenge.slug}").get_data(
            as_text=True
        )
    client.login(make.user(Role.OFFICIAL))
    assert client.get(f"/ideas/{idea.id}").status_code == 200
    # Approved (as the moderation queue does): public, shown without an author.
    idea.status = IdeaStatus.PUBLISHED
    db.commit()
    client.logout()
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "A resident without an account" in page


def test_only_the_hash_of_the_code_is_stored(client, make, db):
    idea, code = _send(client, challenge=make.challenge())
    tracking = db.scalar(select(IdeaTracking).where(IdeaTracking.idea_id == idea.id))
    expected = hashlib.sha256(normalize_code(code).encode()).hexdigest()
    assert tracking.code_hash == expected
    compact = normalize_code(code)
    for table in ("ideas", "idea_trackings", "outgoing_mails", "audit_entries"):
        dump = " ".join(str(row) for row in db.execute(text(f"SELECT * FROM {table}")))  # noqa: S608 - fixed table names
        assert code not in dump
        assert compact not in dump


def test_the_code_is_shown_once(client, make):
    challenge = make.challenge()
    _idea, code = _send(client, challenge)
    # Going back to the form shows an empty form, not the code.
    page = client.get(f"/challenges/{challenge.slug}/send-idea").get_data(as_text=True)
    assert code not in page


def test_the_code_opens_the_tracking_page(client, make, db):
    challenge = make.challenge()
    _idea, code = _send(client, challenge)
    response = client.get(f"/track/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Waiting for review" in page
    assert "Lekplats vid torget" in page
    # Typed loosely: lower case, spaces instead of dashes.
    loose = code.lower().replace("-", " ")
    assert client.post("/track", data={"code": loose}).status_code == 200


def test_the_tracking_page_follows_the_idea_to_its_project(client, make, db):
    from inhabithon.projects.models import Project, ProjectStatus

    challenge = make.challenge()
    idea, code = _send(client, challenge)
    idea.status = IdeaStatus.PUBLISHED
    make.comment(idea, make.user(name="Commenter Clara"), body_md="Bra förslag!")
    status = db.scalar(select(ProjectStatus).order_by(ProjectStatus.position).limit(1))
    assert status is not None, "the migrations seed the project statuses"
    db.add(Project(slug="lekplats", title="Lekplatsen byggs", idea_id=idea.id, status_id=status.id))
    db.commit()
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Published: everyone can read your idea." in page
    assert "Bra förslag!" in page
    assert "Commenter Clara" in page
    assert "Lekplatsen byggs" in page
    assert "/projects/lekplats" in page


@pytest.mark.parametrize(
    ("visibility", "shown"), [(VoteVisibility.ALWAYS, True), (VoteVisibility.AFTER_VOTING, False)]
)
def test_votes_show_only_when_the_challenge_shows_them(client, make, db, visibility, shown):
    challenge = make.challenge(Phase.SUBMISSIONS, vote_visibility=visibility)
    idea, code = _send(client, challenge)
    idea.status = IdeaStatus.PUBLISHED
    idea.vote_count = 7
    db.commit()
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert ("7 votes" in page) is shown
    assert ("Vote counts are shown when voting has closed." in page) is not shown


def test_a_rejected_idea_says_not_published_with_the_reason(client, make, db):
    idea, code = _send(client, make.challenge())
    idea.status = IdeaStatus.HIDDEN
    idea.moderation_reason = "Contains a phone number"
    db.add(
        ModerationAction(
            idea_id=idea.id, kind=ModerationKind.REJECT, reason="Contains a phone number"
        )
    )
    db.commit()
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Not published." in page
    assert "Reason: Contains a phone number" in page


def test_the_tracking_page_speaks_the_visitors_language(client, make):
    _idea, code = _send(client, make.challenge())
    page = client.get(f"/track/{code}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert 'lang="sv"' in page
    assert "Waiting for review" not in page


@pytest.mark.parametrize("code", ["AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", "short", "x" * 70])
def test_a_wrong_code_is_a_404_with_a_form_to_try_again(client, make, code):
    _send(client, make.challenge())
    response = client.get(f"/track/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We found no idea with this code." in page
    assert 'action="/track"' in page
    assert client.post("/track", data={"code": code}).status_code == 404


def test_the_track_form_asks_for_a_code(client):
    assert client.get("/track").status_code == 200
    response = client.post("/track", data={"code": ""})
    assert response.status_code == 400
    assert "Enter your tracking code." in response.get_data(as_text=True)


def test_the_code_is_mailed_only_when_asked_and_the_address_not_stored(
    client, make, db, mailbox: Mailbox
):
    challenge = make.challenge()
    _idea, code = _send(client, challenge, email="Resident.Without@Example.org")
    [message] = mailbox.wait(1)
    assert "Resident.Without@Example.org" in str(message["To"])
    body = Mailbox.body(message)
    assert code in body
    assert f"/track/{code}" in body
    for table in ("ideas", "idea_trackings", "outgoing_mails", "audit_entries"):
        dump = " ".join(str(row) for row in db.execute(text(f"SELECT * FROM {table}"))).lower()  # noqa: S608 - fixed table names
        assert "resident.without" not in dump
    mailbox.clear()
    _send(client, challenge, title="Without mail")
    assert mailbox.wait(1, timeout=0.5) == []


def test_a_bad_address_is_refused_and_everything_typed_kept(client, make, db):
    challenge = make.challenge()
    response = client.post(
        f"/challenges/{challenge.slug}/send-idea", data=_form(email="not-an-address")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a valid e-mail address, or leave the field empty." in page
    assert "Lekplats vid torget" in page
    assert "not-an-address" in page
    assert db.scalar(select(Idea).where(Idea.challenge_id == challenge.id)) is None


def test_no_ideas_without_an_account_outside_submissions(client, make, db):
    challenge = make.challenge(Phase.VOTING)
    assert client.get(f"/challenges/{challenge.slug}/send-idea").status_code == 409
    response = client.post(f"/challenges/{challenge.slug}/send-idea", data=_form())
    assert response.status_code == 409
    assert "Lekplats vid torget" in response.get_data(as_text=True)


def test_the_form_needs_a_csrf_token(client, make):
    challenge = make.challenge()
    response = client.post(f"/challenges/{challenge.slug}/send-idea", data=_form(), csrf=False)
    assert response.status_code == 400


def _limited_client(database_url, connection, **limits: str) -> Client:
    app = create_app(app_config(database_url, RATELIMIT_ENABLED=True, **limits))
    app.test_client_class = Client
    app.extensions["inhabithon_db"].bind_to(connection)
    client = app.test_client()
    assert isinstance(client, Client)
    return client


def test_tracking_is_rate_limited_against_guessing(database_url, connection):
    """Guesses by address and by form share one budget; the empty form does not count."""
    client = _limited_client(database_url, connection, TRACK_RATE_LIMIT="3 per minute")
    address = {"REMOTE_ADDR": "192.0.2.31"}
    statuses = [
        client.get("/track/AAAA-BBBB-CCCC-DDD2", environ_base=address).status_code,
        client.post(
            "/track", data={"code": "AAAA-BBBB-CCCC-DDD3"}, environ_base=address
        ).status_code,
        client.get("/track", environ_base=address).status_code,
        client.get("/track/AAAA-BBBB-CCCC-DDD4", environ_base=address).status_code,
        client.post(
            "/track", data={"code": "AAAA-BBBB-CCCC-DDD5"}, environ_base=address
        ).status_code,
        client.get("/track/AAAA-BBBB-CCCC-DDD6", environ_base=address).status_code,
    ]
    assert statuses == [404, 404, 200, 404, 429, 429]
    # Another address still has its own budget.
    assert (
        client.get(
            "/track/AAAA-BBBB-CCCC-DDD7", environ_base={"REMOTE_ADDR": "192.0.2.99"}
        ).status_code
        == 404
    )


def test_sending_without_an_account_is_rate_limited(database_url, connection, make):
    challenge = make.challenge()
    client = _limited_client(database_url, connection, POST_RATE_LIMIT="2 per minute")
    address = {"REMOTE_ADDR": "192.0.2.32"}
    statuses = [
        client.post(
            f"/challenges/{challenge.slug}/send-idea", data=_form(), environ_base=address
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_tracking_page_shows_the_awards_the_idea_won(client, make, db):
    from inhabithon.results.models import AwardKind
    from inhabithon.results.services import AwardChoice, publish_results
    from tests.factories import phase_dates

    challenge = make.challenge()
    idea, code = _send(client, challenge)
    idea.status = IdeaStatus.PUBLISHED
    for name, value in phase_dates(Phase.RESULTS).items():
        setattr(challenge, name, value)
    db.commit()
    with make.context():
        publish_results(
            make.user(Role.OFFICIAL), challenge, [AwardChoice(AwardKind.WINNER, idea.id, "Best.")]
        )
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Winner" in page
    assert "0 votes" in page  # counts show once voting has closed
