"""Routes of the notifications domain: the list, the settings, follow buttons
and the unsubscribe link that works without login."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inhabithon import permissions as perm
from inhabithon.accounts.models import User
from inhabithon.challenges.models import Challenge
from inhabithon.db import Question
from inhabithon.ideas.models import Idea
from inhabithon.notifications import services
from inhabithon.notifications.cli import send_cmd
from inhabithon.notifications.forms import EmailSettingsForm, UnsubscribeForm
from inhabithon.notifications.models import EmailMode
from inhabithon.pagecache.personal import Args, answer, personal_part, render_part

bp = Blueprint("notifications", __name__)
# `flask --app app notifications send`
bp.cli.add_command(send_cmd)


def _me() -> User:
    return current_user._get_current_object()


# --- personal parts of every page (inhabithon/pagecache/personal.py) -------------------


def _unread_asked(reader: Any, parts: list[Args]) -> dict[Hashable, Question]:
    if not perm.can_read_notifications(reader):
        return {}
    return {"unread": services.unread_question(reader)}


@personal_part("notification-badge", asks=_unread_asked)
def _badge(reader: Any, parts: list[Args]) -> list[str]:
    """The reader's unread notifications beside "Notifications" in the header."""
    if not perm.can_read_notifications(reader):
        return [""] * len(parts)
    count = answer("unread") or 0
    badge = (
        render_part("notifications/_badge.html", unread=services.badge_text(count)) if count else ""
    )
    return [badge] * len(parts)


def _refs(parts: list[Args]) -> list[tuple[str, int]]:
    return [(str(kind), int(obj_id)) for kind, obj_id in parts]


def _follows_asked(reader: Any, parts: list[Args]) -> dict[Hashable, Question]:
    if not perm.is_signed_in(reader):
        return {}
    questions = services.followed_questions(reader, _refs(parts))
    return {("follows", kind): question for kind, question in questions.items()}


@personal_part("follow", asks=_follows_asked)
def _follow_buttons(reader: Any, parts: list[Args]) -> list[str]:
    """Follow or stop following: parts ("challenge" or "idea", id), shown where
    ``can_follow`` (the page's own check) let them be."""
    if not perm.is_signed_in(reader):
        return [""] * len(parts)
    refs = _refs(parts)
    kinds = {kind for kind, _obj_id in refs}
    answers = {kind: answer(("follows", kind)) for kind in kinds}
    followed = services.followed_among(reader, refs, answers)
    return [
        render_part(
            "notifications/_follow_button.html",
            kind=kind,
            obj_id=obj_id,
            following=(kind, obj_id) in followed,
        )
        for kind, obj_id in refs
    ]


@bp.get("/notifications")
def index():  # noqa: ANN201
    perm.require(perm.can_read_notifications(current_user))
    before = request.args.get("before", type=int)
    items, next_before = services.page_of(_me(), before)
    return render_template(
        "notifications/index.html",
        items=[(n, services.describe(n), services.link(n)) for n in items],
        next_before=next_before,
        first_page=before is None,
    )


@bp.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int):  # noqa: ANN201
    perm.require(perm.can_read_notifications(current_user))
    if not services.mark_read(_me(), notification_id):
        abort(404)
    return redirect(url_for("notifications.index"), 303)


@bp.post("/notifications/read-all")
def mark_all_read():  # noqa: ANN201
    perm.require(perm.can_read_notifications(current_user))
    services.mark_all_read(_me())
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"), 303)


@bp.route("/notifications/settings", methods=["GET", "POST"])
def settings():  # noqa: ANN201
    perm.require(perm.can_read_notifications(current_user))
    me = _me()
    form = EmailSettingsForm(data={"email_mode": services.email_mode(me).value})
    if request.method == "POST":
        form = EmailSettingsForm()
    status = 200
    if form.validate_on_submit():
        services.set_email_mode(me, EmailMode(form.email_mode.data))
        flash(_("Your e-mail setting is saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    if form.is_submitted():
        status = 400
    return render_template(
        "notifications/settings.html", form=form, following=services.following_of(me)
    ), status


# --- follow buttons ---------------------------------------------------------------------


def _target(kind: str, obj_id: int) -> tuple[Challenge | Idea, str]:
    """The challenge or idea to follow (404 if the viewer cannot see it), and its page."""
    if kind == "challenge":
        challenge = perm.get_or_404(Challenge, obj_id)
        if not perm.can_view_challenge(current_user, challenge):
            abort(404)
        return challenge, url_for("challenges.detail", slug=challenge.slug)
    idea = perm.load_idea(obj_id)  # the route allows "challenge" or "idea" only
    return idea, url_for("ideas.detail", idea_id=idea.id)


def _back(default: str) -> str:
    """Back to the page the button was on: the settings page, or the object's page."""
    if request.form.get("back") == "settings":
        return url_for("notifications.settings")
    return default


@bp.post("/follow/<any(challenge, idea):kind>/<int:obj_id>")
def follow(kind: str, obj_id: int):  # noqa: ANN201
    obj, page = _target(kind, obj_id)
    perm.require(perm.can_follow(current_user, obj))
    services.follow(_me(), obj)
    flash(_("You follow this now. You will be told what happens next."), "success")
    return redirect(_back(page), 303)


@bp.post("/unfollow/<any(challenge, idea):kind>/<int:obj_id>")
def unfollow(kind: str, obj_id: int):  # noqa: ANN201
    obj, page = _target(kind, obj_id)
    perm.require(perm.can_follow(current_user, obj))
    services.unfollow(_me(), obj)
    flash(_("You no longer follow this."), "info")
    return redirect(_back(page), 303)


# --- unsubscribe without login --------------------------------------------------------------


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):  # noqa: ANN201
    """GET asks, POST stops all notification e-mail (the in-site list stays)."""
    user = services.user_for_unsubscribe_token(token)  # 400 when tampered with
    form = UnsubscribeForm()
    done = False
    if form.validate_on_submit():
        services.set_email_mode(user, EmailMode.NEVER)
        done = True
    elif form.is_submitted():
        abort(400)
    return render_template("notifications/unsubscribe.html", form=form, token=token, done=done)
