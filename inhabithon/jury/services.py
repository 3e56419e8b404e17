"""Every write of the jury round: the officials' setup and assignment, the jurors'
score sheets, recusals, conflicts and pairwise comparisons.

Services flush but never commit. "Who may" is checked by the views through
``permissions``; "when" (the challenge's phase) is checked here: the round can be
set up in any phase before the results, scores and comparisons are only taken
while the jury review is open.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import Role, User
from inhabithon.accounts.services import find_user_by_email
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.ideas.models import Idea, IdeaMember, IdeaStatus, MemberStatus
from inhabithon.jury import pairwise
from inhabithon.jury.assignment import Plan, plan
from inhabithon.jury.models import (
    Juror,
    JuryAssignment,
    JuryConflict,
    JuryCriterion,
    JuryMode,
    JuryRound,
    JuryScore,
    JuryScoreSheet,
    Normalization,
    PairwiseComparison,
)

Pair = tuple[int, int]
MAX_SCALE_LEVELS = 11
MAX_JURORS_PER_IDEA = 20
BUSY_FOR = dt.timedelta(minutes=10)
"""How long a pair on a juror's screen keeps its ideas from other jurors' screens."""

SETUP_CLOSED = _l("The results are out: the jury round can no longer be changed.")
SCORING_CLOSED = _l(
    "Scores can only be given or changed while the jury review is open. "
    "This challenge is not in its jury review phase."
)


# --- phases ------------------------------------------------------------------------


def setup_open(challenge: Challenge) -> bool:
    return challenge.phase not in (Phase.RESULTS, Phase.ARCHIVED)


def scoring_open(challenge: Challenge) -> bool:
    return challenge.phase is Phase.JURY


def _check_setup(challenge: Challenge) -> None:
    if not setup_open(challenge):
        raise Conflict(SETUP_CLOSED)


def _check_scoring(challenge: Challenge) -> None:
    if not scoring_open(challenge):
        raise Conflict(SCORING_CLOSED)


# --- the round ---------------------------------------------------------------------


def default_scale_labels() -> list[str]:
    return [
        _("0 – Not at all: the idea does not address this."),
        _("1 – Weak: it touches on this, with clear gaps."),
        _("2 – Fair: it addresses this reasonably."),
        _("3 – Good: it addresses this well."),
        _("4 – Excellent: an outstanding answer on this."),
    ]


def default_criteria() -> list[tuple[str, str]]:
    return [
        (_("Societal benefit"), _("How much the idea would improve life in the area.")),
        (_("Feasibility"), _("Whether the city and its partners could realistically do it.")),
        (_("Novelty"), _("How new the idea is here, compared with what exists.")),
        (_("Resident involvement"), _("How far residents take part in shaping and running it.")),
    ]


def round_of(challenge: Challenge) -> JuryRound | None:
    return db.session.scalar(select(JuryRound).where(JuryRound.challenge_id == challenge.id))


def ensure_round(actor: User | None, challenge: Challenge) -> JuryRound:
    """The challenge's round, created with the defaults on first use."""
    jury_round = round_of(challenge)
    if jury_round is None:
        jury_round = JuryRound(challenge=challenge, scale_labels=default_scale_labels())
        db.session.add(jury_round)
        db.session.flush()
        record(actor, "jury.round_created", jury_round, after={"challenge_id": challenge.id})
    return jury_round


@dataclass(frozen=True)
class RoundData:
    mode: JuryMode
    scale_min: int
    scale_max: int
    scale_labels: list[str]
    jurors_per_idea: int
    normalization: Normalization


def _round_values(jury_round: JuryRound | RoundData) -> dict[str, object]:
    return {
        "mode": jury_round.mode.value,
        "scale_min": jury_round.scale_min,
        "scale_max": jury_round.scale_max,
        "scale_labels": list(jury_round.scale_labels),
        "jurors_per_idea": jury_round.jurors_per_idea,
        "normalization": jury_round.normalization.value,
    }


def _has_scores(jury_round: JuryRound) -> bool:
    return (
        db.session.scalar(
            select(sa.func.count(JuryScoreSheet.id))
            .join(JuryAssignment)
            .join(Juror)
            .where(Juror.round_id == jury_round.id)
        )
        or 0
    ) > 0


