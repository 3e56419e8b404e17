"""``flask demo load``: the H22 story and a current event, loaded idempotently
through the services so that every counter equals its rows."""

import pytest
from sqlalchemy import func, select

from inhabithon.accounts import services as account_services
from inhabithon.accounts.models import Role, User
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.demo import DEMO_PASSWORD
from inhabithon.demo import content as demo_content
from inhabithon.demo.loader import totals
from inhabithon.events.models import Event
from inhabithon.ideas.models import Idea, IdeaStatus, MemberStatus, Origin
from inhabithon.votes.models import Ballot, Vote

_demo_hash: list[str] = []


@pytest.fixture(autouse=True)
def _hash_once(monkeypatch):
    # Argon2 is slow by design; every demo account gets the same password anyway.
    if not _demo_hash:
        _demo_hash.append(account_services.hash_password(DEMO_PASSWORD))
    monkeypatch.setattr(account_services, "hash_password", lambda _password: _demo_hash[0])


def load(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def row_counts(app):
    with app.app_context():
        return totals()


def test_loading_twice_changes_no_row_count(app):
    first_output = load(app)
    after_first = row_counts(app)
    second_output = load(app)

    assert row_counts(app) == after_first
    assert after_first["events"] == 2
    assert after_first["users"] == 21  # with the two further H22 jurors
    assert "Loaded Inhabithon H22." in first_output
    assert "Inhabithon H22 is already there" in second_output
    assert DEMO_PASSWORD in second_output


def test_every_counter_equals_its_rows(app, db):
    load(app)
    for challenge in db.scalars(select(Challenge)):
        published = db.scalar(
            select(func.count())
            .select_from(Idea)
            .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
        )
        assert challenge.idea_count == published, challenge.slug
    for idea in db.scalars(select(Idea)):
        votes = db.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id))
        comments = db.scalar(
            select(func.count())
            .select_from(Comment)
            .where(Comment.idea_id == idea.id, Comment.status == CommentStatus.PUBLISHED)
        )
        assert (idea.vote_count, idea.comment_count) == (votes, comments), idea.title
    for ballot in db.scalars(select(Ballot)):
        used = db.scalar(
            select(func.count())
            .select_from(Vote)
            .where(Vote.user_id == ballot.user_id, Vote.challenge_id == ballot.challenge_id)
        )
        assert ballot.used == used
        assert ballot.used <= ballot.budget


def test_h22_is_finished_and_its_trygghet_challenge_holds_the_winning_idea(app, db):
    load(app)
    h22 = db.scalars(select(Event).where(Event.name == "Inhabithon H22")).one()
    assert h22.place == "Prismahuset, Oceanhamnen, Helsingborg"
    assert h22.starts_at.year == 2022
    assert len(h22.challenges) == 3
    assert all(c.phase is Phase.RESULTS and c.results_at.year == 2022 for c in h22.challenges)

    trygghet = next(c for c in h22.challenges if c.category == "Trygghet")
    ideas = db.scalars(select(Idea).where(Idea.challenge_id == trygghet.id)).all()
    winner = max(ideas, key=lambda idea: idea.vote_count)
    assert winner.title == "Flerspråkigt kontaktcenter"
    assert "Stadsdelsmammorna" in winner.summary
    team = [m for m in winner.members if m.status is MemberStatus.ACCEPTED]
    assert 2 <= len(team) <= 3
    assert all(m.user.email.endswith("@example.org") for m in team)
    assert all(i.created_at < trygghet.voting_open_at for i in ideas)


def test_h22_has_anonymous_and_contact_center_ideas_replies_and_many_voters(app, db):
    load(app)
    h22_ideas = db.scalars(
        select(Idea).join(Challenge).join(Event).where(Event.slug == "inhabithon-h22")
    ).all()
    assert len(h22_ideas) >= 12
    assert any(i.is_anonymous for i in h22_ideas)
    via_center = [i for i in h22_ideas if i.origin is Origin.CONTACT_CENTER]
    assert len(via_center) == 1
    assert via_center[0].language == "ar"
    replies = select(func.count()).select_from(Comment).where(Comment.parent_id.is_not(None))
    assert db.scalar(replies) >= 1
    voters = db.scalar(
        select(func.count(func.distinct(Vote.user_id))).where(
            Vote.idea_id.in_([i.id for i in h22_ideas])
        )
    )
    assert voters >= 14


def test_current_event_has_a_challenge_open_for_ideas_and_one_open_for_votes(app, db):
    load(app)
    event = db.scalars(select(Event).where(Event.name == "Inhabithon Helsingborg 2027")).one()
    phases = {c.phase: c for c in event.challenges}
    assert set(phases) == {Phase.SUBMISSIONS, Phase.VOTING}
    voting = phases[Phase.VOTING]
    assert voting.idea_count >= 3
    assert voting.is_published
    assert phases[Phase.SUBMISSIONS].is_published


def test_demo_accounts_log_in_with_the_documented_password_and_hold_their_roles(app, db):
    load(app)
    with app.test_request_context():
        expected = {
            "admin@example.org": Role.ADMIN,
            "tjansteman@example.org": Role.OFFICIAL,
            "guide@example.org": Role.GUIDE,
            "jury@example.org": Role.JURY,
            "invanare15@example.org": Role.RESIDENT,
        }
        for email, role in expected.items():
            user = account_services.authenticate(email, DEMO_PASSWORD)
            assert user is not None, email
            assert user.has_role(role)
    residents = db.scalars(select(User).where(User.email.like("invanare%@example.org"))).all()
    assert len(residents) == 15


def test_demo_uses_fictional_people_not_the_real_names_in_the_seeds():
    text = repr([demo_content.USERS, demo_content.EVENTS])
    for real_name in ("Khawla", "Ibrahim", "Amanda", "Ricketts", "Richard Lundberg"):
        assert real_name not in text
    assert all(u.email.endswith("@example.org") for u in demo_content.USERS)


def test_home_page_shows_the_current_event_after_loading(app, client):
    load(app)
    html = client.get("/").get_data(as_text=True)
    assert "Inhabithon Helsingborg 2027" in html
    assert "Hur kan unga och äldre mötas mer i vardagen?" in html
