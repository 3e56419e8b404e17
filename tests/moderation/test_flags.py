"""Reporting ideas and comments: the reason, once per person, never one's own
content, and automatic hiding at the threshold until an official decides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.comments.models import CommentStatus
from inhabithon.ideas.models import IdeaStatus
from inhabithon.moderation.models import Flag, ModerationAction, ModerationKind


def _flag(client, path, category="offensive", details=""):
    return client.post(path, data={"category": category, "details": details})


def test_a_resident_reports_an_idea_with_a_reason(client, make, db):
    idea = make.idea()
    reporter = client.login(make.user())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/ideas/{idea.id}/flag" in page
    form = client.get(f"/ideas/{idea.id}/flag")
    assert form.status_code == 200
    assert "Why are you reporting this?" in form.get_data(as_text=True)
    response = _flag(client, f"/ideas/{idea.id}/flag", "spam", "Sells phones.")
    assert response.status_code == 303
    assert response.location.endswith(f"/ideas/{idea.id}")
    [flag] = db.scalars(select(Flag).where(Flag.idea_id == idea.id)).all()
    assert flag.reporter_id == reporter.id
    assert flag.reason == "spam: Sells phones."
    assert flag.resolved_at is None
    db.refresh(idea)
    assert idea.flag_count == 1
    assert idea.status is IdeaStatus.PUBLISHED
    followed = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Thank you. A moderator will look at it." in followed


def test_a_report_needs_a_reason_and_keeps_what_was_typed(client, make, db):
    idea = make.idea()
    client.login(make.user())
    response = client.post(f"/ideas/{idea.id}/flag", data={"details": "Rude words"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a reason." in page
    assert "Rude words" in page
    response = _flag(client, f"/ideas/{idea.id}/flag", "other", "")
    assert response.status_code == 400
    assert "Tell us what is wrong." in response.get_data(as_text=True)
    response = _flag(client, f"/ideas/{idea.id}/flag", "other", "x" * 401)
    assert response.status_code == 400
    assert "Write at most 400 characters." in response.get_data(as_text=True)
    assert db.scalars(select(Flag)).all() == []


def test_reporting_twice_counts_once_and_answers_politely(client, make, db):
    idea = make.idea()
    client.login(make.user())
    assert _flag(client, f"/ideas/{idea.id}/flag").status_code == 303
    again = _flag(client, f"/ideas/{idea.id}/flag", "spam")
    assert again.status_code == 303
    page = client.get(again.location).get_data(as_text=True)
    assert "You have already reported this." in page
    assert len(db.scalars(select(Flag).where(Flag.idea_id == idea.id)).all()) == 1
    db.refresh(idea)
    assert idea.flag_count == 1


def test_nobody_reports_their_own_content(client, make, db):
    author = make.user()
    idea = make.idea(author=author)
    comment = make.comment(idea, author)
    client.login(author)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "/flag" not in page
    assert _flag(client, f"/ideas/{idea.id}/flag").status_code == 403
    assert _flag(client, f"/comments/{comment.id}/flag").status_code == 403
    assert db.scalars(select(Flag)).all() == []


def test_visitors_are_sent_to_log_in_and_csrf_is_required(client, make, db):
    idea = make.idea()
    response = _flag(client, f"/ideas/{idea.id}/flag")
    assert response.status_code == 302
    assert "/login" in response.location
    client.login(make.user())
    response = client.post(f"/ideas/{idea.id}/flag", data={"category": "spam"}, csrf=False)
    assert response.status_code == 400
    assert db.scalars(select(Flag)).all() == []


def test_hidden_or_missing_content_cannot_be_reported(client, make):
    idea = make.idea(status=IdeaStatus.HIDDEN)
    client.login(make.user())
    assert _flag(client, f"/ideas/{idea.id}/flag").status_code == 404
    assert _flag(client, "/comments/999999/flag").status_code == 404


def test_three_reports_hide_an_idea_until_an_official_decides(client, make, db, mailbox):
    challenge = make.challenge()
    author = make.user(email="author@example.org")
    idea = make.idea(challenge, author, title="Loud idea")
    db.refresh(challenge)
    assert challenge.idea_count == 1
    for n in range(3):
        client.login(make.user())
        response = _flag(client, f"/ideas/{idea.id}/flag", "offensive", f"report {n}")
        assert response.status_code == 303
    # The last reporter can no longer see it: sent back to the challenge.
    assert response.location.endswith(f"/challenges/{challenge.slug}")
    db.refresh(idea)
    db.refresh(challenge)
    assert idea.status is IdeaStatus.HIDDEN
    assert idea.moderation_reason is None
    assert idea.flag_count == 3
    assert challenge.idea_count == 0
    [action] = db.scalars(select(ModerationAction)).all()
    assert action.kind is ModerationKind.AUTO_HIDE
    assert action.moderator_id is None
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.auto_hide"))
    client.logout()
    assert client.get(f"/ideas/{idea.id}").status_code == 404
    assert "Loud idea" not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    [mail] = mailbox.wait(1)
    assert mail["To"] == "author@example.org"
    assert "Several users reported your idea “Loud idea”." in mailbox.body(mail)

    # An official restores it: the flags close and the author is told.
    client.login(make.user(Role.OFFICIAL))
    queue = client.get("/moderation").get_data(as_text=True)
    assert "report 0" in queue
    assert "3 open reports" in queue
    response = client.post(
        f"/moderation/ideas/{idea.id}",
        data={"action": "restore", f"idea-{idea.id}-reason": "Nothing wrong with it."},
    )
    assert response.status_code == 303
    db.refresh(idea)
    db.refresh(challenge)
    assert idea.status is IdeaStatus.PUBLISHED
    assert idea.flag_count == 0
    assert challenge.idea_count == 1
    assert all(f.resolved_at is not None for f in db.scalars(select(Flag)).all())
    kinds = [a.kind for a in db.scalars(select(ModerationAction).order_by(ModerationAction.id))]
    assert kinds == [ModerationKind.AUTO_HIDE, ModerationKind.RESTORE]
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.restore"))
    mails = mailbox.wait(2)
    assert "is visible again" in mailbox.body(mails[1])
    client.logout()
    assert client.get(f"/ideas/{idea.id}").status_code == 200


def test_reports_on_a_comment_hide_it_as_a_placeholder_and_keep_its_replies(client, make, db, app):
    app.config["FLAG_HIDE_THRESHOLD"] = 2
    idea = make.idea()
    comment = make.comment(idea, body_md="Nasty words")
    make.comment(idea, parent=comment, body_md="A calm reply")
    for _ in range(2):
        client.login(make.user())
        page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert f"/comments/{comment.id}/flag" in page
        response = _flag(client, f"/comments/{comment.id}/flag")
        assert response.status_code == 303
        assert response.location.endswith(f"/ideas/{idea.id}#comment-{comment.id}")
    db.refresh(comment)
    db.refresh(idea)
    assert comment.status is CommentStatus.HIDDEN
    assert idea.comment_count == 1
    client.logout()
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Nasty words" not in page
    assert "Hidden after reports from several users until a moderator decides." in page
    assert "A calm reply" in page


@pytest.mark.parametrize("status", [CommentStatus.HIDDEN, CommentStatus.DELETED])
def test_a_comment_that_is_not_public_cannot_be_reported(client, make, status):
    comment = make.comment(make.idea(), status=status)
    client.login(make.user())
    assert _flag(client, f"/comments/{comment.id}/flag").status_code == 403


def test_the_error_summary_leads_to_the_reasons(client, make):
    idea = make.idea()
    client.login(make.user())
    page = client.post(f"/ideas/{idea.id}/flag", data={}).get_data(as_text=True)
    assert 'href="#category"' in page
    assert '<fieldset id="category"' in page