def update_round(actor: User | None, jury_round: JuryRound, data: RoundData) -> JuryRound:
    _check_setup(jury_round.challenge)
    if data.scale_max <= data.scale_min:
        raise InvalidInput(_l("The highest level must be above the lowest."), field="scale_max")
    levels = data.scale_max - data.scale_min + 1
    if levels > MAX_SCALE_LEVELS:
        raise InvalidInput(
            _l("The scale can have at most %(n)d levels.", n=MAX_SCALE_LEVELS), field="scale_max"
        )
    labels = [label.strip() for label in data.scale_labels if label.strip()]
    if len(labels) != levels:
        raise InvalidInput(
            _l(
                "Write one sentence per level of the scale, %(n)d lines, lowest first.",
                n=levels,
            ),
            field="scale_labels",
        )
    if not 1 <= data.jurors_per_idea <= MAX_JURORS_PER_IDEA:
        raise InvalidInput(
            _l("Jurors per idea must be from 1 to %(n)d.", n=MAX_JURORS_PER_IDEA),
            field="jurors_per_idea",
        )
    scale_changed = (data.scale_min, data.scale_max) != (jury_round.scale_min, jury_round.scale_max)
    if scale_changed and _has_scores(jury_round):
        raise Conflict(
            _l("Jurors have already scored on this scale; it can no longer change."),
            field="scale_min",
        )
    before = _round_values(jury_round)
    jury_round.mode = data.mode
    jury_round.scale_min, jury_round.scale_max = data.scale_min, data.scale_max
    jury_round.scale_labels = labels
    jury_round.jurors_per_idea = data.jurors_per_idea
    jury_round.normalization = data.normalization
    jury_round.updated_at = utcnow()
    db.session.flush()
    record(actor, "jury.round_changed", jury_round, before=before, after=_round_values(jury_round))
    return jury_round


# --- criteria ----------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionData:
    name: str
    description: str
    weight: float
    position: int


def _criterion_values(c: JuryCriterion | CriterionData) -> dict[str, object]:
    return {
        "name": c.name,
        "description": c.description,
        "weight": c.weight,
        "position": c.position,
    }


def _check_criterion(data: CriterionData) -> CriterionData:
    name = data.name.strip()
    if not name:
        raise InvalidInput(_l("Give the criterion a name."), field="name")
    if len(name) > 120:
        raise InvalidInput(_l("The name can be at most 120 characters."), field="name")
    if not data.weight > 0:
        raise InvalidInput(_l("The weight must be above zero."), field="weight")
    return CriterionData(name, data.description.strip(), float(data.weight), data.position)


def add_criterion(actor: User | None, jury_round: JuryRound, data: CriterionData) -> JuryCriterion:
    _check_setup(jury_round.challenge)
    data = _check_criterion(data)
    criterion = JuryCriterion(round=jury_round, **_criterion_values(data))
    db.session.add(criterion)
    db.session.flush()
    record(actor, "jury.criterion_added", criterion, after=_criterion_values(criterion))
    return criterion


def add_default_criteria(actor: User | None, jury_round: JuryRound) -> list[JuryCriterion]:
    """The four suggested criteria, each weight 1, after any already there."""
    start = max((c.position for c in jury_round.criteria), default=0) + 1
    return [
        add_criterion(actor, jury_round, CriterionData(name, description, 1.0, start + n))
        for n, (name, description) in enumerate(default_criteria())
    ]


def update_criterion(
    actor: User | None, criterion: JuryCriterion, data: CriterionData
) -> JuryCriterion:
    _check_setup(criterion.round.challenge)
    data = _check_criterion(data)
    before = _criterion_values(criterion)
    criterion.name, criterion.description = data.name, data.description
    criterion.weight, criterion.position = data.weight, data.position
    db.session.flush()
    record(actor, "jury.criterion_changed", criterion, before=before, after=_criterion_values(data))
    return criterion


def delete_criterion(actor: User | None, criterion: JuryCriterion) -> None:
    _check_setup(criterion.round.challenge)
    scored = db.session.scalar(
        select(sa.func.count()).select_from(JuryScore).where(JuryScore.criterion_id == criterion.id)
    )
    if scored:
        raise Conflict(_l("Jurors have scored this criterion; it can no longer be deleted."))
    record(actor, "jury.criterion_deleted", criterion, before=_criterion_values(criterion))
    db.session.delete(criterion)
    db.session.flush()


# --- jurors ------------------------------------------------------------------------


