"""Routes of the outreach domain: a guide's submissions on a resident's behalf,
ideas sent without an account, and the tracking page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from inhabithon import permissions as perm
from inhabithon.challenges.models import Challenge
from inhabithon.comments.services import thread_for
from inhabithon.db import db
from inhabithon.errors import Conflict, DomainError
from inhabithon.extensions import configured_limit, limiter, user_or_address
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.ideas.models import IdeaStatus
from inhabithon.mail.services import send_unstored_after_commit
from inhabithon.outreach import services
from inhabithon.outreach.forms import NoAccountIdeaForm, OnBehalfIdeaForm, TrackForm
from inhabithon.projects.models import Project
from inhabithon.results.services import award_kinds_for_idea

bp = Blueprint("outreach", __name__)


# Sending shares the posting budget of ideas and comments; the two ways of
# opening a tracking page share one budget against guessing.
_post_limit = limiter.shared_limit(
    configured_limit("POST_RATE_LIMIT"), scope="post", key_func=user_or_address, methods=["POST"]
)
_track_limit = limiter.shared_limit(configured_limit("TRACK_RATE_LIMIT"), scope="track")
_track_post_limit = limiter.shared_limit(
    configured_limit("TRACK_RATE_LIMIT"), scope="track", methods=["POST"]
)


def _private(response: Response) -> Response:
    """A page with a secret in it (or in its address): never cached, never referred."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _challenge_or_404(slug: str) -> Challenge:
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None or not perm.can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


def _apply_error(form: OnBehalfIdeaForm | NoAccountIdeaForm, exc: DomainError) -> str | None:
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
        return None
    return str(exc.message)


def _initial_language(form: OnBehalfIdeaForm | NoAccountIdeaForm, challenge: Challenge) -> None:
    if request.method == "GET" and challenge.language in CONTENT_LANGUAGES:
        form.language.data = challenge.language


# --- guides ----------------------------------------------------------------------


@bp.route("/challenges/<slug>/on-behalf", methods=["GET", "POST"])
@_post_limit
def submit_on_behalf(slug: str):  # noqa: ANN201
    challenge = _challenge_or_404(slug)
    perm.require(perm.can_submit_on_behalf(current_user, challenge))
    if request.method == "GET" and not challenge.accepts_ideas:
        raise Conflict(_("This challenge is not accepting ideas right now."))
    form = OnBehalfIdeaForm()
    _initial_language(form, challenge)
    status, message = 200, None
    if form.validate_on_submit():
        try:
            idea = services.submit_on_behalf(challenge, current_user, form.data_for_service())
        except DomainError as exc:
            status, message = exc.status, _apply_error(form, exc)
        else:
            return render_template("outreach/on_behalf_done.html", idea=idea, challenge=challenge)
    elif form.is_submitted():
        status = 400
        if not challenge.accepts_ideas:
            status, message = 409, _("This challenge is not accepting ideas right now.")
    return render_template(
        "outreach/on_behalf.html", form=form, challenge=challenge, message=message
    ), status


@bp.get("/guide")
def guide_page():  # noqa: ANN201
    perm.require(perm.is_guide(current_user))
    ideas, comments = services.submitted_by_guide(current_user)
    return render_template("outreach/guide.html", ideas=ideas, comments=comments)


# --- residents without an account ------------------------------------------------


@bp.route("/challenges/<slug>/send-idea", methods=["GET", "POST"])
@_post_limit
def submit_without_account(slug: str):  # noqa: ANN201
    challenge = _challenge_or_404(slug)
    perm.require(perm.can_send_without_account(current_user, challenge))
    if request.method == "GET" and not challenge.accepts_ideas:
        raise Conflict(_("This challenge is not accepting ideas right now."))
    form = NoAccountIdeaForm()
    _initial_language(form, challenge)
    status, message = 200, None
    if form.validate_on_submit():
        try:
            tracked = services.submit_without_account(challenge, form.data_for_service())
        except DomainError as exc:
            status, message = exc.status, _apply_error(form, exc)
        else:
            email = (form.email.data or "").strip()
            if email:
                send_unstored_after_commit(
                    email,
                    _l("Your tracking code"),
                    "tracking_code",
                    str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
                    code=tracked.code,
                    idea=tracked.idea,
                    challenge=challenge,
                )
            # The code is shown here once: the page is rendered, not redirected
            # to, and never cached.
            page = render_template(
                "outreach/sent.html",
                idea=tracked.idea,
                challenge=challenge,
                code=tracked.code,
                mailed=bool(email),
            )
            return _private(make_response(page, 200))
    elif form.is_submitted():
        status = 400
        if not challenge.accepts_ideas:
            status, message = 409, _("This challenge is not accepting ideas right now.")
    page = render_template(
        "outreach/send_idea.html", form=form, challenge=challenge, message=message
    )
    return _private(make_response(page, status))


@bp.route("/track", methods=["GET", "POST"])
@_track_post_limit
def track_form():  # noqa: ANN201
    form = TrackForm()
    if form.validate_on_submit():
        return _track_page(form.code.data or "", form)
    status = 400 if form.is_submitted() else 200
    return _private(make_response(render_template("outreach/track_form.html", form=form), status))


@bp.get("/track/<code>")
@_track_limit
def track(code: str):  # noqa: ANN201
    return _track_page(code, TrackForm(formdata=None))


def _track_page(code: str, form: TrackForm) -> Response:
    idea = services.find_tracked_idea(code)
    if idea is None:
        page = render_template("outreach/track_form.html", form=form, not_found=True)
        return _private(make_response(page, 404))
    challenge = idea.challenge
    published = idea.status is IdeaStatus.PUBLISHED
    project = None
    if published:
        project = db.session.execute(
            select(Project.slug, Project.title, Project.language)
            .where(Project.idea_id == idea.id)
            .order_by(Project.id)
            .limit(1)
        ).first()
    page = render_template(
        "outreach/track.html",
        idea=idea,
        challenge=challenge,
        thread=thread_for(idea) if published else [],
        awards=award_kinds_for_idea(idea) if published else [],
        project=project,
        rejected=idea.status is IdeaStatus.HIDDEN and services.was_rejected(idea),
        can_open=perm.can_view_idea(current_user, idea),
    )
    return _private(make_response(page, 200))
