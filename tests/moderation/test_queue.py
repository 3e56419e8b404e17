"""The officials' queue: hiding and restoring with a public reason, dismissing
reports, approving and rejecting ideas held for review, and who may do it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.comments.models import CommentStatus
from inhabithon.ideas.models import IdeaStatus
from inhabithon.moderation.models import Flag, ModerationAction, ModerationKind


def _decide(client, kind, target, action, reason=""):
    return client.post(
        f"/moderation/{kind}s/{target.id}",
        data={"action": action, f"{kind}-{target.id}-reason": reason},
    )


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.GUIDE, Role.JURY])
def test_only_officials_see_the_queue_and_decide(client, make, db, role):
    idea = make.idea()
    comment = make.comment(idea)
    if role is not None:
        client.login(make.user(role))
    expected = 302 if role is None else 403
    assert client.get("/moderation").status_code == expected
    assert _decide(client, "idea", idea, "hide", "Spam").status_code == expected
    assert _decide(client, "comment", comment, "hide", "Spam").status_code == expected
    db.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED
    assert db.scalars(select(ModerationAction)).all() == []


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.ADMIN])
def test_officials_and_admins_open_the_queue(client, make, role):
    client.login(make.user(role))
    page = client.get("/moderation")
    assert page.status_code == 200
    assert "No open reports." in page.get_data(as_text=True)


def test_the_queue_groups_reports_per_target_and_names_the_reporters(client, make, db):
    idea = make.idea(title="Reported idea")
    comment = make.comment(idea, body_md="Reported comment")
    names = []
    for n in range(2):
        user = client.login(make.user(name=f"Reporter {n}"))
        names.append(user.display_name)
        client.post(f"/ideas/{idea.id}/flag", data={"category": "spam", "details": f"ad {n}"})
    client.post(f"/comments/{comment.id}/flag", data={"category": "personal"})
    client.login(make.user(Role.OFFICIAL))
    page = client.get("/moderation").get_data(as_text=True)
    assert page.count("2 open reports") == 1
    assert page.count("1 open report") == 1
    assert "Spam or advertising – ad 0" in page
    assert "Reveals personal information about someone" in page
    assert "Reporter 0" in page
    assert "Reporter 1" in page
    assert "Reported comment" in page


def test_hiding_needs_a_reason_and_keeps_the_form(client, make, db):
    idea = make.idea()
    client.post(f"/ideas/{idea.id}/flag")  # a visitor: nothing happens
    client.login(make.user(Role.OFFICIAL))
    response = _decide(client, "idea", idea, "hide", "   ")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give a reason." in page
    assert f'id="idea-{idea.id}-reason"' in page
    response = _decide(client, "idea", idea, "hide", "x" * 501)
    assert response.status_code == 400
    assert "x" * 501 in response.get_data(as_text=True)
    assert _decide(client, "idea", idea, "vanish", "Because").status_code == 400
    db.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED


def test_a_hidden_comment_shows_the_public_reason_and_enters_the_log(client, make, db, mailbox):
    author = make.user(name="Secret Author", email="writer@example.org")
    idea = make.idea(title="Safer stairs")
    comment = make.comment(idea, author, body_md="Insulting text")
    reporter = client.login(make.user(name="Reporter Rita"))
    client.post(f"/comments/{comment.id}/flag", data={"category": "offensive"})
    official = client.login(make.user(Role.OFFICIAL, name="Moderator Mona"))
    response = _decide(client, "comment", comment, "hide", "Personal attack")
    assert response.status_code == 303
    db.refresh(comment)
    db.refresh(idea)
    assert comment.status is CommentStatus.HIDDEN
    assert comment.moderation_reason == "Personal attack"
    assert comment.flag_count == 0
    assert idea.comment_count == 0
    assert db.scalar(select(Flag.resolved_at).where(Flag.comment_id == comment.id)) is not None
    [action] = db.scalars(select(ModerationAction)).all()
    assert (action.kind, action.moderator_id) == (ModerationKind.HIDE, official.id)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.hide"))
    assert entry.actor_id == official.id
    assert entry.after == {"status": "hidden", "reason": "Personal attack"}

    client.logout()
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Hidden by a moderator: Personal attack" in page
    assert "Insulting text" not in page
    assert "Secret Author" not in page

    log = client.get("/moderation/log")
    assert log.status_code == 200
    text = log.get_data(as_text=True)
    assert "a comment on" in text
    assert "Safer stairs" in text
    assert "Personal attack" in text
    assert "Hidden by a moderator" in text
    for secret in ("Reporter Rita", "Moderator Mona", "Secret Author", reporter.email):
        assert secret not in text

    [mail] = mailbox.wait(1)
    assert mail["To"] == "writer@example.org"
    body = mailbox.body(mail)
    assert "A moderator has hidden your comment on the idea “Safer stairs”." in body
    assert "Reason: Personal attack" in body
    assert "Moderator Mona" not in body
    assert "Reporter Rita" not in body


def test_the_author_is_told_in_their_own_language(client, make, db, mailbox):
    author = make.user(locale="sv", email="svensk@example.org")
    idea = make.idea(author=author, title="Bänkar")
    client.login(make.user(Role.OFFICIAL))
    assert _decide(client, "idea", idea, "hide", "Reklam").status_code == 303
    [mail] = mailbox.wait(1)
    assert mail["To"] == "svensk@example.org"
    assert "Hej" in mailbox.body(mail)
    assert "Reklam" in mailbox.body(mail)


def test_a_hidden_idea_is_gone_for_the_public_but_its_owner_sees_why(client, make, db):
    challenge = make.challenge()
    author = make.user()
    idea = make.idea(challenge, author, title="Hidden title")
    client.login(make.user(Role.OFFICIAL))
    assert _decide(client, "idea", idea, "hide", "Off topic").status_code == 303
    db.refresh(challenge)
    assert challenge.idea_count == 0
    client.logout()
    assert client.get(f"/ideas/{idea.id}").status_code == 404
    assert "Hidden title" not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    log = client.get("/moderation/log").get_data(as_text=True)
    assert "the idea" in log
    assert "Hidden title" in log
    assert "Off topic" in log
    client.login(author)
    page = client.get(f"/ideas/{idea.id}")
    assert page.status_code == 200
    assert "Reason: Off topic" in page.get_data(as_text=True)


def test_dismissing_keeps_the_content_and_closes_the_reports(client, make, db, mailbox):
    idea = make.idea()
    client.login(make.user())
    client.post(f"/ideas/{idea.id}/flag", data={"category": "spam"})
    client.login(make.user(Role.OFFICIAL))
    assert _decide(client, "idea", idea, "dismiss").status_code == 303
    db.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED
    assert idea.flag_count == 0
    assert "No open reports." in client.get("/moderation").get_data(as_text=True)
    # Nothing public to log, nothing to tell the author; the audit log keeps it.
    assert "No content has been hidden." in client.get("/moderation/log").get_data(as_text=True)
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.dismiss"))
    assert mailbox.wait(1, timeout=0.3) == []
    # Nothing left to dismiss: a clear 409 on the queue page.
    response = _decide(client, "idea", idea, "dismiss")
    assert response.status_code == 409
    assert "There are no open reports about this." in response.get_data(as_text=True)


def test_restoring_something_visible_is_refused(client, make):
    idea = make.idea()
    client.login(make.user(Role.OFFICIAL))
    response = _decide(client, "idea", idea, "restore", "Why not")
    assert response.status_code == 409
    assert "This is not hidden." in response.get_data(as_text=True)


def test_a_pending_idea_is_approved_into_public_view(client, make, db, mailbox):
    challenge = make.challenge()
    idea = make.idea(challenge, title="Sent without account", status=IdeaStatus.PENDING)
    challenge.idea_count = 0  # pending ideas are not counted
    db.commit()
    assert client.get(f"/ideas/{idea.id}").status_code == 404
    client.login(make.user(Role.OFFICIAL))
    page = client.get("/moderation").get_data(as_text=True)
    assert "Ideas waiting for review" in page
    assert "Sent without account" in page
    assert _decide(client, "idea", idea, "approve").status_code == 303
    db.refresh(idea)
    db.refresh(challenge)
    assert idea.status is IdeaStatus.PUBLISHED
    assert challenge.idea_count == 1
    [action] = db.scalars(select(ModerationAction)).all()
    assert action.kind is ModerationKind.APPROVE
    client.logout()
    assert client.get(f"/ideas/{idea.id}").status_code == 200
    assert "A moderator has published your idea" in mailbox.body(mailbox.wait(1)[0])


def test_a_pending_idea_is_rejected_with_a_reason_and_stays_out_of_view(client, make, db):
    challenge = make.challenge()
    idea = make.idea(challenge, title="Not this one", status=IdeaStatus.PENDING)
    client.login(make.user(Role.OFFICIAL))
    response = _decide(client, "idea", idea, "reject", "")
    assert response.status_code == 400
    assert "Give a reason." in response.get_data(as_text=True)
    assert _decide(client, "idea", idea, "reject", "Names a neighbour").status_code == 303
    db.refresh(idea)
    assert idea.status is IdeaStatus.HIDDEN
    assert idea.moderation_reason == "Names a neighbour"
    [action] = db.scalars(select(ModerationAction)).all()
    assert action.kind is ModerationKind.REJECT
    assert _decide(client, "idea", idea, "approve").status_code == 409
    client.logout()
    assert client.get(f"/ideas/{idea.id}").status_code == 404
    # Rejections of ideas that were never public stay out of the public log.
    assert "Not this one" not in client.get("/moderation/log").get_data(as_text=True)


def test_the_public_log_is_paginated_by_key_newest_first(client, make, db):
    from inhabithon.moderation import services

    idea = make.idea(title="Paged")
    db.add_all(
        ModerationAction(idea_id=idea.id, kind=ModerationKind.HIDE, reason=f"reason {n:03d}")
        for n in range(services.LOG_PER_PAGE + 5)
    )
    db.commit()
    first = client.get("/moderation/log").get_data(as_text=True)
    assert "reason 054" in first
    assert "reason 005" in first
    assert "reason 004" not in first
    assert first.index("reason 054") < first.index("reason 053")
    newest = db.scalars(select(ModerationAction.id).order_by(ModerationAction.id.desc())).all()
    assert f"/moderation/log?before={newest[services.LOG_PER_PAGE - 1]}" in first
    second = client.get(f"/moderation/log?before={newest[services.LOG_PER_PAGE - 1]}")
    text = second.get_data(as_text=True)
    assert "reason 004" in text
    assert "reason 000" in text
    assert "reason 005" not in text
    assert "Older entries" not in text


def test_officials_moderate_any_content_from_the_idea_page(client, make, db):
    idea = make.idea()
    comment = make.comment(idea, body_md="Unreported")
    client.login(make.user(Role.OFFICIAL))
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/moderation/ideas/{idea.id}" in page
    assert f"/moderation/comments/{comment.id}" in page
    form = client.get(f"/moderation/comments/{comment.id}")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert "Unreported" in text
    assert "No open reports." in text
    assert _decide(client, "comment", comment, "hide", "Off topic").status_code == 303
    db.refresh(comment)
    assert comment.status is CommentStatus.HIDDEN
    assert client.get("/moderation/comments/999999").status_code == 404


def test_reports_on_hidden_content_are_not_dismissed_but_decided(client, make, db, app):
    app.config["FLAG_HIDE_THRESHOLD"] = 1
    idea = make.idea()
    client.login(make.user())
    client.post(f"/ideas/{idea.id}/flag", data={"category": "spam"})
    db.refresh(idea)
    assert idea.status is IdeaStatus.HIDDEN
    client.login(make.user(Role.OFFICIAL))
    response = _decide(client, "idea", idea, "dismiss")
    assert response.status_code == 409
    assert "This is hidden: restore it, or keep it hidden with a reason." in response.get_data(
        as_text=True
    )
    assert _decide(client, "idea", idea, "hide", "Advertising").status_code == 303
    db.refresh(idea)
    assert idea.status is IdeaStatus.HIDDEN
    assert idea.moderation_reason == "Advertising"
    assert idea.flag_count == 0


def test_the_queue_and_the_log_load_in_a_fixed_number_of_queries(client, make, db, count_queries):
    official = make.user(Role.OFFICIAL)

    def add_reported_content() -> None:
        idea = make.idea()
        comment = make.comment(idea)
        reporter = make.user()
        db.add_all(
            [
                Flag(idea_id=idea.id, reporter_id=reporter.id, reason="spam"),
                Flag(comment_id=comment.id, reporter_id=reporter.id, reason="other: rude"),
                ModerationAction(idea_id=idea.id, kind=ModerationKind.HIDE, reason="r"),
                ModerationAction(comment_id=comment.id, kind=ModerationKind.HIDE, reason="r"),
            ]
        )
        make.idea(status=IdeaStatus.PENDING)
        make.idea(status=IdeaStatus.HIDDEN, moderation_reason="Gone")
        make.comment(make.idea(), status=CommentStatus.HIDDEN, moderation_reason="Gone")
        db.commit()

    def measure(path: str) -> int:
        client.login(official)
        count_queries.statements.clear()
        assert client.get(path).status_code == 200
        return count_queries.count

    add_reported_content()
    queue_small, log_small = measure("/moderation"), measure("/moderation/log")
    for _ in range(4):
        add_reported_content()
    assert measure("/moderation") == queue_small
    assert measure("/moderation/log") == log_small
