"""The idea page, loaded in a fixed number of queries whatever the number of
comments or team members.

``ideas.detail`` renders it; the comment and vote actions re-render it when
they fail, so that the message sits where the resident acted and nothing
they typed is lost.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload, selectinload
from werkzeug.wrappers import Response

from inhabithon.accounts.models import User
from inhabithon.challenges.models import Challenge
from inhabithon.comments.forms import CommentForm, reply_prefix
from inhabithon.comments.models import CommentStatus
from inhabithon.comments.services import thread_for
from inhabithon.db import Load, db
from inhabithon.ideas.models import Idea, IdeaMember
from inhabithon.pagecache.personal import answer, memo
from inhabithon.permissions import can_comment, can_view_idea
from inhabithon.projects.models import Project
from inhabithon.results.services import award_kinds_for_idea


def load_idea_for_page(idea_id: int) -> Idea:
    """The idea with everything its page shows, or 404 if the user may not see it."""
    idea = db.session.scalar(
        select(Idea)
        .options(
            # One row each: joined into the idea's query.
            joinedload(Idea.challenge).joinedload(Challenge.event),
            # Roles matter only for the current user, who is loaded apart.
            joinedload(Idea.author).lazyload(User.roles),
            selectinload(Idea.members).selectinload(IdeaMember.user).lazyload(User.roles),
        )
        .where(Idea.id == idea_id)
    )
    if idea is None or not can_view_idea(current_user, idea):
        abort(404)
    return idea


@cache
def _parts_options() -> tuple[Any, ...]:
    """Built once, on first use (a loader option needs every model mapped)."""
    challenge = joinedload(Idea.challenge)
    return (
        defer(Idea.body_md),
        defer(Idea.body_html),
        challenge.defer(Challenge.description_md),
        challenge.defer(Challenge.description_html),
        joinedload(Idea.members),
    )


def idea_to_load(idea_id: int) -> dict[Hashable, Load]:
    """What the ``asks`` of the parts about an idea give: the idea, loaded with
    the page's other questions (``idea_for_parts`` reads it)."""
    return {("idea", idea_id): Load(Idea, idea_id, _parts_options)}


def idea_for_parts(idea_id: int) -> Idea | None:
    """The idea that personal parts of its page are about (the owner's tools, the
    vote box, the team), without the long texts they never show: loaded with the
    page's questions when the parts' ``asks`` gave ``idea_to_load``, else once
    per request whichever parts ask."""
    return answer(
        ("idea", idea_id),
        lambda: memo(
            ("idea", idea_id), lambda: db.session.get(Idea, idea_id, options=_parts_options())
        ),
    )


def login_first(idea: Idea, anchor: str) -> Response:
    """Send a visitor to log in and back to the idea page (not to the POST-only
    address they sent the form to, which a browser cannot open after login)."""
    flash(_("Please log in to continue."), "info")
    back = url_for("ideas.detail", idea_id=idea.id, _anchor=anchor)
    return redirect(url_for("accounts.login", next=back))


def render_idea_page(
    idea: Idea,
    *,
    comment_form: CommentForm | None = None,
    reply_to: int | None = None,
    comment_error: str | None = None,
    vote_error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the idea page. ``comment_form`` is a failed submission to show
    again: the new-comment form, or (with ``reply_to``) the reply form under
    that top-level comment. Without it, ``reply_to`` opens the empty reply form
    under that comment (its "Reply" link), if the reader may reply to it."""
    thread = thread_for(idea)
    challenge = idea.challenge
    may_comment = can_comment(current_user, idea) and challenge.accepts_comments

    new_form = comment_form if comment_form is not None and reply_to is None else None
    if new_form is None:
        new_form = CommentForm(formdata=None)
    # Under each published top-level comment a "Reply" link, which opens the page
    # with that comment's reply form (``reply_to``): a form under each of a hundred
    # comments made the page 250 KB, mostly hidden language and display choices.
    reply_ids: set[int] = set()
    if may_comment:
        reply_ids = {
            comment.id for comment, _replies in thread if comment.status is CommentStatus.PUBLISHED
        }
    reply_forms: dict[int, Any] = {}
    if comment_form is not None and reply_to is not None:
        # Shown even if commenting has just closed, so the text is not lost.
        reply_forms[reply_to] = comment_form
    elif reply_to in reply_ids:
        reply_forms[reply_to] = CommentForm(formdata=None, prefix=reply_prefix(reply_to))

    # The project that follows this idea to realization, if any (one query).
    project = db.session.execute(
        select(Project.slug, Project.title, Project.language)
        .where(Project.idea_id == idea.id)
        .order_by(Project.id)
        .limit(1)
    ).first()

    return (
        render_template(
            "ideas/detail.html",
            idea=idea,
            challenge=challenge,
            thread=thread,
            may_comment=may_comment,
            show_comment_form=may_comment or (comment_form is not None and reply_to is None),
            comment_form=new_form,
            reply_forms=reply_forms,
            reply_ids=reply_ids,
            reply_to=reply_to,
            comment_error=comment_error,
            vote_error=vote_error,
            awards=award_kinds_for_idea(idea),
            project=project,
        ),
        status,
    )
