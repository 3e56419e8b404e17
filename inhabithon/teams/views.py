"""Routes of the teams domain: the looking-for-a-team board, team pages,
join requests and the owner's member management."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from inhabithon import permissions as perm
from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.errors import DomainError, render_error
from inhabithon.teams import services
from inhabithon.teams.forms import ActionForm, BoardPostForm, JoinForm, TeamForm
from inhabithon.teams.models import JoinRequest, RequestStatus, Team, TeamMember

bp = Blueprint("teams", __name__)
log = logging.getLogger(__name__)


def _challenge(slug: str) -> Challenge:
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None or not perm.can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


def _team(team_id: int) -> Team:
    team = db.session.scalar(
        select(Team)
        .options(selectinload(Team.members).selectinload(TeamMember.user))
        .where(Team.id == team_id)
    )
    if team is None or not perm.can_view_challenge(current_user, team.challenge):
        abort(404)
    return team


def _busy() -> Any:
    # A lock wait ran out (or PostgreSQL broke a deadlock): nothing was saved.
    db.session.rollback()
    log.warning("team request gave up on a busy database", exc_info=True)
    return render_error(503, _("Many people are answering right now. Please try again."))


# --- the board and the list of teams ---------------------------------------------


@bp.get("/challenges/<slug>/teams")
def index(slug: str) -> Any:
    challenge = _challenge(slug)
    mine = services.post_of(current_user, challenge) if perm.is_signed_in(current_user) else None
    place = (
        services.membership(current_user, challenge) if perm.is_signed_in(current_user) else None
    )
    return render_template(
        "teams/index.html",
        challenge=challenge,
        teams=services.teams_of(challenge),
        posts=services.board(challenge),
        mine=mine,
        place=place,
        action_form=ActionForm(),
    )


@bp.route("/challenges/<slug>/teams/board", methods=["GET", "POST"])
def post(slug: str) -> Any:
    challenge = _challenge(slug)
    perm.require(perm.can_post_on_team_board(current_user, challenge))
    existing = services.post_of(current_user, challenge)
    form = BoardPostForm(obj=existing)
    status, message = 200, None
    if form.validate_on_submit():
        try:
            services.save_post(current_user, challenge, form.to_data())
        except DomainError as exc:
            status, message = exc.status, str(exc.message)
        else:
            flash(_("Your post is on the board."), "success")
            return redirect(url_for("teams.index", slug=challenge.slug, _anchor="board"), 303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "teams/post_form.html", challenge=challenge, form=form, existing=existing, message=message
    ), status


@bp.post("/challenges/<slug>/teams/board/withdraw")
def withdraw_post(slug: str) -> Any:
    challenge = _challenge(slug)
    perm.require(perm.can_post_on_team_board(current_user, challenge))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.withdraw_post(current_user, challenge)
    flash(_("Your post is withdrawn from the board."), "success")
    return redirect(url_for("teams.index", slug=challenge.slug, _anchor="board"), 303)


def _idea_choices(form: TeamForm, challenge: Challenge, owner_id: int | None) -> None:
    ideas = services.ideas_to_link_for(owner_id, challenge)
    form.idea_id.choices = [("", _("No idea linked"))] + [(str(i.id), i.title) for i in ideas]


@bp.route("/challenges/<slug>/teams/new", methods=["GET", "POST"])
def create(slug: str) -> Any:
    challenge = _challenge(slug)
    perm.require(perm.can_create_team(current_user, challenge))
    form = TeamForm()
    _idea_choices(form, challenge, current_user.id)
    status, message = 200, None
    if form.validate_on_submit():
        try:
            team = services.create_team(current_user, challenge, form.to_data())
        except DomainError as exc:
            status, message = exc.status, str(exc.message)
        else:
            flash(_("Your team is created. You are its owner."), "success")
            return redirect(url_for("teams.detail", team_id=team.id), 303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "teams/team_form.html", challenge=challenge, form=form, team=None, message=message
    ), status


# --- a team ------------------------------------------------------------------------


def render_detail(
    team: Team, *, join_form: JoinForm | None = None, message: str | None = None, status: int = 200
) -> Any:
    user = current_user if perm.is_signed_in(current_user) else None
    own_request = services.request_of(user, team) if user is not None else None
    place = services.membership(user, team.challenge) if user is not None else None
    requests = (
        services.pending_requests(team) if perm.can_decide_join_requests(current_user, team) else []
    )
    idea = (
        team.idea if team.idea is not None and perm.can_view_idea(current_user, team.idea) else None
    )
    return render_template(
        "teams/detail.html",
        team=team,
        challenge=team.challenge,
        idea=idea,
        join_form=join_form or JoinForm(),
        action_form=ActionForm(),
        own_request=own_request,
        pending=own_request is not None and own_request.status is RequestStatus.PENDING,
        place=place,
        requests=requests,
        message=message,
    ), status


@bp.get("/teams/<int:team_id>")
def detail(team_id: int) -> Any:
    return render_detail(_team(team_id))


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
def edit(team_id: int) -> Any:
    team = _team(team_id)
    perm.require(perm.can_edit_team(current_user, team))
    form = TeamForm(
        data=None
        if request.method == "POST"
        else {
            "name": team.name,
            "description": team.description,
            "languages": team.languages,
            "idea_id": str(team.idea_id or ""),
        }
    )
    owner = team.owner
    _idea_choices(form, team.challenge, owner.user_id if owner else None)
    status, message = 200, None
    if form.validate_on_submit():
        try:
            services.update_team(current_user, team, form.to_data())
        except DomainError as exc:
            status, message = exc.status, str(exc.message)
        else:
            flash(_("The team is saved."), "success")
            return redirect(url_for("teams.detail", team_id=team.id), 303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "teams/team_form.html", challenge=team.challenge, form=form, team=team, message=message
    ), status


@bp.post("/teams/<int:team_id>/join")
def join(team_id: int) -> Any:
    team = _team(team_id)
    perm.require(perm.can_request_to_join(current_user, team))
    form = JoinForm()
    if not form.validate_on_submit():
        return render_detail(team, join_form=form, status=400)
    try:
        services.request_to_join(current_user, team, form.message.data or "", form.nickname.data)
    except DomainError as exc:
        return render_detail(team, join_form=form, message=str(exc.message), status=exc.status)
    flash(_("Your request is sent. The team will answer it."), "success")
    return redirect(url_for("teams.detail", team_id=team.id), 303)


def _act(
    team_id: int,
    allowed: Callable[[Any, Team], bool],
    action: Callable[[Team], object],
    done: str,
    *,
    to_board: bool = False,
) -> Any:
    try:
        team = _team(team_id)
        perm.require(allowed(current_user, team))
        if not ActionForm().validate_on_submit():
            abort(400)
        slug = team.challenge.slug
        try:
            action(team)
        except DomainError as exc:
            return render_detail(team, message=str(exc.message), status=exc.status)
    except OperationalError:
        return _busy()
    flash(done, "success")
    if to_board:
        return redirect(url_for("teams.index", slug=slug), 303)
    return redirect(url_for("teams.detail", team_id=team_id), 303)


def _request(team: Team, request_id: int) -> JoinRequest:
    req = db.session.get(JoinRequest, request_id)
    if req is None or req.team_id != team.id:
        abort(404)
    return req


@bp.post("/teams/<int:team_id>/join/cancel")
def cancel(team_id: int) -> Any:
    return _act(
        team_id,
        lambda user, _team: perm.is_signed_in(user),
        lambda team: services.cancel_request(current_user, team),
        _("Your request is withdrawn."),
    )


@bp.post("/teams/<int:team_id>/requests/<int:request_id>/accept")
def accept(team_id: int, request_id: int) -> Any:
    return _act(
        team_id,
        perm.can_decide_join_requests,
        lambda team: services.accept_request(current_user, team, _request(team, request_id)),
        _("The request is accepted: the person is now in the team."),
    )


@bp.post("/teams/<int:team_id>/requests/<int:request_id>/decline")
def decline(team_id: int, request_id: int) -> Any:
    return _act(
        team_id,
        perm.can_decide_join_requests,
        lambda team: services.decline_request(current_user, team, _request(team, request_id)),
        _("The request is declined."),
    )


@bp.post("/teams/<int:team_id>/leave")
def leave(team_id: int) -> Any:
    return _act(
        team_id,
        perm.is_weekend_team_member,
        lambda team: services.leave_team(current_user, team),
        _("You have left the team."),
        to_board=True,
    )


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
def remove(team_id: int, user_id: int) -> Any:
    return _act(
        team_id,
        perm.can_manage_team_members,
        lambda team: services.remove_member(current_user, team, user_id),
        _("The member is removed from the team."),
    )


@bp.post("/teams/<int:team_id>/members/<int:user_id>/owner")
def hand_over(team_id: int, user_id: int) -> Any:
    return _act(
        team_id,
        perm.can_manage_team_members,
        lambda team: services.hand_over(current_user, team, user_id),
        _("Ownership is handed over."),
    )


@bp.post("/teams/<int:team_id>/members/<int:user_id>/admin")
def set_admin(team_id: int, user_id: int) -> Any:
    make_admin = request.form.get("admin") == "1"
    return _act(
        team_id,
        perm.can_manage_team_members,
        lambda team: services.set_admin(current_user, team, user_id, make_admin),
        _("The member's role is changed."),
    )
