"""The demo shows the outreach channel and pseudonyms: an Arabic idea a guide
brought in for a resident, and pseudonymous comments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inhabithon.accounts import services as account_services
from inhabithon.accounts.models import User
from inhabithon.comments.models import Comment
from inhabithon.demo import DEMO_PASSWORD
from inhabithon.ideas.models import AuthorDisplay, Idea, Origin


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    digest = account_services.hash_password(DEMO_PASSWORD)
    monkeypatch.setattr(account_services, "hash_password", lambda _password: digest)


def test_the_demo_has_a_guide_submitted_arabic_idea_and_pseudonymous_comments(app, client, db):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    guide = db.scalar(select(User).where(User.email == "guide@example.org"))
    [via_center] = db.scalars(select(Idea).where(Idea.origin == Origin.CONTACT_CENTER)).all()
    assert via_center.language == "ar"
    assert via_center.author_id is None
    assert via_center.submitted_by_id == guide.id
    page = client.get(f"/ideas/{via_center.id}").get_data(as_text=True)
    assert "A resident, via the contact center" in page
    assert guide.display_name not in page.split('id="comments"')[0]

    pseudonymous = db.scalars(
        select(Comment)
        .where(Comment.author_display == AuthorDisplay.PSEUDONYM)
        .order_by(Comment.id)
    ).all()
    assert len(pseudonymous) == 3
    names = {(c.pseudonym.challenge_id, c.pseudonym.name) for c in pseudonymous}
    assert len({name for _challenge, name in names}) == 2  # one per challenge
    assert len({challenge for challenge, _name in names}) == 2
    author = db.get(User, pseudonymous[0].author_id)
    page = client.get(f"/ideas/{pseudonymous[0].idea_id}").get_data(as_text=True)
    assert pseudonymous[0].pseudonym.name in page
    assert author.display_name not in page
