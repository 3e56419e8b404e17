import pytest
from sqlalchemy import func, select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.ideas.models import AuthorDisplay
from tests.ideas.safety import ATTACKS, active_content


def _comments(db, idea):
    return db.scalars(select(Comment).where(Comment.idea_id == idea.id).order_by(Comment.id)).all()


def _visible(db, idea):
    return db.scalar(
        select(func.count()).where(
            Comment.idea_id == idea.id, Comment.status == CommentStatus.PUBLISHED
        )
    )


def _post(client, idea, body, **extra):
    return client.post(f"/ideas/{idea.id}/comments", data={"body": body, "language": "sv", **extra})


def test_resident_comments_and_is_sent_back_to_the_comments(client, make, db):
    idea = make.idea(make.challenge())
    client.login(make.user(name="Kerstin K"))
    response = _post(client, idea, "Good *idea*!", language="en")
    assert response.status_code == 303
    assert response.location.endswith(f"/ideas/{idea.id}#comments")
    [comment] = _comments(db, idea)
    assert comment.body_html == "<p>Good <em>idea</em>!</p>"
    assert comment.language == "en"
    db.refresh(idea)
    assert idea.comment_count == 1
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Kerstin K" in page
    assert "Good <em>idea</em>!" in page
    assert 'lang="en"' in page


def test_visitors_are_asked_to_log_in(client, make, db):
    idea = make.idea(make.challenge())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Log in to comment" in page
    response = _post(client, idea, "Hello")
    assert response.status_code == 302
    assert response.location.endswith(f"/login?next=/ideas/{idea.id}%23comments")
    assert _comments(db, idea) == []


def test_empty_or_oversized_comment_keeps_the_text(client, make, db):
    idea = make.idea(make.challenge())
    client.login(make.user())
    response = _post(client, idea, "   ")
    assert response.status_code == 400
    assert "Write a comment before sending it." in response.get_data(as_text=True)
    typed = "x" * 4_994 + "MARKER"  # 5,000 characters is the limit
    assert _post(client, idea, typed + "!").status_code == 400
    response = _post(client, idea, typed + "!")
    assert typed + "!" in response.get_data(as_text=True)
    assert _comments(db, idea) == []
    assert _post(client, idea, typed).status_code == 303


def test_reply_goes_under_its_comment_and_a_reply_to_a_reply_joins_the_same_thread(
    client, make, db
):
    idea = make.idea(make.challenge())
    top = make.comment(idea, make.user(), body_md="Top")
    client.login(make.user())
    response = _post(client, idea, "", parent_id=top.id, **{f"reply-{top.id}-body": "First reply"})
    assert response.status_code == 303
    reply = _comments(db, idea)[-1]
    assert reply.parent_id == top.id
    response = client.post(
        f"/ideas/{idea.id}/comments",
        data={
            "parent_id": reply.id,
            f"reply-{reply.id}-body": "Reply to reply",
            f"reply-{reply.id}-language": "sv",
        },
    )
    assert response.status_code == 303
    assert _comments(db, idea)[-1].parent_id == top.id
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert page.index("Top") < page.index("First reply") < page.index("Reply to reply")
    assert f'href="/ideas/{idea.id}?reply_to={top.id}#reply-{top.id}"' in page


def test_the_reply_link_opens_the_page_with_that_comments_reply_form_alone(client, make, db):
    idea = make.idea(make.challenge())
    tops = [make.comment(idea, make.user(), body_md=f"Top {n}") for n in range(3)]
    client.login(make.user())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert 'class="reply"' not in page  # no form under any comment: a link each
    assert page.count('class="reply-link"') == 3
    opened = client.get(f"/ideas/{idea.id}?reply_to={tops[1].id}").get_data(as_text=True)
    assert opened.count('class="reply"') == 1
    assert f'id="reply-{tops[1].id}"' in opened
    assert f'name="reply-{tops[1].id}-body"' in opened
    assert opened.count('class="reply-link"') == 2
    response = _post(
        client, idea, "", parent_id=tops[1].id, **{f"reply-{tops[1].id}-body": "My answer"}
    )
    assert response.status_code == 303
    assert _comments(db, idea)[-1].parent_id == tops[1].id