def add_juror(actor: User | None, jury_round: JuryRound, email: str) -> Juror:
    _check_setup(jury_round.challenge)
    user = find_user_by_email(email or "")
    if user is None:
        raise InvalidInput(_l("No account has this e-mail address."), field="email")
    if not user.has_role(Role.JURY):
        raise InvalidInput(
            _l(
                "%(name)s does not have the jury role. An admin can give it on the users page.",
                name=user.display_name,
            ),
            field="email",
        )
    if any(j.user_id == user.id for j in jury_round.jurors):
        raise Conflict(_l("%(name)s is already a juror.", name=user.display_name), field="email")
    juror = Juror(round=jury_round, user_id=user.id)
    db.session.add(juror)
    db.session.flush()
    record(actor, "jury.juror_added", juror, after={"user_id": user.id})
    return juror


def remove_juror(actor: User | None, juror: Juror) -> None:
    _check_setup(juror.round.challenge)
    has_work = db.session.scalar(
        select(sa.func.count(JuryScoreSheet.id))
        .join(JuryAssignment)
        .where(JuryAssignment.juror_id == juror.id)
    ) or db.session.scalar(
        select(sa.func.count(PairwiseComparison.id)).where(PairwiseComparison.juror_id == juror.id)
    )
    if has_work:
        raise Conflict(_l("This juror has already judged ideas and cannot be removed."))
    record(actor, "jury.juror_removed", juror, before={"user_id": juror.user_id})
    db.session.delete(juror)
    db.session.flush()


# --- assignment --------------------------------------------------------------------


def published_ideas(challenge: Challenge) -> list[Idea]:
    return list(
        db.session.scalars(
            select(Idea)
            .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
            .order_by(Idea.id)
        )
    )


def exclusions(jury_round: JuryRound, idea_ids: list[int] | None = None) -> set[Pair]:
    """(juror, idea) pairs never allowed: the juror's own team's ideas and conflicts."""
    jurors = {j.user_id: j.id for j in jury_round.jurors}
    if not jurors:
        return set()
    if idea_ids is None:
        idea_ids = [i.id for i in published_ideas(jury_round.challenge)]
    excluded: set[Pair] = set()
    members = db.session.execute(
        select(IdeaMember.user_id, IdeaMember.idea_id).where(
            IdeaMember.idea_id.in_(idea_ids),
            IdeaMember.status == MemberStatus.ACCEPTED,
            IdeaMember.user_id.in_(jurors),
        )
    )
    authors = db.session.execute(
        select(Idea.author_id, Idea.id).where(Idea.id.in_(idea_ids), Idea.author_id.in_(jurors))
    )
    for user_id, idea_id in [*members, *authors]:
        excluded.add((jurors[user_id], idea_id))
    conflicts = db.session.execute(
        select(JuryConflict.juror_id, JuryConflict.idea_id).where(
            JuryConflict.juror_id.in_(jurors.values())
        )
    )
    excluded.update((j, i) for j, i in conflicts)
    return excluded


def assignments_of(jury_round: JuryRound) -> list[JuryAssignment]:
    return list(
        db.session.scalars(
            select(JuryAssignment)
            .join(Juror)
            .where(Juror.round_id == jury_round.id)
            .options(selectinload(JuryAssignment.sheet))
            .order_by(JuryAssignment.id)
        )
    )


def compute_assignment(actor: User | None, jury_round: JuryRound) -> Plan:
    """Replace the computed assignments of ideas nobody has scored yet.

    Manual assignments, recusals and every assignment of an idea with a score
    sheet stay; the rest is computed again with ``assignment.plan``.
    """
    _check_setup(jury_round.challenge)
    ideas = [i.id for i in published_ideas(jury_round.challenge)]
    jurors = [j.id for j in jury_round.jurors]
    existing = assignments_of(jury_round)
    scored_ideas = {a.idea_id for a in existing if a.sheet is not None}
    keep = [a for a in existing if a.is_manual or a.idea_id in scored_ideas or a.recused_at]
    excluded = exclusions(jury_round, ideas) | {
        (a.juror_id, a.idea_id) for a in keep if a.recused_at
    }
    fixed = {(a.juror_id, a.idea_id) for a in keep if not a.recused_at}
    result = plan(ideas, jurors, jury_round.jurors_per_idea, excluded, fixed, seed=jury_round.id)
    kept = {(a.juror_id, a.idea_id) for a in keep}
    before = len(existing)
    for a in existing:
        if (a.juror_id, a.idea_id) not in kept and (a.juror_id, a.idea_id) not in result.pairs:
            db.session.delete(a)
    current = {(a.juror_id, a.idea_id) for a in existing}
    db.session.flush()
    for juror_id, idea_id in sorted(result.pairs - current):
        db.session.add(JuryAssignment(juror_id=juror_id, idea_id=idea_id))
    db.session.flush()
    record(
        actor,
        "jury.assignment_computed",
        jury_round,
        before={"assignments": before},
        after={
            "assignments": len(result.pairs | kept),
            "short": list(result.short),
            "components": result.components,
        },
    )
    return result


