"""Casting and withdrawing a vote from the idea page."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from inhabithon import permissions as perm
from inhabithon.db import db
from inhabithon.errors import DomainError, render_error
from inhabithon.ideas.models import Idea
from inhabithon.ideas.page import load_idea_for_page, login_first, render_idea_page
from inhabithon.votes import services

bp = Blueprint("votes", __name__)
log = logging.getLogger(__name__)


def _act(idea_id: int, action: Callable[[object, Idea], object], done: str):  # noqa: ANN202
    try:
        idea = load_idea_for_page(idea_id)
        if not perm.is_signed_in(current_user):
            return login_first(idea, "vote")
        try:
            action(current_user, idea)
        except DomainError as exc:
            return render_idea_page(idea, vote_error=str(exc.message), status=exc.status)
    except OperationalError:
        # The database was too busy (a lock wait ran out, or PostgreSQL broke a
        # deadlock): nothing was saved, and trying again will work.
        db.session.rollback()
        log.warning("vote request gave up on a busy database", exc_info=True)
        return render_error(503, _("Many people are voting right now. Please try again."))
    flash(done, "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="vote"), 303)


@bp.post("/ideas/<int:idea_id>/vote")
def cast(idea_id: int):  # noqa: ANN201
    return _act(idea_id, services.cast_vote, _("Your vote is counted."))  # type: ignore[arg-type]


@bp.post("/ideas/<int:idea_id>/vote/withdraw")
def withdraw(idea_id: int):  # noqa: ANN201
    return _act(idea_id, services.withdraw_vote, _("Your vote is withdrawn."))  # type: ignore[arg-type]
