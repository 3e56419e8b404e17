"""A challenge's public page with its timeline and ideas, and the officials'
pages to create and edit challenges."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from inhabithon.challenges import services
from inhabithon.challenges.forms import ChallengeForm, ChallengeTranslationForm
from inhabithon.challenges.localized import LocalizedText, localized
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import DomainError, InvalidInput
from inhabithon.events.models import Event
from inhabithon.i18n import LANGUAGE_NAMES
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.pagecache import shared_page
from inhabithon.permissions import can_manage_events, can_view_challenge, require
from inhabithon.results.services import award_kinds_by_idea

bp = Blueprint("challenges", __name__)

SORTS = ("votes", "newest")
_CURSOR = re.compile(r"^(\d{1,18})\.(\d{1,18})$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
BAD_CURSOR = _l("This page link is broken. Go back to the first page of ideas.")


# --- the public page ---------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    phase: Phase
    starts_at: dt.datetime | None
    state: str  # "past", "current" or "future"


def timeline_steps(challenge: Challenge, now: dt.datetime) -> list[TimelineStep]:
    """The phases in order, marked past/current/future as of ``now``."""
    current = challenge.phase_at(now)
    phases = [phase for phase, _start in challenge.timeline()]
    current_index = phases.index(current) if current in phases else -1
    steps = []
    for index, (phase, starts_at) in enumerate(challenge.timeline()):
        if index == current_index:
            state = "current"
        elif index < current_index:
            state = "past"
        else:
            state = "future"
        steps.append(TimelineStep(phase, starts_at, state))
    return steps


def _key_columns(sort: str) -> tuple[Any, Any]:
    first = Idea.vote_count if sort == "votes" else Idea.created_at
    return first, Idea.id


def encode_cursor(sort: str, idea: Idea) -> str:
    if sort == "votes":
        return f"{idea.vote_count}.{idea.id}"
    return f"{(idea.created_at - _EPOCH) // _MICROSECOND}.{idea.id}"


def decode_cursor(sort: str, raw: str) -> tuple[Any, int]:
    """``<votes>.<id>`` or ``<microseconds since 1970>.<id>``; InvalidInput if malformed."""
    match = _CURSOR.fullmatch(raw)
    if match is None:
        raise InvalidInput(BAD_CURSOR)
    first, idea_id = int(match[1]), int(match[2])
    if sort == "votes":
        return first, idea_id
    try:
        return _EPOCH + first * _MICROSECOND, idea_id
    except OverflowError:
        raise InvalidInput(BAD_CURSOR) from None


@dataclass
class IdeaPage:
    ideas: list[Idea]
    next_cursor: str | None
    prev_cursor: str | None


def idea_page(challenge: Challenge, sort: str, after: str | None, before: str | None) -> IdeaPage:
    """One page of published ideas, paginated by key (never by offset).

    ``after`` continues after a card, ``before`` goes back before one; one extra
    row is read to know whether there is a further page.
    """
    if after is not None and before is not None:
        raise InvalidInput(BAD_CURSOR)
    per_page: int = current_app.config["IDEAS_PER_PAGE"]
    key = _key_columns(sort)
    query = (
        select(Idea)
        .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
        .options(selectinload(Idea.author), defer(Idea.body_md), defer(Idea.body_html))
        .limit(per_page + 1)
    )
    if before is not None:
        query = query.where(sa.tuple_(*key) > decode_cursor(sort, before))
        rows = list(db.session.scalars(query.order_by(*(c.asc() for c in key))))
        more_before = len(rows) > per_page
        ideas = list(reversed(rows[:per_page]))
        has_prev, has_next = more_before, True
    else:
        if after is not None:
            query = query.where(sa.tuple_(*key) < decode_cursor(sort, after))
        rows = list(db.session.scalars(query.order_by(*(c.desc() for c in key))))
        ideas = rows[:per_page]
        has_prev, has_next = after is not None, len(rows) > per_page
    if not ideas:
        return IdeaPage([], None, None)
    return IdeaPage(
        ideas,
        next_cursor=encode_cursor(sort, ideas[-1]) if has_next else None,
        prev_cursor=encode_cursor(sort, ideas[0]) if has_prev else None,
    )


def load_challenge(slug: str) -> Challenge:
    """A challenge the current user may see; drafts do not exist for others (404)."""
    challenge = db.session.scalar(
        select(Challenge).options(selectinload(Challenge.event)).where(Challenge.slug == slug)
    )
    if challenge is None or not can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


@bp.get("/challenges/<slug>")
@shared_page
def detail(slug: str):  # noqa: ANN201
    challenge = load_challenge(slug)
    sort = request.args.get("sort", "votes")
    if sort not in SORTS or not challenge.votes_visible:
        # Ordering by votes would reveal counts that are hidden while voting is open.
        sort = "votes" if challenge.votes_visible else "newest"
    page = idea_page(challenge, sort, request.args.get("after"), request.args.get("before"))
    awards = award_kinds_by_idea(challenge)
    return render_template(
        "challenges/detail.html",
        challenge=challenge,
        event=challenge.event,
        steps=timeline_steps(challenge, utcnow()),
        sort=sort,
        page=page,
        awards=awards,
        results_published=bool(awards),
    )


# --- officials ----------------------------------------------------------------


def _save(form: ChallengeForm, event: Event, challenge: Challenge | None):  # noqa: ANN202
    """Validate and save; on failure re-render the form with what was typed."""
    status = 400
    if form.validate_on_submit():
        try:
            if challenge is None:
                challenge = services.create_challenge(current_user, event, form.to_data())
                flash(_("The challenge “%(title)s” was created.", title=challenge.title), "success")
            else:
                services.update_challenge(current_user, challenge, form.to_data(challenge))
                flash(_("The challenge was saved."), "success")
        except DomainError as exc:
            getattr(form, exc.field or "title").errors.append(exc.message)
            status = exc.status
        else:
            return redirect(url_for("challenges.detail", slug=challenge.slug), 303)
    elif not form.is_submitted():
        status = 200
    return render_template(
        "challenges/form.html", form=form, event=event, challenge=challenge
    ), status


@bp.route("/manage/events/<slug>/challenges/new", methods=["GET", "POST"])
def new(slug: str):  # noqa: ANN201
    require(can_manage_events(current_user))
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    form = ChallengeForm(data={"vote_budget": current_app.config["DEFAULT_VOTE_BUDGET"]})
    return _save(form, event, None)


@bp.route("/manage/challenges/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):  # noqa: ANN201
    require(can_manage_events(current_user))
    challenge = db.session.scalar(
        select(Challenge).options(selectinload(Challenge.event)).where(Challenge.slug == slug)
    )
    if challenge is None:
        abort(404)
    form = ChallengeForm(data=ChallengeForm.initial(challenge))
    return _save(form, challenge.event, challenge)


# --- translations of a challenge's texts ----------------------------------------


def _manageable_challenge(slug: str) -> Challenge:
    require(can_manage_events(current_user))
    challenge = db.session.scalar(
        select(Challenge)
        .options(selectinload(Challenge.event), selectinload(Challenge.translations))
        .where(Challenge.slug == slug)
    )
    if challenge is None:
        abort(404)
    return challenge


@bp.route("/manage/challenges/<slug>/translations", methods=["GET", "POST"])
def translations(slug: str):  # noqa: ANN201
    challenge = _manageable_challenge(slug)
    languages = services.translation_languages(challenge)
    existing = {t.language: t for t in challenge.translations}
    wanted = request.args.get("language", "")
    current = existing.get(wanted)
    data: dict[str, Any] = {"language": wanted if wanted in languages else None}
    if current is not None:
        data.update(
            title=current.title, summary=current.summary, description=current.description_md
        )
    form = ChallengeTranslationForm(data=data)
    form.language.choices = [(code, LANGUAGE_NAMES.get(code, code)) for code in languages]
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            language = form.language.data or ""
            try:
                services.save_challenge_translation(
                    current_user, challenge, language, form.to_data()
                )
            except DomainError as exc:
                getattr(form, exc.field or "title").errors.append(exc.message)
                status = exc.status
            else:
                flash(
                    _(
                        "The translation into %(language)s was saved.",
                        language=LANGUAGE_NAMES.get(language, language),
                    ),
                    "success",
                )
                return redirect(url_for("challenges.translations", slug=challenge.slug), 303)
    return render_template(
        "challenges/translations.html",
        challenge=challenge,
        form=form,
        languages=languages,
        existing=existing,
        editing=current,
    ), status


@bp.post("/manage/challenges/<slug>/translations/<language>/delete")
def delete_translation(slug: str, language: str):  # noqa: ANN201
    challenge = _manageable_challenge(slug)
    if language not in {t.language for t in challenge.translations}:
        abort(404)
    try:
        services.delete_challenge_translation(current_user, challenge, language)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("challenges.translations", slug=challenge.slug), 303)
    flash(
        _(
            "The translation into %(language)s was deleted.",
            language=LANGUAGE_NAMES.get(language, language),
        ),
        "success",
    )
    return redirect(url_for("challenges.translations", slug=challenge.slug), 303)


@bp.app_template_global("localized")
def localized_global(challenge: Challenge) -> LocalizedText:
    """``localized(challenge)`` in templates: see ``inhabithon.challenges.localized``."""
    return localized(challenge)
