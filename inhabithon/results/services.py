"""Results: the ranking computed from the jury's sheets, officials' overrides,
and publishing the awards with a public snapshot.

``compute_results`` reads everything in a fixed number of queries and feeds the
pure math (``inhabithon.jury.aggregation`` / ``pairwise``). What is published is
a snapshot of aggregates only: no juror's own scores or name ever leave here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.jury import aggregation, pairwise
from inhabithon.jury.models import (
    Juror,
    JuryAssignment,
    JuryCriterion,
    JuryMode,
    JuryRound,
    JuryScore,
    JuryScoreSheet,
    PairwiseComparison,
)
from inhabithon.markdown import render
from inhabithon.notifications import services as notifications
from inhabithon.results.models import Award, AwardKind, ChallengeResult, RankingOverride

MIN_REASON = 10
TOP_BREAKDOWN = 3  # ideas whose per-criterion means are published
RESULT_PHASES = (Phase.JURY, Phase.RESULTS, Phase.ARCHIVED)
METHOD_PAIRWISE = "pairwise"


@dataclass
class RankRow:
    idea: Idea
    rank: int | None
    tied: bool
    mean: float | None
    standard_error: float | None
    n_jurors: int
    criterion_means: dict[int, float]
    computed_rank: int | None
    overridden: bool = False
    contested: bool = False


@dataclass(frozen=True)
class JurorSignal:
    name: str
    agreement: float | None
    uninformative: bool


@dataclass(frozen=True)
class IncompleteRow:
    juror: str
    idea: Idea
    missing: tuple[str, ...]  # criterion names


@dataclass
class Quality:
    required: int = 0
    below: list[Idea] = field(default_factory=list)  # fewer complete sheets than required
    alpha: float | None = None
    jurors: list[JurorSignal] = field(default_factory=list)
    contested: list[Idea] = field(default_factory=list)
    incomplete: list[IncompleteRow] = field(default_factory=list)
    unscored: int = 0  # assignments without a sheet, recusals aside
    components: int = 0


@dataclass
class ComputedResults:
    challenge: Challenge
    round: JuryRound | None
    method: str | None  # Normalization value, "pairwise", or None without a round
    criteria: list[JuryCriterion]
    rows: list[RankRow]  # in published order: rank, then idea id; unranked last
    quality: Quality
    overrides: list[RankingOverride]
    ideas: dict[int, Idea]

    def row_for(self, idea_id: int) -> RankRow | None:
        return next((r for r in self.rows if r.idea.id == idea_id), None)


# --- computing ------------------------------------------------------------------


def challenge_ideas(challenge: Challenge) -> dict[int, Idea]:
    """The challenge's published ideas with their authors, by id."""
    ideas = db.session.scalars(
        select(Idea)
        .options(selectinload(Idea.author))
        .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
        .order_by(Idea.id)
    ).all()
    return {idea.id: idea for idea in ideas}


def _round(challenge: Challenge) -> JuryRound | None:
    return db.session.scalar(
        select(JuryRound)
        .options(
            selectinload(JuryRound.criteria),
            selectinload(JuryRound.jurors).selectinload(Juror.user),
        )
        .where(JuryRound.challenge_id == challenge.id)
    )


def _overrides(challenge: Challenge) -> list[RankingOverride]:
    return list(
        db.session.scalars(
            select(RankingOverride)
            .where(RankingOverride.challenge_id == challenge.id)
            .order_by(RankingOverride.created_at, RankingOverride.id)
        )
    )


