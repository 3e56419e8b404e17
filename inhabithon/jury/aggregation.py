"""Rubric scoring: from jurors' score sheets to a ranking with its quality signals.

Pure functions over plain ids, so the web layer feeds rows in and renders what comes
out; no database, no Flask. Every loop runs over sorted ids, so the output (floats
included) does not depend on the order of the input rows.

The path of a score:

1. ``weighted_totals``: a juror's sheet for an idea becomes one number, the weighted
   sum over the criteria (weights normalised to sum 1, so the total stays on the
   scale). Only complete sheets count; a sheet missing a criterion is reported by
   ``incomplete_sheets`` instead of being averaged over what is there, which would
   quietly reweight the rubric.
2. ``normalise``: jurors differ in leniency (where they sit on the scale) and in
   spread (how much of it they use). Two remedies, chosen by ``Method``:
   ``ZSCORE`` standardises each juror, ``JUROR_EFFECT`` fits an additive model.
3. ``aggregate``: per idea the mean of normalised scores, its standard error, the
   per-criterion raw means for the public breakdown, and a competition ranking;
   plus coverage, Krippendorff's alpha, juror agreement and the contested ideas
   (those quality signals live in ``quality``; they are re-exported here).
"""

from __future__ import annotations

import enum
import math
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from inhabithon.jury.quality import (
    TIE_TOLERANCE,
    Coverage,
    Disagreement,
    Pair,
    _by_idea,
    _by_juror,
    _is_flat,
    _mean,
    _sd,
    _squares,
    coverage,
    disagreements,
    juror_agreement,
    krippendorff_alpha,
)

__all__ = [  # the quality signals are re-exported, so callers need one module
    "TIE_TOLERANCE",
    "Coverage",
    "Disagreement",
    "Pair",
    "coverage",
    "disagreements",
    "juror_agreement",
    "krippendorff_alpha",
]

PRIOR_STRENGTH = 3.0
"""z-scores: the pooled spread counts as this many degrees of freedom of each juror's."""
RIDGE = 1.0
"""Juror-effect model: penalty on offsets, as if each juror had one extra score at offset 0."""


class Method(enum.Enum):
    ZSCORE = "zscore"
    JUROR_EFFECT = "juror_effect"


@dataclass(frozen=True)
class IncompleteSheet:
    juror_id: int
    idea_id: int
    missing: tuple[int, ...]  # criterion ids


@dataclass(frozen=True)
class Normalised:
    scores: dict[Pair, float]
    uninformative_jurors: frozenset[int]  # their scores are 0 and left out of means
    offsets: dict[int, float]  # juror leniency (JUROR_EFFECT only; empty for ZSCORE)
    components: int  # groups of jurors linked by shared ideas


@dataclass(frozen=True)
class Ranked:
    item_id: int
    value: float
    rank: int
    tied: bool


@dataclass(frozen=True)
class IdeaResult:
    idea_id: int
    rank: int | None  # None: no informative score yet
    tied: bool
    mean: float | None
    standard_error: float | None  # None with fewer than two informative scores
    sd: float | None
    n_jurors: int  # complete sheets
    criterion_means: dict[int, float]  # raw, for the public breakdown
    contested: bool  # among the ideas jurors disagree on most


@dataclass(frozen=True)
class Result:
    method: Method
    ideas: tuple[IdeaResult, ...]  # by rank, then idea id; unranked ideas last
    incomplete: tuple[IncompleteSheet, ...]
    coverage: Coverage
    alpha: float | None
    juror_agreement: dict[int, float | None]
    juror_offsets: dict[int, float]
    uninformative_jurors: frozenset[int]
    components: int


@dataclass(frozen=True)
class _Sheets:
    totals: dict[Pair, float]
    values: dict[Pair, dict[int, float]]  # complete sheets only
    incomplete: tuple[IncompleteSheet, ...]


