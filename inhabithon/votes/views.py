"""Casting and withdrawing a vote from the idea page, and the officials'
vote-integrity view where votes can be voided."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from wtforms.fields.choices import SelectChoice

from inhabithon import permissions as perm
from inhabithon.challenges.models import Challenge
from inhabithon.challenges.views import load_challenge
from inhabithon.db import Load, Question, db
from inhabithon.errors import DomainError, render_error
from inhabithon.extensions import configured_limit, limiter, user_or_address
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.ideas.page import (
    idea_for_parts,
    idea_to_load,
    load_idea_for_page,
    login_first,
    render_idea_page,
)
from inhabithon.pagecache.personal import Args, answer, personal_part, render_part
from inhabithon.votes import integrity, services
from inhabithon.votes.forms import VoidForm

bp = Blueprint("votes", __name__)
log = logging.getLogger(__name__)


def _act(idea_id: int, action: Callable[[object, Idea], object], done: str):  # noqa: ANN202
    try:
        # Just the idea and its challenge: the whole page is loaded only to show a refusal.
        idea = perm.load_idea(idea_id)
        if not perm.is_signed_in(current_user):
            return login_first(idea, "vote")
        try:
            action(current_user, idea)
        except DomainError as exc:
            page = load_idea_for_page(idea_id)
            return render_idea_page(page, vote_error=str(exc.message), status=exc.status)
    except OperationalError:
        # The database was too busy (a lock wait ran out, or PostgreSQL broke a
        # deadlock): nothing was saved, and trying again will work.
        db.session.rollback()
        log.warning("vote request gave up on a busy database", exc_info=True)
        return render_error(503, _("Many people are voting right now. Please try again."))
    flash(done, "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="vote"), 303)


_vote_limit = configured_limit("VOTE_RATE_LIMIT")


def _cast(user: object, idea: Idea) -> object:
    return services.cast_vote(user, idea, remote_addr=request.remote_addr)  # type: ignore[arg-type]


@bp.post("/ideas/<int:idea_id>/vote")
@limiter.shared_limit(_vote_limit, scope="vote", key_func=user_or_address)
def cast(idea_id: int):  # noqa: ANN201
    return _act(idea_id, _cast, _("Your vote is counted."))


@bp.post("/ideas/<int:idea_id>/vote/withdraw")
@limiter.shared_limit(_vote_limit, scope="vote", key_func=user_or_address)
def withdraw(idea_id: int):  # noqa: ANN201
    return _act(idea_id, services.withdraw_vote, _("Your vote is withdrawn."))  # type: ignore[arg-type]


@bp.post("/challenges/<slug>/votes/hidden/withdraw")
@limiter.shared_limit(_vote_limit, scope="vote", key_func=user_or_address)
def withdraw_hidden(slug: str):  # noqa: ANN201
    """Take back the votes for ideas hidden since (their pages are gone for the voter)."""
    challenge = load_challenge(slug)
    back = url_for("challenges.detail", slug=challenge.slug, _anchor="vote-budget")
    if not perm.is_signed_in(current_user):
        flash(_("Please log in to continue."), "info")
        return redirect(url_for("accounts.login", next=back))
    try:
        given_back = services.withdraw_hidden_votes(current_user, challenge)
    except DomainError as exc:
        return render_error(exc.status, str(exc.message))
    flash(
        ngettext(
            "%(num)d vote is yours to give again.",
            "%(num)d votes are yours to give again.",
            given_back,
        ),
        "success",
    )
    return redirect(back, 303)


# --- vote integrity (officials) -------------------------------------------------------


def _challenge_for_integrity(slug: str) -> Challenge:
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None:
        abort(404)
    perm.require(perm.can_view_vote_integrity(current_user, challenge))
    return challenge


@bp.get("/challenges/<slug>/vote-integrity", endpoint="integrity")
def integrity_view(slug: str):  # noqa: ANN201
    challenge = _challenge_for_integrity(slug)
    return render_template(
        "votes/integrity.html",
        challenge=challenge,
        report=integrity.report(challenge),
        window_minutes=integrity.WINDOW_MINUTES,
        new_hours=integrity.NEW_ACCOUNT_HOURS,
        min_voters=integrity.NETWORK_MIN_VOTERS,
        percent=format_percent,
    )


@bp.route("/challenges/<slug>/vote-integrity/void", methods=["GET", "POST"], endpoint="void")
def void_view(slug: str):  # noqa: ANN201
    challenge = _challenge_for_integrity(slug)
    perm.require(perm.can_void_votes(current_user, challenge))
    kind, key = request.args.get("by", ""), request.args.get("key", "")
    if kind not in integrity.SELECTION_KINDS:
        abort(404)
    selection = integrity.Selection(kind, key)
    try:
        votes = integrity.selected_votes(challenge, selection)
    except DomainError:
        abort(404)
    form = VoidForm()
    form.votes.choices = [SelectChoice(v.vote_id, str(v.vote_id)) for v in votes]
    if request.method == "GET":
        # Suggest the votes from new accounts; the official decides.
        form.votes.data = [v.vote_id for v in votes if v.new_account]
    status, message = 200, None
    if form.validate_on_submit():
        try:
            n = integrity.void_votes(
                current_user, challenge, list(form.votes.data or []), form.reason.data or ""
            )
        except DomainError as exc:
            status, message = exc.status, str(exc.message)
        else:
            flash(ngettext("%(num)d vote was voided.", "%(num)d votes were voided.", n), "success")
            return redirect(url_for("votes.integrity", slug=challenge.slug), 303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "votes/void.html",
        challenge=challenge,
        selection=selection,
        votes=votes,
        form=form,
        message=message,
        checked=set(form.votes.data or []),
        max_listed=integrity.MAX_LISTED_VOTES,
        new_hours=integrity.NEW_ACCOUNT_HOURS,
    ), status


# --- personal parts (inhabithon/pagecache/personal.py) ----------------------------------


def _one(ids: set[int]) -> int | None:
    """The one id of a page's parts; None for several (asked one by one then)."""
    return next(iter(ids)) if len(ids) == 1 else None