def add_assignment(
    actor: User | None, jury_round: JuryRound, juror: Juror, idea: Idea
) -> JuryAssignment:
    _check_setup(jury_round.challenge)
    if juror.round_id != jury_round.id or idea.challenge_id != jury_round.challenge_id:
        raise InvalidInput(_l("Choose a juror and an idea of this round."))
    if idea.status is not IdeaStatus.PUBLISHED:
        raise InvalidInput(_l("Only published ideas can be assigned."), field="idea")
    if (juror.id, idea.id) in exclusions(jury_round, [idea.id]):
        raise Conflict(
            _l("This juror is on the idea's team or declared a conflict with it."), field="juror"
        )
    exists = db.session.scalar(
        select(JuryAssignment.id).where(
            JuryAssignment.juror_id == juror.id, JuryAssignment.idea_id == idea.id
        )
    )
    if exists is not None:
        raise Conflict(_l("This juror is already assigned to the idea."), field="juror")
    assignment = JuryAssignment(juror_id=juror.id, idea_id=idea.id, is_manual=True)
    db.session.add(assignment)
    db.session.flush()
    record(
        actor,
        "jury.assignment_changed",
        assignment,
        after={"juror_id": juror.id, "idea_id": idea.id, "assigned": True},
    )
    return assignment


def remove_assignment(actor: User | None, assignment: JuryAssignment) -> None:
    _check_setup(assignment.juror.round.challenge)
    if assignment.sheet is not None:
        raise Conflict(_l("The juror has already scored this idea; the assignment stays."))
    record(
        actor,
        "jury.assignment_changed",
        assignment,
        before={"juror_id": assignment.juror_id, "idea_id": assignment.idea_id, "assigned": True},
        after={"assigned": False},
    )
    db.session.delete(assignment)
    db.session.flush()


# --- jurors' work: sheets, recusal, conflicts -----------------------------------------


def juror_of(user: User, challenge: Challenge) -> Juror | None:
    return db.session.scalar(
        select(Juror)
        .join(JuryRound)
        .where(JuryRound.challenge_id == challenge.id, Juror.user_id == user.id)
    )


def sheet_values(sheet: JuryScoreSheet | None) -> dict[str, object] | None:
    if sheet is None:
        return None
    return {
        "scores": {
            str(s.criterion_id): s.value for s in sorted(sheet.scores, key=lambda s: s.criterion_id)
        },
        "comment": sheet.comment,
    }


def save_sheet(
    user: User, assignment: JuryAssignment, values: dict[int, int | None], comment: str
) -> JuryScoreSheet:
    """Create or change the juror's sheet; every criterion needs a value on the scale."""
    jury_round = assignment.juror.round
    _check_scoring(jury_round.challenge)
    if assignment.recused_at is not None:
        raise Conflict(_l("You recused yourself from this idea. Withdraw the recusal to score it."))
    for criterion in jury_round.criteria:
        value = values.get(criterion.id)
        if value is None:
            raise InvalidInput(
                _l("Choose a score for “%(name)s”.", name=criterion.name), field=f"c{criterion.id}"
            )
        if not jury_round.scale_min <= value <= jury_round.scale_max:
            raise InvalidInput(
                _l(
                    "Scores go from %(min)d to %(max)d.",
                    min=jury_round.scale_min,
                    max=jury_round.scale_max,
                ),
                field=f"c{criterion.id}",
            )
    if not jury_round.criteria:
        raise Conflict(_l("The officials have not set any criteria yet."))
    sheet = assignment.sheet
    before = sheet_values(sheet)
    now = utcnow()
    if sheet is None:
        sheet = JuryScoreSheet(assignment=assignment, created_at=now)
        db.session.add(sheet)
    sheet.comment = comment.strip()
    sheet.updated_at = now
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    for criterion in jury_round.criteria:
        value = values[criterion.id]
        assert value is not None
        if criterion.id in by_criterion:
            by_criterion[criterion.id].value = value
        else:
            sheet.scores.append(JuryScore(criterion_id=criterion.id, value=value))
    db.session.flush()
    record(user, "jury.score_changed", sheet, before=before, after=sheet_values(sheet))
    return sheet


