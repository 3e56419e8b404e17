"""Routes of the moderation domain: reporting, the officials' queue, the public log."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inhabithon import permissions as perm
from inhabithon.comments.models import Comment
from inhabithon.errors import DomainError
from inhabithon.ideas.models import Idea
from inhabithon.moderation import services
from inhabithon.moderation.forms import FLAG_REASONS, DecisionForm, FlagForm, flag_reason_parts
from inhabithon.moderation.models import ModerationKind

bp = Blueprint("moderation", __name__)

IDEA_ACTIONS: dict[str, Callable[..., None]] = {
    "hide": services.hide,
    "restore": services.restore,
    "dismiss": services.dismiss,
    "approve": services.approve,
    "reject": services.reject,
}
COMMENT_ACTIONS = {k: IDEA_ACTIONS[k] for k in ("hide", "restore", "dismiss")}


def _flag(target: Idea | Comment, idea: Idea, back: str):  # noqa: ANN202
    form = FlagForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = services.flag(current_user, target, form.reason())
        except DomainError as exc:
            status = exc.status
            form.details.errors = [*form.details.errors, exc.message]
        else:
            if created:
                flash(_("Thank you. A moderator will look at it."), "success")
            else:
                flash(_("You have already reported this. A moderator will look at it."), "info")
            if not perm.can_view_idea(current_user, idea):  # hidden by this very report
                back = url_for("challenges.detail", slug=idea.challenge.slug)
            return redirect(back, 303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "moderation/flag.html",
        form=form,
        target=target,
        idea=idea,
        is_comment=isinstance(target, Comment),
        back=back,
    ), status


@bp.route("/ideas/<int:idea_id>/flag", methods=["GET", "POST"])
def flag_idea(idea_id: int):  # noqa: ANN201
    idea = perm.load_idea(idea_id)
    perm.require(perm.can_flag_idea(current_user, idea))
    return _flag(idea, idea, url_for("ideas.detail", idea_id=idea.id))


@bp.route("/comments/<int:comment_id>/flag", methods=["GET", "POST"])
def flag_comment(comment_id: int):  # noqa: ANN201
    comment = perm.get_or_404(Comment, comment_id)
    idea = perm.load_idea(comment.idea_id)
    perm.require(perm.can_flag_comment(current_user, comment))
    back = url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{comment.id}")
    return _flag(comment, idea, back)


@bp.get("/moderation")
def queue():  # noqa: ANN201
    perm.require(perm.can_moderate(current_user))
    data = services.queue()
    forms: dict[str, DecisionForm] = {}

    def form_for(prefix: str) -> DecisionForm:
        if prefix not in forms:
            forms[prefix] = DecisionForm(formdata=None, prefix=prefix)
        return forms[prefix]

    return render_template(
        "moderation/queue.html", queue=data, form_for=form_for, reason_parts=flag_reason_parts
    )


def _decide(target: Idea | Comment, actions: dict[str, Callable[..., None]]):  # noqa: ANN202
    """One official's decision: shown on its own page (GET, or again with the
    errors), saved by POST; the queue's forms post here too."""
    is_comment = isinstance(target, Comment)
    prefix = f"{'comment' if is_comment else 'idea'}-{target.id}"
    idea = target if isinstance(target, Idea) else perm.get_or_404(Idea, target.idea_id)
    form = DecisionForm(prefix=prefix)
    status = 200
    if request.method == "POST":
        action = actions.get(request.form.get("action", ""))
        if action is None:
            abort(400)
        status = 400
        if form.validate():
            try:
                action(current_user, target, form.reason.data or "")
            except DomainError as exc:
                form.reason.errors = [*form.reason.errors, exc.message]
                status = exc.status
            else:
                flash(_("Your decision is saved."), "success")
                return redirect(url_for("moderation.queue"), 303)
    flags = services.open_flags(target)
    return render_template(
        "moderation/decide.html",
        target=target,
        idea=idea,
        is_comment=is_comment,
        kind="comment" if is_comment else "idea",
        form=form,
        flags=flags,
        reason_parts=flag_reason_parts,
    ), status


@bp.route("/moderation/ideas/<int:idea_id>", methods=["GET", "POST"])
def decide_idea(idea_id: int):  # noqa: ANN201
    perm.require(perm.can_moderate(current_user))
    return _decide(perm.get_or_404(Idea, idea_id), IDEA_ACTIONS)


@bp.route("/moderation/comments/<int:comment_id>", methods=["GET", "POST"])
def decide_comment(comment_id: int):  # noqa: ANN201
    perm.require(perm.can_moderate(current_user))
    return _decide(perm.get_or_404(Comment, comment_id), COMMENT_ACTIONS)


@bp.get("/moderation/log")
def log():  # noqa: ANN201
    before = request.args.get("before", type=int)
    entries, next_before = services.public_log(before)
    return render_template(
        "moderation/log.html",
        entries=entries,
        before=before,
        next_before=next_before,
        kinds=ModerationKind,
        reasons=FLAG_REASONS,
    )