def _rubric(
    jury: JuryRound, ideas: dict[int, Idea], names: dict[int, str], quality: Quality
) -> list[RankRow]:
    rows = db.session.execute(
        select(Juror.id, JuryAssignment.idea_id, JuryScore.criterion_id, JuryScore.value)
        .join(JuryAssignment, JuryAssignment.juror_id == Juror.id)
        .join(JuryScoreSheet, JuryScoreSheet.assignment_id == JuryAssignment.id)
        .join(JuryScore, JuryScore.sheet_id == JuryScoreSheet.id)
        .where(Juror.round_id == jury.id, JuryAssignment.recused_at.is_(None))
    ).all()
    scores = [(j, i, c, float(v)) for j, i, c, v in rows if i in ideas]
    quality.unscored = (
        db.session.scalar(
            select(func.count(JuryAssignment.id))
            .join(Juror, Juror.id == JuryAssignment.juror_id)
            .outerjoin(JuryScoreSheet, JuryScoreSheet.assignment_id == JuryAssignment.id)
            .where(
                Juror.round_id == jury.id,
                JuryAssignment.recused_at.is_(None),
                JuryScoreSheet.id.is_(None),
            )
        )
        or 0
    )
    if not jury.criteria:
        return []
    result = aggregation.aggregate(
        [(c.id, c.weight) for c in jury.criteria],
        (float(jury.scale_min), float(jury.scale_max)),
        scores,
        method=aggregation.Method(jury.normalization.value),
        ideas=list(ideas),
        required_jurors=jury.jurors_per_idea,
    )
    criterion_names = {c.id: c.name for c in jury.criteria}
    quality.required = result.coverage.required
    quality.below = [ideas[i] for i in result.coverage.below if i in ideas]
    quality.alpha = result.alpha
    quality.jurors = [
        JurorSignal(names.get(j, "?"), value, j in result.uninformative_jurors)
        for j, value in result.juror_agreement.items()
    ]
    quality.contested = [ideas[r.idea_id] for r in result.ideas if r.contested]
    quality.incomplete = [
        IncompleteRow(
            names.get(s.juror_id, "?"),
            ideas[s.idea_id],
            tuple(criterion_names[c] for c in s.missing),
        )
        for s in result.incomplete
        if s.idea_id in ideas
    ]
    quality.components = result.components
    return [
        RankRow(
            idea=ideas[r.idea_id],
            rank=r.rank,
            tied=r.tied,
            mean=r.mean,
            standard_error=r.standard_error,
            n_jurors=r.n_jurors,
            criterion_means=r.criterion_means,
            computed_rank=r.rank,
            contested=r.contested,
        )
        for r in result.ideas
        if r.idea_id in ideas
    ]


def _pairwise(jury: JuryRound, ideas: dict[int, Idea], quality: Quality) -> list[RankRow]:
    rows = db.session.scalars(
        select(PairwiseComparison)
        .join(Juror, Juror.id == PairwiseComparison.juror_id)
        .where(Juror.round_id == jury.id, PairwiseComparison.undone_at.is_(None))
        .order_by(PairwiseComparison.id)
    ).all()
    comparisons = [
        pairwise.Comparison(c.juror_id, c.winner_id, c.loser_id)
        for c in rows
        if c.winner_id in ideas and c.loser_id in ideas
    ]
    judges: dict[int, set[int]] = defaultdict(set)
    for c in comparisons:
        judges[c.winner_id].add(c.juror_id)
        judges[c.loser_id].add(c.juror_id)
    quality.required = jury.jurors_per_idea
    quality.below = [idea for i, idea in ideas.items() if len(judges[i]) < jury.jurors_per_idea]
    ranked = pairwise.rank_pairwise(comparisons, ideas=list(ideas)) if ideas else ()
    return [
        RankRow(
            idea=ideas[r.item_id],
            rank=r.rank,
            tied=r.tied,
            mean=r.value,
            standard_error=None,
            n_jurors=len(judges[r.item_id]),
            criterion_means={},
            computed_rank=r.rank,
        )
        for r in ranked
    ]


def _apply_overrides(rows: list[RankRow], overrides: list[RankingOverride]) -> list[RankRow]:
    """Move each overridden idea (its latest override counts) to its new rank.

    The other ideas keep their order and their ties; ranks are renumbered as a
    competition ranking, so an idea moved to rank 1 pushes the rest down.
    """
    latest = {o.idea_id: o for o in overrides}
    moved = sorted(
        (r for r in rows if r.idea.id in latest),
        key=lambda r: (latest[r.idea.id].new_rank, latest[r.idea.id].id),
    )
    if not moved:
        return rows
    ranked = [r for r in rows if r.idea.id not in latest and r.rank is not None]
    unranked = [r for r in rows if r.idea.id not in latest and r.rank is None]
    for row in moved:
        row.overridden = True
        position = min(max(latest[row.idea.id].new_rank, 1), len(ranked) + 1) - 1
        ranked.insert(position, row)
    previous: RankRow | None = None
    for position, row in enumerate(ranked, start=1):
        same_group = (
            previous is not None
            and not row.overridden
            and not previous.overridden
            and row.computed_rank == previous.computed_rank
        )
        row.rank = previous.rank if same_group and previous is not None else position
        previous = row
    for row in ranked:
        row.tied = sum(1 for other in ranked if other.rank == row.rank) > 1
    return ranked + unranked


