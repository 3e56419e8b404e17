"""Comments: writing them (with replies one level deep) and deleting them.

``Idea.comment_count`` is the number of visible (published) comments and is
kept in the same transaction as every change, with one atomic UPDATE.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import aliased, selectinload

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.db import Question, among, ask_together, db, ids_of, ids_where, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.ideas.models import AuthorDisplay, Idea, Origin
from inhabithon.ideas.pseudonyms import pseudonym_for
from inhabithon.markdown import render
from inhabithon.notifications import services as notifications

BODY_MAX = 5_000


def _count(idea: Idea, step: int) -> None:
    db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id)
        .values(comment_count=Idea.comment_count + step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(idea, ["comment_count"])


def add_comment(
    idea: Idea,
    author: User,
    body_md: str,
    *,
    language: str = "sv",
    anonymous: bool = False,
    display: AuthorDisplay | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Comment on ``idea``, or reply to one of its comments.

    Replies are one level deep: a reply to a reply is attached to the
    top-level comment it belongs to, so the conversation stays in one place.
    ``display`` is how the author appears (by name, under their pseudonym in
    the challenge, or anonymously); ``anonymous`` is the older shorthand.
    """
    if display is None:
        display = AuthorDisplay.ANONYMOUS if anonymous else AuthorDisplay.NAME
    pseudonym_id = None
    if display is AuthorDisplay.PSEUDONYM:
        pseudonym_id = pseudonym_for(author, idea.challenge).id
    return _add(
        idea,
        body_md,
        language=language,
        parent=parent,
        author_id=author.id,
        display=display,
        pseudonym_id=pseudonym_id,
    )


def add_comment_on_behalf(
    idea: Idea,
    guide: User,
    body_md: str,
    *,
    language: str = "sv",
    parent: Comment | None = None,
) -> Comment:
    """A comment a guide writes down for a resident without an account. It
    belongs to no account; the guide is recorded for officials only."""
    comment = _add(
        idea,
        body_md,
        language=language,
        parent=parent,
        author_id=None,
        display=AuthorDisplay.ANONYMOUS,
        pseudonym_id=None,
        origin=Origin.CONTACT_CENTER,
        submitted_by_id=guide.id,
    )
    record(guide, "comment.submitted_on_behalf", comment, after={"idea_id": idea.id})
    return comment


def _add(
    idea: Idea,
    body_md: str,
    *,
    language: str,
    parent: Comment | None,
    author_id: int | None,
    display: AuthorDisplay,
    pseudonym_id: int | None,
    origin: Origin = Origin.DIRECT,
    submitted_by_id: int | None = None,
) -> Comment:
    if not idea.challenge.accepts_comments:
        raise Conflict(_l("Comments are closed in this challenge."))
    body = (body_md or "").strip()
    if not body:
        raise InvalidInput(_l("Write a comment before sending it."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(
            _l("A comment can be at most %(n)d characters.", n=BODY_MAX), field="body"
        )
    if language not in CONTENT_LANGUAGES:
        raise InvalidInput(_l("Choose a language from the list."), field="language")
    parent_id = None
    if parent is not None:
        if parent.idea_id != idea.id:
            raise InvalidInput(_l("You can only reply to a comment on this idea."))
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
            assert parent is not None
        if parent.status is not CommentStatus.PUBLISHED:
            raise Conflict(_l("This comment can no longer receive replies."))
        parent_id = parent.id
    now = utcnow()
    comment = Comment(
        idea_id=idea.id,
        author_id=author_id,
        submitted_by_id=submitted_by_id,
        pseudonym_id=pseudonym_id,
        origin=origin,
        parent_id=parent_id,
        body_md=body,
        body_html=render(body),
        language=language,
        author_display=display,
        status=CommentStatus.PUBLISHED,
        created_at=now,
        updated_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    _count(idea, +1)
    notifications.comment_added(comment, None)
    return comment


def delete_comment(comment: Comment, actor: User) -> None:
    """Delete a comment (its author, or an official moderating).

    A comment with replies stays as a placeholder ("This comment was deleted"),
    its text gone, so the replies keep their context; otherwise the row goes,
    and a placeholder left without replies goes with it.
    """
    if comment.status is CommentStatus.DELETED:
        raise Conflict(_l("This comment has already been deleted."))
    idea = db.session.get(Idea, comment.idea_id)
    assert idea is not None
    was_visible = comment.status is CommentStatus.PUBLISHED
    if actor.id != comment.author_id:
        record(actor, "comment.deleted", comment, before={"status": comment.status.value})
    has_replies = db.session.scalar(select(exists().where(Comment.parent_id == comment.id)))
    if has_replies:
        comment.status = CommentStatus.DELETED
        comment.body_md = ""
        comment.body_html = ""
        comment.updated_at = utcnow()
        db.session.flush()
    else:
        parent_id = comment.parent_id
        db.session.delete(comment)
        db.session.flush()
        if parent_id is not None:
            # The placeholder only stood for its replies; with the last one gone, it goes too.
            reply = aliased(Comment)
            db.session.execute(
                delete(Comment)
                .where(
                    Comment.id == parent_id,
                    Comment.status == CommentStatus.DELETED,
                    ~exists().where(reply.parent_id == parent_id),
                )
                .execution_options(synchronize_session=False)
            )
    if was_visible:
        _count(idea, -1)


def _own_comments() -> sa.ColumnElement[str]:
    # By idea, not by the hundred comment ids a page shows: a statement that
    # long is parsed anew by the driver every time.
    mine = Comment.author_id == sa.bindparam("user_id")
    return ids_where(Comment.id, among(Comment.idea_id, "own_comments_on"), mine)


def own_comments_question(user: User, idea_ids: set[int]) -> Question:
    """The comments ``user`` wrote on these ideas (the idea page asks it with its
    other personal parts; ``ids_of`` reads the answer)."""
    return Question(_own_comments, {"user_id": user.id, "own_comments_on": sorted(idea_ids)})


def own_comment_ids(user: User, idea_ids: set[int]) -> set[int]:
    """The ``own_comments_question`` asked alone."""
    if not idea_ids:
        return set()
    return ids_of(ask_together({"own": own_comments_question(user, idea_ids)})["own"])


def thread_for(idea: Idea) -> list[tuple[Comment, list[Comment]]]:
    """The idea's conversation in one query: top-level comments oldest first,
    each with its replies oldest first. Hidden comments appear as placeholders
    with the moderator's public reason; deleted ones only as placeholders for
    their replies."""
    comments = db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author).lazyload(User.roles))
        .where(Comment.idea_id == idea.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    return [
        (c, replies.get(c.id, []))
        for c in comments
        if c.parent_id is None and (c.status is not CommentStatus.DELETED or c.id in replies)
    ]