def _read_sheets(
    criteria: Sequence[tuple[int, float]],
    scale: tuple[float, float],
    scores: Iterable[tuple[int, int, int, float]],
) -> _Sheets:
    low, high = scale
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"scale must be finite with min < max, got {scale!r}")
    weights = dict(criteria)
    if not weights or len(weights) != len(criteria):
        raise ValueError("criteria must be non-empty with distinct ids")
    if not all(math.isfinite(w) and w > 0 for w in weights.values()):
        raise ValueError("criterion weights must be finite and > 0")
    total_weight = math.fsum(weights.values())
    sheets: dict[Pair, dict[int, float]] = defaultdict(dict)
    for juror, idea, criterion, value in scores:
        if criterion not in weights:
            raise ValueError(f"unknown criterion {criterion}")
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"score {value!r} outside the scale {scale!r}")
        if criterion in sheets[juror, idea]:
            raise ValueError(f"two scores by juror {juror} for idea {idea}, criterion {criterion}")
        sheets[juror, idea][criterion] = value
    totals: dict[Pair, float] = {}
    complete: dict[Pair, dict[int, float]] = {}
    incomplete = []
    for pair in sorted(sheets):
        sheet = sheets[pair]
        missing = tuple(c for c in sorted(weights) if c not in sheet)
        if missing:
            incomplete.append(IncompleteSheet(pair[0], pair[1], missing))
            continue
        complete[pair] = sheet
        totals[pair] = math.fsum(weights[c] / total_weight * sheet[c] for c in sorted(weights))
    return _Sheets(totals, complete, tuple(incomplete))


def weighted_totals(
    criteria: Sequence[tuple[int, float]],
    scale: tuple[float, float],
    scores: Iterable[tuple[int, int, int, float]],
) -> dict[Pair, float]:
    """Each complete sheet's weighted sum, keyed by (juror_id, idea_id).

    ``criteria`` is ``[(criterion_id, weight)]`` with weights > 0, normalised here to
    sum 1; ``scores`` is ``[(juror_id, idea_id, criterion_id, value)]`` with values
    inside ``scale`` (min, max). Raises ValueError on unknown criteria, values off
    the scale or a criterion scored twice. Incomplete sheets are left out; see
    ``incomplete_sheets``.
    """
    return _read_sheets(criteria, scale, scores).totals


def incomplete_sheets(
    criteria: Sequence[tuple[int, float]],
    scale: tuple[float, float],
    scores: Iterable[tuple[int, int, int, float]],
) -> tuple[IncompleteSheet, ...]:
    """The sheets missing at least one criterion, with the missing criterion ids."""
    return _read_sheets(criteria, scale, scores).incomplete


