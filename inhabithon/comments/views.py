"""Writing and deleting comments; the idea page shows them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inhabithon import permissions as perm
from inhabithon.comments import services
from inhabithon.comments.forms import CommentForm, reply_prefix
from inhabithon.comments.models import Comment
from inhabithon.errors import DomainError
from inhabithon.extensions import configured_limit, limiter, user_or_address
from inhabithon.ideas.models import AuthorDisplay
from inhabithon.ideas.page import load_idea_for_page, login_first, render_idea_page

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