def recuse(user: User, assignment: JuryAssignment, reason: str) -> None:
    """Step back from an idea; a sheet already given is removed (kept in the audit)."""
    _check_setup(assignment.juror.round.challenge)
    if not reason.strip():
        raise InvalidInput(_l("Say briefly why you step back from this idea."), field="reason")
    if assignment.recused_at is not None:
        raise Conflict(_l("You have already recused yourself from this idea."))
    before = sheet_values(assignment.sheet)
    assignment.recused_at = utcnow()
    assignment.recusal_reason = reason.strip()
    if assignment.sheet is not None:
        db.session.delete(assignment.sheet)
    db.session.flush()
    record(
        user,
        "jury.recused",
        assignment,
        before={"sheet": before},
        after={"reason": assignment.recusal_reason},
    )


def unrecuse(user: User, assignment: JuryAssignment) -> None:
    _check_setup(assignment.juror.round.challenge)
    if assignment.recused_at is None:
        raise Conflict(_l("You have not recused yourself from this idea."))
    before = {"reason": assignment.recusal_reason}
    assignment.recused_at = None
    assignment.recusal_reason = ""
    db.session.flush()
    record(user, "jury.recusal_withdrawn", assignment, before=before)


def declare_conflict(user: User, juror: Juror, idea: Idea, reason: str) -> JuryConflict:
    """A conflict of interest: the assignment (and any sheet) goes, the idea is excluded."""
    _check_setup(juror.round.challenge)
    if not reason.strip():
        raise InvalidInput(_l("Describe the conflict of interest."), field="reason")
    exists = db.session.scalar(
        select(JuryConflict.id).where(
            JuryConflict.juror_id == juror.id, JuryConflict.idea_id == idea.id
        )
    )
    if exists is not None:
        raise Conflict(_l("You have already declared a conflict with this idea."))
    assignment = db.session.scalar(
        select(JuryAssignment).where(
            JuryAssignment.juror_id == juror.id, JuryAssignment.idea_id == idea.id
        )
    )
    before = None
    if assignment is not None:
        before = {"assignment_id": assignment.id, "sheet": sheet_values(assignment.sheet)}
        db.session.delete(assignment)
    conflict = JuryConflict(juror_id=juror.id, idea_id=idea.id, reason=reason.strip())
    db.session.add(conflict)
    db.session.flush()
    record(
        user,
        "jury.conflict_declared",
        conflict,
        before=before,
        after={"idea_id": idea.id, "reason": conflict.reason},
    )
    return conflict


# --- pairwise ----------------------------------------------------------------------


def _comparisons(jury_round: JuryRound) -> list[PairwiseComparison]:
    return list(
        db.session.scalars(
            select(PairwiseComparison)
            .join(Juror)
            .where(Juror.round_id == jury_round.id)
            .order_by(PairwiseComparison.created_at, PairwiseComparison.id)
        )
    )


def _pair_valid(
    pair: tuple[int, int],
    ideas: set[int],
    judged: set[frozenset[int]],
    excluded: set[int],
) -> bool:
    a, b = pair
    return (
        a in ideas
        and b in ideas
        and a != b
        and not {a, b} & excluded
        and frozenset(pair) not in judged
    )