def compute_results(challenge: Challenge) -> ComputedResults:
    """The ranking of ``challenge`` with its quality signals and overrides applied."""
    ideas = challenge_ideas(challenge)
    jury = _round(challenge)
    overrides = _overrides(challenge)
    quality = Quality()
    rows: list[RankRow] = []
    method: str | None = None
    criteria: list[JuryCriterion] = []
    if jury is not None:
        names = {j.id: j.user.display_name for j in jury.jurors}
        criteria = list(jury.criteria)
        if jury.mode is JuryMode.PAIRWISE:
            method = METHOD_PAIRWISE
            rows = _pairwise(jury, ideas, quality)
        else:
            method = jury.normalization.value
            rows = _rubric(jury, ideas, names, quality)
    listed = {r.idea.id for r in rows}
    rows += [
        RankRow(idea, None, False, None, None, 0, {}, None)
        for i, idea in ideas.items()
        if i not in listed
    ]
    rows = _apply_overrides(rows, overrides)
    return ComputedResults(challenge, jury, method, criteria, rows, quality, overrides, ideas)


# --- overriding -------------------------------------------------------------------


def _check_phase(challenge: Challenge) -> None:
    if challenge.phase not in RESULT_PHASES:
        raise Conflict(_l("Results can only be handled once the jury review has started."))


def override_rank(
    actor: User | None, challenge: Challenge, idea_id: int, new_rank: int, reason: str
) -> RankingOverride:
    """Put an idea at ``new_rank``; the reason is required and kept for good."""
    _check_phase(challenge)
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            _l("Explain the change in at least %(num)d characters.", num=MIN_REASON),
            field="reason",
        )
    computed = compute_results(challenge)
    row = computed.row_for(idea_id)
    if row is None:
        raise InvalidInput(_l("Choose an idea from the list."), field="idea_id")
    if not 1 <= new_rank <= len(computed.rows):
        raise InvalidInput(
            _l("The rank must be between 1 and %(num)d.", num=len(computed.rows)),
            field="new_rank",
        )
    override = RankingOverride(
        challenge_id=challenge.id,
        idea_id=idea_id,
        computed_rank=row.computed_rank,
        new_rank=new_rank,
        reason=reason,
        actor_id=actor.id if actor is not None else None,
    )
    db.session.add(override)
    db.session.flush()
    record(
        actor,
        "results.ranking_overridden",
        challenge,
        before={"idea_id": idea_id, "rank": row.rank, "computed_rank": row.computed_rank},
        after={"idea_id": idea_id, "rank": new_rank, "reason": reason},
    )
    return override


# --- publishing -------------------------------------------------------------------


@dataclass(frozen=True)
class PeoplesChoice:
    idea: Idea | None
    votes: int
    tied_with: tuple[Idea, ...]  # other ideas with as many votes (the earliest one won)


def peoples_choice(ideas: dict[int, Idea]) -> PeoplesChoice:
    """The idea with the most public votes; on a tie the earliest (lowest id)."""
    if not ideas:
        return PeoplesChoice(None, 0, ())
    ordered = sorted(ideas.values(), key=lambda i: (-i.vote_count, i.id))
    best = ordered[0]
    tied = tuple(i for i in ordered[1:] if i.vote_count == best.vote_count)
    return PeoplesChoice(best, best.vote_count, tied)


@dataclass(frozen=True)
class AwardChoice:
    kind: AwardKind
    idea_id: int | None
    motivation_md: str = ""


def _snapshot(computed: ComputedResults) -> tuple[list[dict], dict]:
    """The public ranking and aggregates: means over jurors, never a juror's sheet."""
    ranking = [
        {
            "idea_id": r.idea.id,
            "rank": r.rank,
            "tied": r.tied,
            "mean": r.mean,
            "standard_error": r.standard_error,
            "n_jurors": r.n_jurors,
            "overridden": r.overridden,
        }
        for r in computed.rows
        if r.rank is not None
    ]
    top = [r for r in computed.rows if r.rank is not None][:TOP_BREAKDOWN]
    jury = computed.round
    summary = {
        "criteria": [{"id": c.id, "name": c.name, "weight": c.weight} for c in computed.criteria],
        "scale": [jury.scale_min, jury.scale_max] if jury is not None else None,
        "breakdown": [
            {
                "idea_id": r.idea.id,
                "criterion_means": {str(c): v for c, v in r.criterion_means.items()},
            }
            for r in top
            if r.criterion_means
        ],
        "votes": [
            {"idea_id": i.id, "votes": i.vote_count}
            for i in sorted(computed.ideas.values(), key=lambda i: (-i.vote_count, i.id))
        ],
    }
    return ranking, summary