def _standing_asked(reader: Any, parts: list[Args]) -> dict[Hashable, Question | Load]:
    asked: dict[Hashable, Question | Load] = {}
    for idea_id, _error in parts:
        asked.update(idea_to_load(int(idea_id)))
    idea_id = _one({int(idea_id) for idea_id, _error in parts})
    if perm.is_signed_in(reader) and idea_id is not None:
        questions = services.standing_questions(reader, idea_id)
        asked.update({("standing", idea_id, name): q for name, q in questions.items()})
    return asked


@personal_part("vote-box", asks=_standing_asked)
def _vote_box(reader: Any, parts: list[Args]) -> list[str]:
    """The idea page's vote box: the count, and what the reader can do (vote,
    withdraw, why not). Parts: (idea id, the error of a vote just refused)."""
    asked = _one({int(idea_id) for idea_id, _error in parts}) is not None
    boxes = []
    for idea_id, vote_error in parts:
        idea = idea_for_parts(int(idea_id))
        if idea is None:
            boxes.append("")
            continue
        challenge = idea.challenge
        budget = remaining = challenge.vote_budget
        voted, refusal = False, None
        signed_in = perm.is_signed_in(reader)
        if signed_in:
            answers = (
                {name: answer(("standing", idea.id, name)) for name in ("budget", "used", "voted")}
                if asked
                else None
            )
            budget, remaining, voted = services.voter_standing(reader, idea, answers)
            refusal = services.voter_refusal(reader, challenge)
        boxes.append(
            render_part(
                "votes/_vote_box.html",
                idea_id=idea.id,
                vote_count=idea.vote_count,
                votes_visible=challenge.votes_visible,
                accepts_votes=challenge.accepts_votes,
                phase=challenge.phase.value,
                voting_open_at=challenge.voting_open_at,
                jury_review_at=challenge.jury_review_at,
                vote_error=vote_error,
                signed_in=signed_in,
                verified=signed_in and reader.is_verified,
                may_vote=perm.can_vote(reader, idea),
                published=idea.status is IdeaStatus.PUBLISHED,
                voted=voted,
                vote_refusal=refusal,
                budget=budget,
                remaining=remaining,
            )
        )
    return boxes


def _hidden_asked(reader: Any, parts: list[Args]) -> dict[Hashable, Question]:
    challenge_id = _one({int(challenge_id) for challenge_id, _slug in parts})
    if not perm.is_signed_in(reader) or challenge_id is None:
        return {}
    return {("hidden-votes", challenge_id): services.hidden_votes_question(reader, challenge_id)}


@personal_part("hidden-votes", asks=_hidden_asked)
def _hidden_votes(reader: Any, parts: list[Args]) -> list[str]:
    """Votes the reader gave to ideas hidden since, on a challenge page while
    voting is open. Parts: (challenge id, slug)."""
    if not perm.is_signed_in(reader):
        return [""] * len(parts)
    notices = []
    for challenge_id, slug in parts:
        key = ("hidden-votes", int(challenge_id))
        count = answer(key, partial(services.hidden_vote_count, reader, int(challenge_id)))
        notices.append(
            render_part("votes/_hidden_votes.html", slug=slug, hidden_votes=count) if count else ""
        )
    return notices
