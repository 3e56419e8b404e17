"""Idea pages: submit, read, edit, the team, and the resident's own ideas."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from inhabithon import permissions as perm
from inhabithon.accounts.models import User
from inhabithon.challenges.models import Challenge
from inhabithon.db import Load, Question, db
from inhabithon.errors import Conflict, DomainError
from inhabithon.extensions import configured_limit, limiter, user_or_address
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.ideas import services
from inhabithon.ideas.forms import IdeaForm, InviteForm
from inhabithon.ideas.models import Idea, MemberStatus
from inhabithon.ideas.page import (
    idea_for_parts,
    idea_to_load,
    load_idea_for_page,
    render_idea_page,
)
from inhabithon.pagecache import shared_page
from inhabithon.pagecache.personal import Args, personal_part, render_part

bp = Blueprint("ideas", __name__)


def _challenge_or_404(slug: str) -> Challenge:
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None or not perm.can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


def _apply_error(form: IdeaForm | InviteForm, exc: DomainError) -> str | None:
    """Put a service's message next to its field; a message about no field is returned."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
        return None
    return str(exc.message)


@bp.route("/challenges/<slug>/ideas/new", methods=["GET", "POST"])
@limiter.shared_limit(
    configured_limit("POST_RATE_LIMIT"), scope="post", key_func=user_or_address, methods=["POST"]
)
def new(slug: str):  # noqa: ANN201
    challenge = _challenge_or_404(slug)
    perm.require(perm.can_submit_idea(current_user, challenge))
    form = IdeaForm()
    if request.method == "GET" and not challenge.accepts_ideas:
        raise Conflict(_("This challenge is not accepting ideas right now."))
    if request.method == "GET" and challenge.language in CONTENT_LANGUAGES:
        form.language.data = challenge.language
    status, message = 200, None
    if form.validate_on_submit():
        try:
            idea = services.submit_idea(challenge, current_user, form.data_for_service())
        except DomainError as exc:
            status, message = exc.status, _apply_error(form, exc)
        else:
            flash(_("Thank you! Your idea is published."), "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id), 303)
    elif form.is_submitted():
        status = 400
        if not challenge.accepts_ideas:
            status, message = 409, _("This challenge is not accepting ideas right now.")
    return render_template(
        "ideas/form.html", form=form, challenge=challenge, idea=None, message=message
    ), status


@bp.get("/ideas/<int:idea_id>")
@shared_page
def detail(idea_id: int):  # noqa: ANN201
    # ?reply_to=<comment id>: the page with that comment's reply form open (its
    # "Reply" link); any other value opens none.
    reply_to = request.args.get("reply_to", type=int)
    return render_idea_page(load_idea_for_page(idea_id), reply_to=reply_to)


# --- personal parts of the idea page (inhabithon/pagecache/personal.py) ----------------


def _idea_part(
    reader: Any,
    parts: list[Args],
    shown_to: Callable[[Idea], bool],
    render: Callable[[Idea], str],
) -> list[str]:
    """Each part (idea id) as ``render`` makes it when the signed-in reader is one
    it is ``shown_to``; nothing for visitors and for an idea that is gone."""
    if not perm.is_signed_in(reader):
        return [""] * len(parts)
    shown = []
    for (idea_id,) in parts:
        idea = idea_for_parts(int(idea_id))
        shown.append("" if idea is None or not shown_to(idea) else render(idea))
    return shown


def _idea_asked(reader: Any, parts: list[Args]) -> dict[Hashable, Question | Load]:
    if not perm.is_signed_in(reader):
        return {}
    return {key: load for (idea_id,) in parts for key, load in idea_to_load(int(idea_id)).items()}


@personal_part("idea-owner-tools", asks=_idea_asked)
def _owner_tools(reader: Any, parts: list[Args]) -> list[str]:
    """The owner's own view: how the idea is shown, and edit and team buttons."""
    return _idea_part(
        reader,
        parts,
        lambda idea: perm.is_idea_owner(reader, idea),
        lambda idea: render_template(
            "ideas/_owner_tools.html", idea=idea, editing_open=services.editing_open(idea)
        ),
    )


@personal_part("idea-flag", asks=_idea_asked)
def _flag_link(reader: Any, parts: list[Args]) -> list[str]:
    """Report the idea to a moderator: anyone signed in but its owner."""
    return _idea_part(
        reader,
        parts,
        lambda idea: perm.can_flag_idea(reader, idea),
        lambda idea: render_part("ideas/_flag.html", idea_id=idea.id),
    )


@personal_part("team-leave", asks=_idea_asked)
def _leave_team(reader: Any, parts: list[Args]) -> list[str]:
    """A member who is not the owner may leave the idea's team."""
    return _idea_part(
        reader,
        parts,
        lambda idea: (
            perm.is_team_member(reader, idea)
            and not perm.is_idea_owner(reader, idea)
            and perm.can_remove_member(reader, idea, reader.id)
        ),
        lambda idea: render_template("ideas/_leave_team.html", idea=idea),
    )


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
def edit(idea_id: int):  # noqa: ANN201
    idea = perm.load_idea(idea_id)
    perm.require(perm.can_edit_idea(current_user, idea))
    if request.method == "GET":
        form = IdeaForm(
            obj=idea,
            data={"display": idea.author_display.value},
        )
        if not services.editing_open(idea):
            raise Conflict(_("Submissions have closed, so the idea can no longer be edited."))
    else:
        form = IdeaForm()
    status, message = 200, None
    if form.validate_on_submit():
        try:
            services.update_idea(idea, current_user, form.data_for_service())
        except DomainError as exc:
            status, message = exc.status, _apply_error(form, exc)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id), 303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "ideas/form.html", form=form, challenge=idea.challenge, idea=idea, message=message
    ), status