def publish_results(
    actor: User | None,
    challenge: Challenge,
    choices: list[AwardChoice],
    *,
    now: dt.datetime | None = None,
) -> ChallengeResult:
    """Publish the ranking and the awards; publishing again replaces both.

    Only once the jury review has started. The results phase starts now unless it
    has already started.
    """
    _check_phase(challenge)
    now = now or utcnow()
    computed = compute_results(challenge)
    chosen = [c for c in choices if c.idea_id is not None]
    for choice in chosen:
        if choice.idea_id not in computed.ideas:
            raise InvalidInput(_l("Choose an idea from the list."), field=choice.kind.value)
    if not any(c.kind is AwardKind.WINNER for c in chosen):
        raise InvalidInput(_l("Choose the winner."), field=AwardKind.WINNER.value)
    jury_ids = [c.idea_id for c in chosen if c.kind is not AwardKind.PEOPLES_CHOICE]
    if len(set(jury_ids)) != len(jury_ids):
        raise InvalidInput(
            _l("The winner and the runner-up must be different ideas."),
            field=AwardKind.RUNNER_UP.value,
        )
    ranking, summary = _snapshot(computed)
    result = db.session.get(ChallengeResult, challenge.id)
    republished = result is not None
    if result is None:
        result = ChallengeResult(challenge_id=challenge.id)
        db.session.add(result)
    result.published_at = now
    result.published_by_id = actor.id if actor is not None else None
    result.method = computed.method or "none"
    result.ranking = ranking
    result.summary = summary
    db.session.execute(delete(Award).where(Award.challenge_id == challenge.id))
    for choice in chosen:
        db.session.add(
            Award(
                challenge_id=challenge.id,
                idea_id=choice.idea_id,
                kind=choice.kind,
                motivation_md=choice.motivation_md,
                motivation_html=render(choice.motivation_md),
                created_at=now,
            )
        )
    if challenge.results_at is None or challenge.results_at > now:
        challenge.results_at = _results_start(challenge, now)
        challenge.updated_at = now
    db.session.flush()
    record(
        actor,
        "results.published",
        challenge,
        before={"republished": republished},
        after={
            "method": result.method,
            "awards": {c.kind.value: c.idea_id for c in chosen},
            "ranking": [(r["idea_id"], r["rank"]) for r in ranking],
        },
    )
    notifications.results_published(challenge, actor)
    return result


def _results_start(challenge: Challenge, now: dt.datetime) -> dt.datetime:
    """Now, unless the challenge is already archived: then just before that."""
    archived = challenge.archived_at
    if archived is not None and archived <= now:
        return challenge.jury_review_at + (archived - challenge.jury_review_at) / 2
    return now


# --- reading what was published --------------------------------------------------------


def published_result(challenge: Challenge) -> ChallengeResult | None:
    return db.session.get(ChallengeResult, challenge.id)


def awards_of(challenge: Challenge) -> list[Award]:
    """The challenge's awards with their ideas and authors, in award order."""
    order = list(AwardKind)
    awards = db.session.scalars(
        select(Award)
        .options(selectinload(Award.idea).selectinload(Idea.author))
        .where(Award.challenge_id == challenge.id)
    ).all()
    return sorted(awards, key=lambda a: order.index(a.kind))


def award_kinds_by_idea(challenge: Challenge) -> dict[int, list[AwardKind]]:
    """Idea id -> its award kinds, in one query; empty before the jury phase."""
    if challenge.phase not in RESULT_PHASES:
        return {}
    kinds: dict[int, list[AwardKind]] = defaultdict(list)
    order = list(AwardKind)
    for idea_id, kind in db.session.execute(
        select(Award.idea_id, Award.kind).where(Award.challenge_id == challenge.id)
    ):
        kinds[idea_id].append(kind)
    return {i: sorted(k, key=order.index) for i, k in kinds.items()}


def award_kinds_for_idea(idea: Idea) -> list[AwardKind]:
    """The idea's awards (one query, and none before the jury phase)."""
    if idea.challenge.phase not in RESULT_PHASES:
        return []
    order = list(AwardKind)
    kinds = db.session.scalars(select(Award.kind).where(Award.idea_id == idea.id)).all()
    return sorted(kinds, key=order.index)