def current_pair(juror: Juror, now: dt.datetime | None = None) -> tuple[int, int] | None:
    """The pair on the juror's screen, choosing (and remembering) a new one if needed."""
    now = now or utcnow()
    jury_round = juror.round
    ideas = {i.id for i in published_ideas(jury_round.challenge)}
    everything = _comparisons(jury_round)
    live = [c for c in everything if c.undone_at is None]
    mine = [c for c in live if c.juror_id == juror.id]
    judged = {frozenset((c.winner_id, c.loser_id)) for c in mine}
    excluded = {i for j, i in exclusions(jury_round, sorted(ideas)) if j == juror.id}
    if juror.current_a_id is not None and juror.current_b_id is not None:
        pair = (juror.current_a_id, juror.current_b_id)
        if _pair_valid(pair, ideas, judged, excluded):
            return pair
    state = pairwise.replay(
        [pairwise.Comparison(*c.as_tuple()) for c in live],
        ideas=ideas,
        jurors=[juror.id],
    )
    candidates = {i: state.beliefs[i] for i in sorted(ideas)}
    reliability = state.reliabilities[juror.id]
    others = db.session.scalars(
        select(Juror).where(
            Juror.round_id == jury_round.id,
            Juror.id != juror.id,
            Juror.pair_shown_at.is_not(None),
            Juror.pair_shown_at > now - BUSY_FOR,
        )
    )
    busy = {i for j in others for i in (j.current_a_id, j.current_b_id) if i is not None}
    rng = random.Random(  # noqa: S311 - reproducible choices, not secrets
        juror.id * 1_000_003 + sum(1 for c in everything if c.juror_id == juror.id)
    )

    def seen_with(idea: int) -> set[int]:
        return {other for pair in judged if idea in pair for other in pair if other != idea}

    def pick(blocked: set[int]) -> tuple[int, int] | None:
        previous = mine[-1].winner_id if mine else None
        if previous is not None and previous in candidates and previous not in excluded:
            b = pairwise.choose_next(
                reliability,
                previous,
                candidates,
                seen=seen_with(previous),
                busy=blocked,
                excluded=excluded,
                rng=rng,
            )
            if b is not None:
                return (previous, b)
        starts = [i for i in sorted(candidates) if i not in excluded]
        rng.shuffle(starts)
        starts.sort(key=lambda i: i in blocked)  # idle ideas first
        for a in starts:
            b = pairwise.choose_next(
                reliability,
                a,
                candidates,
                seen=seen_with(a),
                busy=blocked,
                excluded=excluded,
                rng=rng,
            )
            if b is not None:
                return (a, b)
        return None

    chosen = pick(busy) or pick(set())  # a busy idea rather than none at all
    juror.current_a_id, juror.current_b_id = chosen if chosen else (None, None)
    juror.pair_shown_at = now if chosen else None
    db.session.flush()
    return chosen


def compare(user: User, juror: Juror, winner_id: int, loser_id: int) -> PairwiseComparison:
    """Record "winner is better than loser" for the pair on the juror's screen."""
    _check_scoring(juror.round.challenge)
    shown = {juror.current_a_id, juror.current_b_id}
    if None in shown or {winner_id, loser_id} != shown or winner_id == loser_id:
        raise Conflict(
            _l("These ideas are no longer the pair to compare. Here is the current pair.")
        )
    comparison = PairwiseComparison(juror_id=juror.id, winner_id=winner_id, loser_id=loser_id)
    db.session.add(comparison)
    juror.current_a_id = juror.current_b_id = None
    juror.pair_shown_at = None
    db.session.flush()
    record(user, "jury.compared", comparison, after={"winner_id": winner_id, "loser_id": loser_id})
    return comparison


def undo_last(user: User, juror: Juror) -> PairwiseComparison:
    """Mark the juror's latest comparison undone and put its pair back on the screen."""
    _check_scoring(juror.round.challenge)
    last = db.session.scalar(
        select(PairwiseComparison)
        .where(PairwiseComparison.juror_id == juror.id, PairwiseComparison.undone_at.is_(None))
        .order_by(PairwiseComparison.created_at.desc(), PairwiseComparison.id.desc())
        .limit(1)
    )
    if last is None:
        raise Conflict(_l("There is no comparison to undo."))
    last.undone_at = utcnow()
    juror.current_a_id, juror.current_b_id = last.winner_id, last.loser_id
    juror.pair_shown_at = utcnow()
    db.session.flush()
    record(user, "jury.comparison_undone", last)
    return last


def comparison_count(juror: Juror) -> int:
    return (
        db.session.scalar(
            select(sa.func.count(PairwiseComparison.id)).where(
                PairwiseComparison.juror_id == juror.id, PairwiseComparison.undone_at.is_(None)
            )
        )
        or 0
    )


def progress(jurors: list[Juror]) -> dict[int, tuple[int, int]]:
    """Per juror (id): (sheets given, assignments not recused), in one query."""
    if not jurors:
        return {}
    rows = db.session.execute(
        select(
            JuryAssignment.juror_id,
            sa.func.count(JuryAssignment.id),
            sa.func.count(JuryScoreSheet.id),
        )
        .outerjoin(JuryScoreSheet, JuryScoreSheet.assignment_id == JuryAssignment.id)
        .where(
            JuryAssignment.juror_id.in_([j.id for j in jurors]), JuryAssignment.recused_at.is_(None)
        )
        .group_by(JuryAssignment.juror_id)
    )
    counts: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for juror_id, total, scored in rows:
        counts[juror_id] = (scored, total)
    return {j.id: counts[j.id] for j in jurors}