@pytest.mark.parametrize("value", ["abc", "999999", "-1", ""])
def test_a_reply_link_to_no_comment_of_the_idea_opens_no_form(client, make, value):
    idea = make.idea(make.challenge())
    make.comment(idea, make.user())
    client.login(make.user())
    response = client.get(f"/ideas/{idea.id}?reply_to={value}")
    assert response.status_code == 200
    assert 'class="reply"' not in response.get_data(as_text=True)


def test_visitors_and_residents_who_may_not_comment_get_no_reply_link(client, make):
    idea = make.idea(make.challenge())
    top = make.comment(idea, make.user())
    for path in (f"/ideas/{idea.id}", f"/ideas/{idea.id}?reply_to={top.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "reply-link" not in page
        assert 'class="reply"' not in page


def test_failed_reply_reopens_its_form_with_the_text(client, make, db):
    idea = make.idea(make.challenge())
    top = make.comment(idea, make.user())
    client.login(make.user())
    response = client.post(
        f"/ideas/{idea.id}/comments",
        data={"parent_id": top.id, f"reply-{top.id}-body": "y" * 5_001},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="reply-{top.id}"' in page  # the form, open under its comment
    assert "y" * 5_001 in page
    assert len(_comments(db, idea)) == 1


def test_reply_to_a_comment_of_another_idea_is_not_found(client, make):
    idea, other = make.idea(make.challenge()), make.idea(make.challenge())
    foreign = make.comment(other, make.user())
    client.login(make.user())
    response = client.post(
        f"/ideas/{idea.id}/comments",
        data={"parent_id": foreign.id, f"reply-{foreign.id}-body": "x"},
    )
    assert response.status_code == 404
    assert client.post(f"/ideas/{idea.id}/comments", data={"parent_id": "abc"}).status_code == 400


def test_comments_follow_the_phase(client, make, db):
    client.login(make.user())
    for phase, allowed in (
        (Phase.SUBMISSIONS, True),
        (Phase.VOTING, True),
        (Phase.JURY, True),
        (Phase.RESULTS, True),
        (Phase.ARCHIVED, False),
    ):
        idea = make.idea(make.challenge(phase=phase))
        response = _post(client, idea, "A thought")
        assert response.status_code == (303 if allowed else 409), phase
        if not allowed:
            assert "Comments are closed" in response.get_data(as_text=True)
            assert "A thought" in response.get_data(as_text=True)
        assert len(_comments(db, idea)) == int(allowed)


def test_comment_needs_the_csrf_token(client, make, db):
    idea = make.idea(make.challenge())
    client.login(make.user())
    assert (
        client.post(f"/ideas/{idea.id}/comments", data={"body": "x"}, csrf=False).status_code == 400
    )
    assert _comments(db, idea) == []


def test_unknown_idea_or_comment_is_not_found(client, make):
    client.login(make.user())
    assert client.post("/ideas/424242/comments", data={"body": "x"}).status_code == 404
    assert client.post("/comments/424242/delete").status_code == 404


def test_comment_on_a_hidden_idea_is_not_found(client, make, db):
    idea = make.idea(make.challenge(), status="hidden")
    client.login(make.user())
    assert _post(client, idea, "x").status_code == 404


def test_markdown_in_comments_never_becomes_active_content(client, make, db):
    idea = make.idea(make.challenge())
    client.login(make.user())
    _post(client, idea, ATTACKS)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert active_content(page) == []
    assert "&lt;script&gt;" in page
    [comment] = _comments(db, idea)
    for tag in ('<a href="javascript:', '<a href="data:', "<img", "<svg", "<script"):
        assert tag not in comment.body_html


def test_anonymous_comment_names_nobody_but_to_admins(client, make):
    idea = make.idea(make.challenge())
    writer = client.login(make.user(name="Hemlig Skribent", email="hemlig@example.org"))
    _post(client, idea, "Said quietly", display="anonymous")
    for viewer in (None, make.user(), writer):
        if viewer is None:
            client.logout()
        else:
            client.login(viewer)
        page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert "Said quietly" in page
        assert "Anonymous resident" in page
        assert "Hemlig Skribent" not in page
        assert "hemlig@example.org" not in page
    client.login(make.user(Role.ADMIN))
    assert "Hemlig Skribent" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_author_deletes_a_comment_without_replies(client, make, db):
    idea = make.idea(make.challenge())
    author = make.user()
    comment = make.comment(idea, author)
    client.login(author)
    response = client.post(f"/comments/{comment.id}/delete")
    assert response.status_code == 303
    assert response.location.endswith("#comments")
    assert _comments(db, idea) == []
    db.refresh(idea)
    assert idea.comment_count == 0


def test_deleted_comment_with_replies_stays_as_a_placeholder(client, make, db):
    idea = make.idea(make.challenge())
    author = make.user()
    top = make.comment(idea, author, body_md="Secret words")
    reply_author = make.user()
    reply = make.comment(idea, reply_author, parent=top, body_md="A reply")
    client.login(author)
    assert client.post(f"/comments/{top.id}/delete").status_code == 303
    db.refresh(top)
    assert top.status is CommentStatus.DELETED
    assert top.body_md == ""
    assert top.body_html == ""
    db.refresh(idea)
    assert idea.comment_count == 1 == _visible(db, idea)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "This comment was deleted." in page
    assert "Secret words" not in page
    assert "A reply" in page
    assert client.post(f"/comments/{top.id}/delete").status_code == 403  # already deleted
    # With its last reply gone the placeholder goes too.
    client.login(reply_author)
    assert client.post(f"/comments/{reply.id}/delete").status_code == 303
    assert _comments(db, idea) == []
    db.refresh(idea)
    assert idea.comment_count == 0


def test_only_the_author_or_an_official_deletes(client, make, db):
    idea = make.idea(make.challenge())
    comment = make.comment(idea, make.user())
    comment_id = comment.id
    client.login(make.user())
    assert client.post(f"/comments/{comment.id}/delete").status_code == 403
    assert client.post(f"/comments/{comment.id}/delete", csrf=False).status_code == 400
    assert len(_comments(db, idea)) == 1
    official = client.login(make.user(Role.OFFICIAL))
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/delete" in page
    assert client.post(f"/comments/{comment.id}/delete").status_code == 303
    assert _comments(db, idea) == []
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "comment.deleted"))
    assert entry.actor_id == official.id
    assert entry.object_id == str(comment_id)


