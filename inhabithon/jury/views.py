"""The jury's pages: the officials' setup of a round (settings, criteria, jurors,
assignments) and the jurors' own pages (their rounds, assigned ideas, the score
sheet, recusal, conflicts and pairwise comparison).

No page shows a juror another juror's scores.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from inhabithon import permissions as perm
from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.errors import Conflict, DomainError
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.jury import services
from inhabithon.jury.forms import (
    AssignmentForm,
    CriterionForm,
    CsrfForm,
    JurorForm,
    ReasonForm,
    RoundForm,
    score_form,
)
from inhabithon.jury.models import (
    Juror,
    JuryAssignment,
    JuryConflict,
    JuryCriterion,
    JuryMode,
    JuryRound,
    JuryScoreSheet,
)

bp = Blueprint("jury", __name__)


# --- officials -----------------------------------------------------------------------


def _load_challenge(slug: str) -> Challenge:
    challenge = db.session.scalar(
        select(Challenge).options(selectinload(Challenge.event)).where(Challenge.slug == slug)
    )
    if challenge is None:
        abort(404)
    perm.require(perm.can_manage_jury(current_user, challenge))
    return challenge


def _setup_round(slug: str) -> JuryRound:
    challenge = _load_challenge(slug)
    round_ = services.round_of(challenge)
    if round_ is None:
        if not services.setup_open(challenge):
            raise Conflict(services.SETUP_CLOSED)
        round_ = services.ensure_round(current_user, challenge)
    return round_


def _render_setup(round_: JuryRound, status: int = 200, **forms: Any) -> tuple[str, int]:
    challenge = round_.challenge
    jurors = list(
        db.session.scalars(
            select(Juror)
            .where(Juror.round_id == round_.id)
            .options(selectinload(Juror.user))
            .order_by(Juror.id)
        )
    )
    ideas = services.published_ideas(challenge)
    assignments = services.assignments_of(round_)
    conflicts = list(
        db.session.scalars(
            select(JuryConflict)
            .where(JuryConflict.juror_id.in_([j.id for j in jurors]))
            .order_by(JuryConflict.id)
        )
    )
    by_idea: dict[int, list[JuryAssignment]] = {i.id: [] for i in ideas}
    for a in assignments:
        by_idea.setdefault(a.idea_id, []).append(a)
    active = {i: [a for a in rows if a.recused_at is None] for i, rows in by_idea.items()}
    short = [i for i in ideas if len(active[i.id]) < round_.jurors_per_idea]
    juror_by_id = {j.id: j for j in jurors}
    idea_by_id = {i.id: i for i in ideas}
    assignment_form = forms.get("assignment_form") or AssignmentForm()
    assignment_form.juror.choices = [SelectChoice(j.id, j.user.display_name) for j in jurors]
    assignment_form.idea.choices = [SelectChoice(i.id, i.title) for i in ideas]
    return render_template(
        "jury/setup.html",
        challenge=challenge,
        round=round_,
        round_form=forms.get("round_form") or RoundForm(data=RoundForm.initial(round_)),
        criterion_form=forms.get("criterion_form")
        or CriterionForm(data={"position": len(round_.criteria) + 1, "weight": 1.0}),
        juror_form=forms.get("juror_form") or JurorForm(),
        assignment_form=assignment_form,
        button_form=CsrfForm(),
        jurors=jurors,
        ideas=ideas,
        by_idea=by_idea,
        active=active,
        short=short,
        conflicts=conflicts,
        juror_by_id=juror_by_id,
        idea_by_id=idea_by_id,
        progress=services.progress(jurors),
        setup_open=services.setup_open(challenge),
    ), status


def _failed(form: Any, exc: DomainError, default_field: str) -> int:
    field = getattr(form, exc.field or default_field, None) or getattr(form, default_field)
    field.errors = [*field.errors, exc.message]
    return exc.status


def _done(slug: str, message: str, anchor: str) -> Response:
    flash(message, "success")
    return redirect(url_for("jury.setup", slug=slug, _anchor=anchor), 303)


@bp.route("/manage/challenges/<slug>/jury", methods=["GET", "POST"])
def setup(slug: str):  # noqa: ANN201
    round_ = _setup_round(slug)
    if request.method == "GET":
        return _render_setup(round_)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            services.update_round(current_user, round_, form.to_data())
        except DomainError as exc:
            return _render_setup(round_, _failed(form, exc, "scale_labels"), round_form=form)
        return _done(slug, _("The jury settings were saved."), "settings")
    return _render_setup(round_, 400, round_form=form)


@bp.post("/manage/challenges/<slug>/jury/criteria")
def criterion_add(slug: str):  # noqa: ANN201
    round_ = _setup_round(slug)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            services.add_criterion(current_user, round_, form.to_data())
        except DomainError as exc:
            return _render_setup(round_, _failed(form, exc, "name"), criterion_form=form)
        return _done(slug, _("The criterion was added."), "criteria")
    return _render_setup(round_, 400, criterion_form=form)


@bp.post("/manage/challenges/<slug>/jury/criteria/defaults")
def criteria_defaults(slug: str):  # noqa: ANN201
    round_ = _setup_round(slug)
    services.add_default_criteria(current_user, round_)
    return _done(slug, _("The four suggested criteria were added."), "criteria")


def _criterion(round_: JuryRound, criterion_id: int) -> JuryCriterion:
    criterion = perm.get_or_404(JuryCriterion, criterion_id)
    if criterion.round_id != round_.id:
        abort(404)
    return criterion


@bp.route("/manage/challenges/<slug>/jury/criteria/<int:criterion_id>", methods=["GET", "POST"])
def criterion_edit(slug: str, criterion_id: int):  # noqa: ANN201
    round_ = _setup_round(slug)
    criterion = _criterion(round_, criterion_id)
    form = CriterionForm(data=CriterionForm.initial(criterion))
    status = 200
    if form.validate_on_submit():
        try:
            services.update_criterion(current_user, criterion, form.to_data())
        except DomainError as exc:
            status = _failed(form, exc, "name")
        else:
            return _done(slug, _("The criterion was saved."), "criteria")
    elif form.is_submitted():
        status = 400
    return render_template(
        "jury/criterion.html", challenge=round_.challenge, criterion=criterion, form=form
    ), status


@bp.post("/manage/challenges/<slug>/jury/criteria/<int:criterion_id>/delete")
def criterion_delete(slug: str, criterion_id: int):  # noqa: ANN201
    round_ = _setup_round(slug)
    criterion = _criterion(round_, criterion_id)
    services.delete_criterion(current_user, criterion)
    return _done(slug, _("The criterion was deleted."), "criteria")


@bp.post("/manage/challenges/<slug>/jury/jurors")
def juror_add(slug: str):  # noqa: ANN201
    round_ = _setup_round(slug)
    form = JurorForm()
    if form.validate_on_submit():
        try:
            juror = services.add_juror(current_user, round_, form.email.data or "")
        except DomainError as exc:
            return _render_setup(round_, _failed(form, exc, "email"), juror_form=form)
        return _done(slug, _("%(name)s is now a juror.", name=juror.user.display_name), "jurors")
    return _render_setup(round_, 400, juror_form=form)


def _juror(round_: JuryRound, juror_id: int) -> Juror:
    juror = perm.get_or_404(Juror, juror_id)
    if juror.round_id != round_.id:
        abort(404)
    return juror


@bp.post("/manage/challenges/<slug>/jury/jurors/<int:juror_id>/remove")
def juror_remove(slug: str, juror_id: int):  # noqa: ANN201
    round_ = _setup_round(slug)
    juror = _juror(round_, juror_id)
    services.remove_juror(current_user, juror)
    return _done(slug, _("The juror was removed."), "jurors")


@bp.post("/manage/challenges/<slug>/jury/assignments/compute")
def assignment_compute(slug: str):  # noqa: ANN201
    round_ = _setup_round(slug)
    result = services.compute_assignment(current_user, round_)
    if result.short:
        flash(
            ngettext(
                "%(num)d idea has fewer eligible jurors than wanted.",
                "%(num)d ideas have fewer eligible jurors than wanted.",
                len(result.short),
            ),
            "warning",
        )
    if not result.connected:
        flash(
            _(
                "The jurors fall into %(n)d groups that share no idea, so their scores "
                "cannot be fully compared. Add jurors or raise the jurors per idea.",
                n=result.components,
            ),
            "warning",
        )
    return _done(slug, _("The assignment was computed."), "assignments")


@bp.post("/manage/challenges/<slug>/jury/assignments")
def assignment_add(slug: str):  # noqa: ANN201
    round_ = _setup_round(slug)
    form = AssignmentForm()
    form.juror.choices = []
    form.idea.choices = []
    if not form.validate_on_submit():
        return _render_setup(round_, 400, assignment_form=form)
    juror = _juror(round_, form.juror.data)
    idea = perm.get_or_404(Idea, form.idea.data)
    if idea.challenge_id != round_.challenge_id:
        abort(404)
    try:
        services.add_assignment(current_user, round_, juror, idea)
    except DomainError as exc:
        return _render_setup(round_, _failed(form, exc, "juror"), assignment_form=form)
    return _done(slug, _("The juror was assigned to the idea."), "assignments")


@bp.post("/manage/challenges/<slug>/jury/assignments/<int:assignment_id>/remove")
def assignment_remove(slug: str, assignment_id: int):  # noqa: ANN201
    round_ = _setup_round(slug)
    assignment = perm.get_or_404(JuryAssignment, assignment_id)
    if assignment.juror.round_id != round_.id:
        abort(404)
    services.remove_assignment(current_user, assignment)
    return _done(slug, _("The assignment was removed."), "assignments")


# --- jurors ----------------------------------------------------------------------------


def _require_jury_role() -> None:
    perm.require(perm.can_judge(current_user))


@bp.get("/jury")
def home():  # noqa: ANN201
    _require_jury_role()
    jurors = list(
        db.session.scalars(
            select(Juror)
            .where(Juror.user_id == current_user.id)
            .options(selectinload(Juror.round).selectinload(JuryRound.challenge))
            .order_by(Juror.id)
        )
    )
    return render_template("jury/home.html", jurors=jurors, progress=services.progress(jurors))


def _my_juror(slug: str) -> Juror:
    """The current user's juror record in the challenge's round, else 404."""
    _require_jury_role()
    juror = db.session.scalar(
        select(Juror)
        .join(JuryRound)
        .join(Challenge, JuryRound.challenge_id == Challenge.id)
        .where(Challenge.slug == slug, Juror.user_id == current_user.id)
        .options(selectinload(Juror.round).selectinload(JuryRound.challenge))
    )
    if juror is None:
        abort(404)
    return juror


def _my_assignments(juror: Juror) -> list[JuryAssignment]:
    return list(
        db.session.scalars(
            select(JuryAssignment)
            .where(JuryAssignment.juror_id == juror.id)
            .options(
                selectinload(JuryAssignment.sheet),
                selectinload(JuryAssignment.idea).selectinload(Idea.author),
            )
            .order_by(JuryAssignment.id)
        )
    )


def _conflict_form(idea_id: int) -> ReasonForm:
    """One form per idea row: prefixed so ids stay unique (the page's token is checked
    by the app-wide CSRF protection)."""
    return ReasonForm(prefix=f"conflict-{idea_id}", meta={"csrf": False})


def _render_assigned(juror: Juror, status: int = 200, **extra: Any) -> tuple[str, int]:
    assignments = _my_assignments(juror)
    scored = sum(1 for a in assignments if a.sheet is not None and a.recused_at is None)
    total = sum(1 for a in assignments if a.recused_at is None)
    return render_template(
        "jury/assigned.html",
        juror=juror,
        challenge=juror.round.challenge,
        round=juror.round,
        assignments=assignments,
        scored=scored,
        total=total,
        conflict_forms={a.idea_id: _conflict_form(a.idea_id) for a in assignments}
        | extra.pop("conflict_forms", {}),
        scoring_open=services.scoring_open(juror.round.challenge),
        **extra,
    ), status


@bp.get("/jury/<slug>")
def assigned(slug: str):  # noqa: ANN201
    juror = _my_juror(slug)
    if juror.round.mode is JuryMode.PAIRWISE:
        return _render_assigned(juror, pairwise=True)
    return _render_assigned(juror)


@bp.post("/jury/<slug>/ideas/<int:idea_id>/conflict")
def conflict(slug: str, idea_id: int):  # noqa: ANN201
    juror = _my_juror(slug)
    idea = perm.get_or_404(Idea, idea_id)
    if idea.challenge_id != juror.round.challenge_id or idea.status is not IdeaStatus.PUBLISHED:
        abort(404)
    form = _conflict_form(idea.id)
    if form.validate_on_submit():
        try:
            services.declare_conflict(current_user, juror, idea, form.reason.data or "")
        except DomainError as exc:
            return _render_assigned(
                juror, _failed(form, exc, "reason"), conflict_forms={idea.id: form}
            )
        flash(
            _("Your conflict of interest is noted; the idea is no longer yours to judge."),
            "success",
        )
        return redirect(url_for("jury.assigned", slug=slug), 303)
    return _render_assigned(juror, 400, conflict_forms={idea.id: form})


def _my_assignment(juror: Juror, idea_id: int) -> JuryAssignment:
    """The juror's own assignment to the idea: nobody else's sheet is reachable."""
    assignment = db.session.scalar(
        select(JuryAssignment)
        .where(JuryAssignment.juror_id == juror.id, JuryAssignment.idea_id == idea_id)
        .options(
            selectinload(JuryAssignment.sheet).selectinload(JuryScoreSheet.scores),
            selectinload(JuryAssignment.idea).selectinload(Idea.author),
        )
    )
    if assignment is None:
        abort(404)
    perm.require(perm.can_score(current_user, assignment))
    return assignment


def _render_score(
    juror: Juror,
    assignment: JuryAssignment,
    form: Any,
    status: int = 200,
    recuse_form: Any = None,
    message: str | None = None,
) -> tuple[str, int]:
    return render_template(
        "jury/score.html",
        juror=juror,
        round=juror.round,
        challenge=juror.round.challenge,
        assignment=assignment,
        idea=assignment.idea,
        form=form,
        recuse_form=recuse_form or ReasonForm(),
        button_form=CsrfForm(),
        scoring_open=services.scoring_open(juror.round.challenge),
        message=message,
    ), status


@bp.route("/jury/<slug>/ideas/<int:idea_id>", methods=["GET", "POST"])
def score(slug: str, idea_id: int):  # noqa: ANN201
    juror = _my_juror(slug)
    assignment = _my_assignment(juror, idea_id)
    round_ = juror.round
    if request.method == "GET":
        data: dict[str, Any] = {}
        if assignment.sheet is not None:
            data = {f"c{s.criterion_id}": s.value for s in assignment.sheet.scores}
            data["comment"] = assignment.sheet.comment
        return _render_score(juror, assignment, score_form(round_, data=data))
    form = score_form(round_)
    if not services.scoring_open(round_.challenge):
        form.validate()
        return _render_score(juror, assignment, form, 409, message=str(services.SCORING_CLOSED))
    if form.validate_on_submit():
        try:
            services.save_sheet(current_user, assignment, form.values(), form.comment.data or "")
        except DomainError as exc:
            return _render_score(juror, assignment, form, _failed(form, exc, "comment"))
        flash(_("Your scores for “%(title)s” were saved.", title=assignment.idea.title), "success")
        return redirect(url_for("jury.assigned", slug=slug), 303)
    return _render_score(juror, assignment, form, 400)


@bp.post("/jury/<slug>/ideas/<int:idea_id>/recuse")
def recuse(slug: str, idea_id: int):  # noqa: ANN201
    juror = _my_juror(slug)
    assignment = _my_assignment(juror, idea_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.recuse(current_user, assignment, form.reason.data or "")
        except DomainError as exc:
            status = _failed(form, exc, "reason")
        else:
            flash(_("You stepped back from this idea."), "success")
            return redirect(url_for("jury.assigned", slug=slug), 303)
    else:
        status = 400
    return _render_score(juror, assignment, score_form(juror.round), status, recuse_form=form)


@bp.post("/jury/<slug>/ideas/<int:idea_id>/unrecuse")
def unrecuse(slug: str, idea_id: int):  # noqa: ANN201
    juror = _my_juror(slug)
    assignment = _my_assignment(juror, idea_id)
    services.unrecuse(current_user, assignment)
    flash(_("Your recusal is withdrawn; you can score the idea again."), "success")
    return redirect(url_for("jury.score", slug=slug, idea_id=idea_id), 303)


# --- pairwise ----------------------------------------------------------------------------


def _pairwise_juror(slug: str) -> Juror:
    juror = _my_juror(slug)
    if juror.round.mode is not JuryMode.PAIRWISE:
        abort(404)
    return juror


def _render_compare(juror: Juror, status: int = 200, message: str | None = None):  # noqa: ANN202
    challenge = juror.round.challenge
    pair = services.current_pair(juror) if services.scoring_open(challenge) else None
    ideas = {}
    if pair:
        ideas = {
            i.id: i
            for i in db.session.scalars(
                select(Idea).where(Idea.id.in_(pair)).options(selectinload(Idea.author))
            )
        }
    return render_template(
        "jury/compare.html",
        juror=juror,
        challenge=challenge,
        pair=[ideas[i] for i in pair] if pair else None,
        count=services.comparison_count(juror),
        button_form=CsrfForm(),
        scoring_open=services.scoring_open(challenge),
        message=message,
    ), status


@bp.route("/jury/<slug>/compare", methods=["GET", "POST"])
def compare(slug: str):  # noqa: ANN201
    juror = _pairwise_juror(slug)
    if request.method == "GET":
        return _render_compare(juror)
    try:
        winner = int(request.form.get("winner", ""))
        loser = int(request.form.get("loser", ""))
    except ValueError:
        return _render_compare(juror, 400, _("Choose one of the two ideas."))
    try:
        services.compare(current_user, juror, winner, loser)
    except DomainError as exc:
        if not services.scoring_open(juror.round.challenge):
            raise
        return _render_compare(juror, exc.status, str(exc.message))
    flash(_("Your comparison is saved. Here is the next pair."), "success")
    return redirect(url_for("jury.compare", slug=slug), 303)


@bp.post("/jury/<slug>/compare/undo")
def undo(slug: str):  # noqa: ANN201
    juror = _pairwise_juror(slug)
    services.undo_last(current_user, juror)
    flash(_("Your last comparison is undone. Here is that pair again."), "success")
    return redirect(url_for("jury.compare", slug=slug), 303)
