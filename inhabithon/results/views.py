"""Results: the officials' review page (ranking, quality signals, overrides,
publishing) and the public results page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import User
from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.errors import DomainError
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.pagecache import shared_page
from inhabithon.permissions import can_manage_results, can_view_challenge, require
from inhabithon.results import services
from inhabithon.results.charts import horizontal_bars
from inhabithon.results.forms import OverrideForm, PublishForm
from inhabithon.results.models import AwardKind

bp = Blueprint("results", __name__)


def _challenge(slug: str) -> Challenge:
    challenge = db.session.scalar(
        select(Challenge).options(selectinload(Challenge.event)).where(Challenge.slug == slug)
    )
    if challenge is None or not can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


# --- officials ---------------------------------------------------------------------


def _publish_defaults(computed: services.ComputedResults) -> dict[str, Any]:
    ranked = [r for r in computed.rows if r.rank is not None]
    people = services.peoples_choice(computed.ideas)
    defaults: dict[str, Any] = {
        "winner": ranked[0].idea.id if ranked else None,
        "runner_up": ranked[1].idea.id if len(ranked) > 1 else None,
        "peoples_choice": people.idea.id if people.idea is not None else None,
    }
    for award in services.awards_of(computed.challenge):
        field = {
            AwardKind.WINNER: "winner",
            AwardKind.RUNNER_UP: "runner_up",
            AwardKind.PEOPLES_CHOICE: "peoples_choice",
        }[award.kind]
        defaults[field] = award.idea_id
        defaults[f"{field}_motivation"] = award.motivation_md
    return defaults


def _review(
    challenge: Challenge,
    *,
    override_form: OverrideForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    computed = services.compute_results(challenge)
    ideas = list(computed.ideas.values())
    if override_form is None:
        override_form = OverrideForm(formdata=None)
    if publish_form is None:
        publish_form = PublishForm(formdata=None, data=_publish_defaults(computed))
    override_form.with_ideas(ideas)
    publish_form.with_ideas(ideas)
    actor_ids = {o.actor_id for o in computed.overrides if o.actor_id is not None}
    actors = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    return render_template(
        "results/review.html",
        challenge=challenge,
        computed=computed,
        people=services.peoples_choice(computed.ideas),
        published=services.published_result(challenge),
        override_form=override_form,
        publish_form=publish_form,
        actors=actors,
        votes=sorted(ideas, key=lambda i: (-i.vote_count, i.id)),
    ), status


@bp.get("/manage/challenges/<slug>/results")
def review(slug: str):  # noqa: ANN201
    challenge = _challenge(slug)
    require(can_manage_results(current_user, challenge))
    return _review(challenge)


def _field_error(form: OverrideForm | PublishForm, exc: DomainError) -> None:
    target = getattr(form, exc.field, None) if exc.field else None
    if target is None:
        target = form.idea_id if isinstance(form, OverrideForm) else form.winner
    target.errors = [*target.errors, exc.message]


@bp.post("/manage/challenges/<slug>/results/overrides")
def override(slug: str):  # noqa: ANN201
    challenge = _challenge(slug)
    require(can_manage_results(current_user, challenge))
    form = OverrideForm().with_ideas(services.challenge_ideas(challenge).values())
    status = 400
    if form.validate_on_submit():
        try:
            services.override_rank(
                current_user, challenge, form.idea_id.data, form.new_rank.data, form.reason.data
            )
        except DomainError as exc:
            _field_error(form, exc)
            status = exc.status
        else:
            flash(_("The rank was changed. The reason is kept in the record."), "success")
            return redirect(url_for("results.review", slug=slug, _anchor="overrides"), 303)
    elif challenge.phase not in services.RESULT_PHASES:
        status = 409
    return _review(challenge, override_form=form, status=status)


@bp.post("/manage/challenges/<slug>/results/publish")
def publish(slug: str):  # noqa: ANN201
    challenge = _challenge(slug)
    require(can_manage_results(current_user, challenge))
    form = PublishForm().with_ideas(services.challenge_ideas(challenge).values())
    status = 400
    if form.validate_on_submit():
        try:
            services.publish_results(current_user, challenge, form.to_choices())
        except DomainError as exc:
            _field_error(form, exc)
            status = exc.status
        else:
            flash(_("The results are published."), "success")
            return redirect(url_for("results.public", slug=slug), 303)
    elif challenge.phase not in services.RESULT_PHASES:
        status = 409
    return _review(challenge, publish_form=form, status=status)


# --- the public page ------------------------------------------------------------------


@bp.get("/challenges/<slug>/results")
@shared_page
def public(slug: str):  # noqa: ANN201
    challenge = _challenge(slug)
    result = services.published_result(challenge)
    if result is None:
        if can_manage_results(current_user, challenge):
            return render_template("results/not_published.html", challenge=challenge)
        abort(404)
    awards = services.awards_of(challenge)
    ids = {entry["idea_id"] for entry in result.ranking} | {
        entry["idea_id"] for entry in result.summary.get("votes", [])
    }
    ideas = {
        idea.id: idea
        for idea in db.session.scalars(
            select(Idea).where(Idea.id.in_(ids), Idea.status == IdeaStatus.PUBLISHED)
        )
    }
    ranking = [
        dict(entry, idea=ideas[entry["idea_id"]])
        for entry in result.ranking
        if entry["idea_id"] in ideas
    ]
    criteria = result.summary.get("criteria", [])
    breakdown = [
        {
            "idea": ideas[row["idea_id"]],
            "means": [row["criterion_means"].get(str(c["id"])) for c in criteria],
        }
        for row in result.summary.get("breakdown", [])
        if row["idea_id"] in ideas
    ]
    votes = [
        (ideas[v["idea_id"]], v["votes"])
        for v in result.summary.get("votes", [])
        if v["idea_id"] in ideas
    ]
    chart = horizontal_bars([(idea.title, n, idea.language) for idea, n in votes])
    return render_template(
        "results/public.html",
        challenge=challenge,
        result=result,
        awards=awards,
        ranking=ranking,
        criteria=criteria,
        breakdown=breakdown,
        scale=result.summary.get("scale"),
        votes=votes,
        chart=chart,
        overrides_count=sum(1 for entry in ranking if entry.get("overridden")),
    )
