"""Writing and deleting comments; the idea page shows them."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inhabithon import permissions as perm
from inhabithon.comments import services
from inhabithon.comments.forms import CommentForm, reply_prefix
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.db import Question, ids_of
from inhabithon.errors import DomainError
from inhabithon.extensions import configured_limit, limiter, user_or_address
from inhabithon.ideas.models import AuthorDisplay
from inhabithon.ideas.page import load_idea_for_page, login_first, render_idea_page
from inhabithon.pagecache.personal import Args, answer, personal_part, render_part

bp = Blueprint("comments", __name__)


@bp.post("/ideas/<int:idea_id>/comments")
@limiter.shared_limit(configured_limit("POST_RATE_LIMIT"), scope="post", key_func=user_or_address)
def create(idea_id: int):  # noqa: ANN201
    idea = load_idea_for_page(idea_id)
    if not perm.is_signed_in(current_user):
        return login_first(idea, "comments")
    perm.require(perm.can_comment(current_user, idea))
    parent = None
    parent_raw = request.form.get("parent_id", "")
    if parent_raw:
        if not parent_raw.isdigit():
            abort(400)
        parent = perm.get_or_404(Comment, int(parent_raw))
        if parent.idea_id != idea.id:
            abort(404)
        form = CommentForm(prefix=reply_prefix(parent.id))
    else:
        form = CommentForm()
    status, message = 400, None
    if form.validate():
        try:
            if form.on_behalf.data:
                perm.require(perm.can_submit_on_behalf(current_user, idea.challenge))
                services.add_comment_on_behalf(
                    idea,
                    current_user,
                    form.body.data or "",
                    language=form.language.data or "sv",
                    parent=parent,
                )
            else:
                services.add_comment(
                    idea,
                    current_user,
                    form.body.data or "",
                    language=form.language.data or "sv",
                    display=AuthorDisplay(form.display.data or AuthorDisplay.NAME.value),
                    parent=parent,
                )
        except DomainError as exc:
            status = exc.status
            if exc.field == "body":
                form.body.errors = [*form.body.errors, exc.message]
            else:
                message = str(exc.message)
        else:
            flash(_("Your comment is published."), "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="comments"), 303)
    reply_to = None
    if parent is not None:
        reply_to = parent.parent_id or parent.id
    return render_idea_page(
        idea, comment_form=form, reply_to=reply_to, comment_error=message, status=status
    )


@bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):  # noqa: ANN201
    comment = perm.get_or_404(Comment, comment_id)
    idea = perm.load_idea(comment.idea_id)
    perm.require(perm.can_delete_comment(current_user, comment))
    services.delete_comment(comment, current_user)
    flash(_("The comment is deleted."), "info")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="comments"), 303)


# --- the personal part "comment-actions" (inhabithon/pagecache/personal.py) -------------

# Stands for a comment's id in the actions rendered once per page: digits (the
# route takes a number) that no real id or text of the template contains.
_ID_STAMP = 7_777_777_777_777_777


def _idea_ids(parts: list[Args]) -> set[int]:
    return {int(idea_id) for _comment_id, idea_id in parts}


def _own_comments_asked(reader: Any, parts: list[Args]) -> dict[Hashable, Question]:
    if not perm.is_signed_in(reader):
        return {}
    return {"own-comments": services.own_comments_question(reader, _idea_ids(parts))}


@personal_part("comment-actions", asks=_own_comments_asked)
def _comment_actions(reader: Any, parts: list[Args]) -> list[str]:
    """Under each published comment: delete (one's own; officials any) and report
    (anyone signed in but its author). Whether the reader may do either turns on
    whose comment it is (and on the reader's roles), so the permissions are asked
    once for a published comment of the reader's and once for someone else's, the
    buttons rendered once for each, and stamped with each comment's id: a hundred
    comments would otherwise be a hundred renders."""
    if not perm.is_signed_in(reader):
        return [""] * len(parts)
    ids = [int(comment_id) for comment_id, _idea_id in parts]
    own = ids_of(answer("own-comments"))
    buttons = {}
    for mine in (True, False):
        like = Comment(author_id=reader.id if mine else None, status=CommentStatus.PUBLISHED)
        can_delete = perm.can_delete_comment(reader, like)
        can_report = perm.can_flag_comment(reader, like) and not perm.can_moderate(reader)
        buttons[mine] = (
            render_part(
                "comments/_actions.html",
                comment_id=_ID_STAMP,
                can_delete=can_delete,
                can_report=can_report,
            )
            if can_delete or can_report
            else ""
        )
    # Each kind of buttons cut where the id goes, once: a hundred comments are a
    # hundred joins, not a hundred searches through the buttons.
    cut = {mine: html.split(str(_ID_STAMP)) for mine, html in buttons.items()}
    return [str(comment_id).join(cut[comment_id in own]) for comment_id in ids]