# --- the team --------------------------------------------------------------


@bp.route("/ideas/<int:idea_id>/team", methods=["GET", "POST"])
def team(idea_id: int):  # noqa: ANN201
    idea = perm.load_idea(idea_id)
    perm.require(perm.can_manage_team(current_user, idea))
    form = InviteForm()
    status, message = 200, None
    if form.validate_on_submit():
        try:
            member = services.invite_member(idea, current_user, form.email.data or "")
        except DomainError as exc:
            status, message = exc.status, _apply_error(form, exc)
        else:
            flash(
                _(
                    "%(name)s is invited. They can accept on their My ideas page.",
                    name=member.user.display_name,
                ),
                "success",
            )
            return redirect(url_for("ideas.team", idea_id=idea.id), 303)
    elif form.is_submitted():
        status = 400
    return render_template("ideas/team.html", idea=idea, form=form, message=message), status


def _login_to(target: str) -> Response:
    """Visitors who POST are sent to log in and then to a page they can open."""
    flash(_("Please log in to continue."), "info")
    return redirect(url_for("accounts.login", next=target))


def _idea_for_invitee(idea_id: int) -> Idea:
    """An idea the user may see, or one whose team they are invited to."""
    idea = perm.get_or_404(Idea, idea_id)
    if not (perm.can_view_idea(current_user, idea) or perm.is_invited(current_user, idea)):
        abort(404)
    return idea


@bp.post("/ideas/<int:idea_id>/team/accept")
def accept(idea_id: int):  # noqa: ANN201
    if not perm.is_signed_in(current_user):
        return _login_to(url_for("ideas.mine"))
    idea = _idea_for_invitee(idea_id)
    services.accept_invitation(idea, current_user)
    flash(_("Welcome to the team of “%(title)s”.", title=idea.title), "success")
    if perm.can_view_idea(current_user, idea):
        return redirect(url_for("ideas.detail", idea_id=idea.id), 303)
    return redirect(url_for("ideas.mine"), 303)


@bp.post("/ideas/<int:idea_id>/team/decline")
def decline(idea_id: int):  # noqa: ANN201
    if not perm.is_signed_in(current_user):
        return _login_to(url_for("ideas.mine"))
    idea = _idea_for_invitee(idea_id)
    services.decline_invitation(idea, current_user)
    flash(_("You declined the invitation."), "info")
    return redirect(url_for("ideas.mine"), 303)


@bp.post("/ideas/<int:idea_id>/team/<int:user_id>/remove")
def remove(idea_id: int, user_id: int):  # noqa: ANN201
    idea = perm.load_idea(idea_id)
    if not perm.is_signed_in(current_user):
        return _login_to(url_for("ideas.detail", idea_id=idea.id))
    perm.require(perm.can_remove_member(current_user, idea, user_id))
    member_user = perm.get_or_404(User, user_id)
    services.remove_member(idea, current_user, member_user)
    if member_user.id == current_user.id:
        flash(_("You have left the team."), "info")
        return redirect(url_for("ideas.detail", idea_id=idea.id), 303)
    flash(_("%(name)s is no longer on the team.", name=member_user.display_name), "info")
    return redirect(url_for("ideas.team", idea_id=idea.id), 303)


# --- the resident's own ideas ----------------------------------------------------


@bp.get("/my/ideas")
def mine():  # noqa: ANN201
    perm.require(perm.is_signed_in(current_user))
    memberships = services.memberships_of(current_user)
    return render_template(
        "ideas/mine.html",
        memberships=[m for m in memberships if m.status is MemberStatus.ACCEPTED],
        invitations=[m for m in memberships if m.status is MemberStatus.INVITED],
    )