def test_delete_button_only_for_permitted_users(client, make):
    idea = make.idea(make.challenge())
    author = make.user()
    comment = make.comment(idea, author)
    client.login(make.user())
    assert f"/comments/{comment.id}/delete" not in client.get(f"/ideas/{idea.id}").get_data(
        as_text=True
    )
    client.login(author)
    assert f"/comments/{comment.id}/delete" in client.get(f"/ideas/{idea.id}").get_data(
        as_text=True
    )


def test_comment_count_equals_visible_comments_after_many_changes(client, make, db):
    idea = make.idea(make.challenge())
    users = [make.user() for _ in range(3)]
    for user in users:
        client.login(user)
        _post(client, idea, f"From {user.display_name}")
    tops = _comments(db, idea)
    client.login(users[1])
    _post(client, idea, "", parent_id=tops[0].id, **{f"reply-{tops[0].id}-body": "reply"})
    client.login(users[0])
    client.post(f"/comments/{tops[0].id}/delete")
    client.login(users[2])
    client.post(f"/comments/{tops[2].id}/delete")
    db.refresh(idea)
    assert idea.comment_count == _visible(db, idea) == 2


def test_add_comment_service_keeps_replies_one_level(make, db):
    from inhabithon.comments.services import add_comment

    idea = make.idea(make.challenge())
    user = make.user()
    with make.context():
        top = add_comment(idea, user, "top")
        reply = add_comment(idea, user, "reply", parent=top)
        nested = add_comment(idea, user, "nested", parent=reply, anonymous=True)
    assert reply.parent_id == top.id
    assert nested.parent_id == top.id
    assert nested.author_display is AuthorDisplay.ANONYMOUS
    db.refresh(idea)
    assert idea.comment_count == 3