def _components(pairs: Iterable[Pair]) -> list[list[int]]:
    """Jurors grouped by connectivity through shared ideas (union-find), sorted."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for juror, idea in pairs:
        parent[find(("j", juror))] = find(("i", idea))
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for kind, node_id in sorted(parent):
        if kind == "j":
            groups[find((kind, node_id))].append(node_id)
    return sorted(groups.values())


def _zscores(
    totals: Mapping[Pair, float], prior_strength: float
) -> tuple[dict[Pair, float], frozenset[int]]:
    rows = _by_juror(totals)
    flat = frozenset(j for j, row in rows.items() if len(row) < 2 or _is_flat(row.values()))
    means = {j: _mean(list(row.values())) for j, row in rows.items()}
    squares = {j: _squares(list(row.values())) for j, row in rows.items()}
    freedom = sum(len(rows[j]) - 1 for j in rows if j not in flat)
    pooled = math.fsum(squares[j] for j in rows if j not in flat) / freedom if freedom else 0.0
    scores: dict[Pair, float] = {}
    for juror, row in rows.items():
        if juror in flat:  # no information, and maybe a zero spread: never divide
            scores.update(((juror, idea), 0.0) for idea in row)
            continue
        spread = math.sqrt(
            (squares[juror] + prior_strength * pooled) / (len(row) - 1 + prior_strength)
        )
        scores.update(((juror, idea), (v - means[juror]) / spread) for idea, v in row.items())
    return dict(sorted(scores.items())), flat


def solve_spd(matrix: Sequence[Sequence[float]], rhs: Sequence[float]) -> list[float]:
    """x with matrix @ x = rhs, for a symmetric positive definite matrix (Cholesky).

    The jury's systems are small (one row per juror or idea), so plain Python will do.
    """
    n = len(rhs)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        row = low[i]
        for j in range(i + 1):
            s = matrix[i][j] - sum(map(operator.mul, row[:j], low[j][:j]))
            if i == j and s <= 0:
                raise ValueError("the matrix is not positive definite")
            row[j] = math.sqrt(s) if i == j else s / low[j][j]
    y: list[float] = []
    for i in range(n):
        y.append((rhs[i] - sum(map(operator.mul, low[i][:i], y))) / low[i][i])
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (y[i] - sum(low[k][i] * x[k] for k in range(i + 1, n))) / low[i][i]
    return x


def _juror_effects(totals: Mapping[Pair, float], ridge: float) -> dict[int, float]:
    """Offsets b minimising sum (x_ji - q_i - b_j)^2 + ridge * sum b_j^2, per component.

    Setting the gradient in q to zero gives q_i = mean over J(i) of (x_ji - b_j);
    substituting leaves an m x m system in the offsets alone (m = jurors, small):
    (n_j + ridge) b_j - sum_{i in I(j)} sum_{k in J(i)} b_k / |J(i)|
    = sum_{i in I(j)} (x_ji - mean_i). Within a connected component the data cannot
    tell a shift of all q up from a shift of all b down; the ridge optimum takes the
    shift that makes the component's offsets sum to zero, and so does the constraint
    added below (+ 1/m to every entry), which keeps the system regular at ridge = 0.
    """
    rows, columns = _by_juror(totals), _by_idea(totals)
    idea_means = {idea: _mean(list(col.values())) for idea, col in columns.items()}
    offsets: dict[int, float] = {}
    for jurors in _components(totals):
        index = {juror: k for k, juror in enumerate(jurors)}
        m = len(jurors)
        matrix = [[1.0 / m] * m for _ in range(m)]
        rhs = [0.0] * m
        for juror in jurors:
            j = index[juror]
            matrix[j][j] += len(rows[juror]) + ridge
            rhs[j] = math.fsum(v - idea_means[i] for i, v in rows[juror].items())
            for idea in rows[juror]:
                for other in columns[idea]:
                    matrix[j][index[other]] -= 1.0 / len(columns[idea])
        offsets.update(zip(jurors, solve_spd(matrix, rhs), strict=True))
    return offsets


def normalise(
    totals: Mapping[Pair, float],
    method: Method = Method.ZSCORE,
    *,
    prior_strength: float = PRIOR_STRENGTH,
    ridge: float = RIDGE,
) -> Normalised:
    """Put every juror's totals on a common footing.

    ``ZSCORE``: z = (x - juror mean) / juror spread. With few scores a juror's sample
    spread is mostly noise (two scores always give z = ±0.71, whether the juror wrote
    7 and 7.1 or 1 and 10), so the variance is shrunk toward the pooled within-juror
    variance, in the spirit of the empirical-Bayes variance shrinkage of Smyth
    (2004, limma): s2_shrunk = (SS_j + k * s2_pool) / ((n_j - 1) + k), where SS_j is
    the juror's sum of squared deviations and ``prior_strength`` k = 3 counts the
    pooled variance as three degrees of freedom. A juror whose totals are all equal
    (or who scored one idea) said nothing about which idea is better: their scores
    are 0, and they are left out of the pool and of the means. The shrinkage costs
    one invariance: z-scores shrug off any shift of one juror's scores, but a single
    juror's rescaling only with k = 0 (a rescaling of all jurors at once, with any k).

    ``JUROR_EFFECT``: x_ji = q_i + b_j + noise, the additive two-way model used for
    panel ratings and peer review calibration (e.g. Paul, 1981, "Bayesian methods for
    calibration of examiners"), fitted by least squares with a ridge penalty ``ridge``
    on the offsets b (1.0: as if each juror had one more score at offset 0, so a
    juror with two scores is not trusted to know their own leniency). The normalised
    score is x_ji - b_j, whose mean over an idea's jurors is exactly the fitted q_i.
    Works on sparse assignments. Each connected component (jurors linked through
    shared ideas) gets offsets summing to zero: the model cannot compare leniency
    across components, so it assumes their average jurors equally lenient;
    ``components`` > 1 is worth a warning. Unlike z-scores it keeps each juror's
    spread: a juror who uses more of the scale weighs more. The ridge has a price
    too: on a sparse design a shifted juror's offset absorbs the shift only in part,
    so the ranking ignores one juror's shift exactly only with ridge = 0 (or when
    every juror scores every idea, where q_i is simply the idea's raw mean).
    """
    components = len(_components(totals))
    if method is Method.ZSCORE:
        scores, flat = _zscores(totals, prior_strength)
        return Normalised(scores, flat, {}, components)
    offsets = _juror_effects(totals, ridge)
    scores = {pair: totals[pair] - offsets[pair[0]] for pair in sorted(totals)}
    return Normalised(scores, frozenset(), offsets, components)


def competition_ranking(
    values: Mapping[int, float], *, tolerance: float = TIE_TOLERANCE
) -> tuple[Ranked, ...]:
    """Standard competition ranking ("1224"), highest value first.

    An item ties with the first (highest) item of the current group when within
    ``tolerance`` of it; tied items share the group's rank, the next group's rank
    skips past them, and the output is ordered by (rank, item id).
    """
    order = sorted(values, key=lambda item: (-values[item], item))
    groups: list[list[int]] = []
    for item in order:
        if groups and values[groups[-1][0]] - values[item] <= tolerance:
            groups[-1].append(item)
        else:
            groups.append([item])
    ranked: list[Ranked] = []
    for group in groups:
        rank = len(ranked) + 1
        ranked.extend(Ranked(i, values[i], rank, len(group) > 1) for i in sorted(group))
    return tuple(ranked)


def aggregate(
    criteria: Sequence[tuple[int, float]],
    scale: tuple[float, float],
    scores: Iterable[tuple[int, int, int, float]],
    *,
    method: Method = Method.ZSCORE,
    ideas: Iterable[int] = (),
    required_jurors: int = 3,
    top_disagreements: int = 3,
    prior_strength: float = PRIOR_STRENGTH,
    ridge: float = RIDGE,
    tolerance: float = TIE_TOLERANCE,
) -> Result:
    """Score sheets in, ranking and quality signals out (see the module docstring).

    An idea's mean is over its informative normalised scores (all of them under
    ``JUROR_EFFECT``); its standard error is sd / sqrt(n), None for n < 2 (for the
    juror-effect model this leaves out the offsets' own uncertainty). Ideas with no
    informative score have no rank and come last. Alpha is computed on the weighted
    totals, agreement and disagreement on the informative normalised scores.
    """
    sheets = _read_sheets(criteria, scale, scores)
    normalised = normalise(sheets.totals, method, prior_strength=prior_strength, ridge=ridge)
    informative = {
        pair: v
        for pair, v in normalised.scores.items()
        if pair[0] not in normalised.uninformative_jurors
    }
    columns = _by_idea(informative)
    only_incomplete = [sheet.idea_id for sheet in sheets.incomplete]  # shown, with n = 0
    cover = coverage(sheets.totals, required=required_jurors, ideas=[*ideas, *only_incomplete])
    means = {idea: _mean(list(col.values())) for idea, col in columns.items()}
    ranking = {r.item_id: r for r in competition_ranking(means, tolerance=tolerance)}
    contested = {d.idea_id for d in disagreements(informative, top=top_disagreements)}
    raw_sheets: dict[int, list[dict[int, float]]] = defaultdict(list)
    for juror, idea in sorted(sheets.values):
        raw_sheets[idea].append(sheets.values[juror, idea])
    results = []
    for idea in cover.jurors_per_idea:
        values = list(columns.get(idea, {}).values())
        sd = _sd(values)
        raw = raw_sheets.get(idea, [])
        breakdown = {c: _mean([sheet[c] for sheet in raw]) for c in sorted(dict(criteria)) if raw}
        results.append(
            IdeaResult(
                idea_id=idea,
                rank=ranking[idea].rank if idea in ranking else None,
                tied=ranking[idea].tied if idea in ranking else False,
                mean=means.get(idea),
                standard_error=None if sd is None else sd / math.sqrt(len(values)),
                sd=sd,
                n_jurors=cover.jurors_per_idea[idea],
                criterion_means=breakdown,
                contested=idea in contested,
            )
        )
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.idea_id))
    agreement = juror_agreement(informative) | dict.fromkeys(normalised.uninformative_jurors)
    return Result(
        method=method,
        ideas=tuple(results),
        incomplete=sheets.incomplete,
        coverage=cover,
        alpha=krippendorff_alpha(sheets.totals),
        juror_agreement=dict(sorted(agreement.items())),
        juror_offsets=normalised.offsets,
        uninformative_jurors=normalised.uninformative_jurors,
        components=normalised.components,
    )
