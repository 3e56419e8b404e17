"""The quality signals of a jury's scores: coverage, Krippendorff's alpha, each
juror's agreement with the others, and the ideas jurors disagree on most.

Pure functions over ``{(juror_id, idea_id): value}`` maps; ``aggregation`` uses
them (and re-exports them) and so may the officials' pages.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

TIE_TOLERANCE = 1e-9
"""Means closer than this (absolute) are tied: float noise must not decide a rank."""
Pair = tuple[int, int]
"""(juror_id, idea_id)"""


@dataclass(frozen=True)
class Coverage:
    jurors_per_idea: dict[int, int]
    required: int
    below: tuple[int, ...]  # ideas with fewer than ``required`` complete sheets


@dataclass(frozen=True)
class Disagreement:
    idea_id: int
    sd: float


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _squares(values: Sequence[float]) -> float:
    """The sum of squared deviations from the mean."""
    mean = _mean(values)
    return math.fsum((v - mean) ** 2 for v in values)


def _sd(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n - 1); None below two values."""
    return math.sqrt(_squares(values) / (len(values) - 1)) if len(values) >= 2 else None


def _by_juror(totals: Mapping[Pair, float]) -> dict[int, dict[int, float]]:
    rows: dict[int, dict[int, float]] = defaultdict(dict)
    for juror, idea in sorted(totals):
        rows[juror][idea] = totals[juror, idea]
    return rows


def _by_idea(scores: Mapping[Pair, float]) -> dict[int, dict[int, float]]:
    columns: dict[int, dict[int, float]] = defaultdict(dict)
    for juror, idea in sorted(scores, key=lambda pair: (pair[1], pair[0])):
        columns[idea][juror] = scores[juror, idea]
    return columns


def _is_flat(values: Iterable[float]) -> bool:
    values = list(values)
    return max(values) - min(values) <= 1e-12 * max(1.0, *(abs(v) for v in values))


def coverage(totals: Mapping[Pair, float], *, required: int, ideas: Iterable[int] = ()) -> Coverage:
    """Complete sheets per idea (``ideas`` adds ideas nobody scored yet)."""
    counts = dict.fromkeys(ideas, 0)
    for _, idea in totals:
        counts[idea] = counts.get(idea, 0) + 1
    counts = dict(sorted(counts.items()))
    return Coverage(counts, required, tuple(i for i, n in counts.items() if n < required))


def krippendorff_alpha(totals: Mapping[Pair, float]) -> float | None:
    """Krippendorff's alpha, interval metric, over the sparse juror x idea matrix.

    alpha = 1 - D_o / D_e (Krippendorff, "Computing Krippendorff's Alpha-Reliability",
    2011), with squared differences as the interval metric. Only ideas with at least
    two scores are pairable; n counts their scores. The sums over ordered pairs of
    values reduce to sums of squared deviations: within an idea with m_u scores,
    sum (v - v')^2 = 2 m_u SS_u, so D_o = sum_u 2 SS_u m_u / (m_u - 1) / n and
    D_e = 2 SS_all / (n - 1). None when undefined: nothing pairable, or all values
    equal (D_e = 0).
    """
    units = [list(col.values()) for col in _by_idea(totals).values() if len(col) >= 2]
    pooled = [v for unit in units for v in unit]
    if len(pooled) < 2 or _is_flat(pooled):
        return None
    n = len(pooled)
    observed = math.fsum(2 * _squares(u) * len(u) / (len(u) - 1) for u in units) / n
    expected = 2 * _squares(pooled) / (n - 1)
    return 1.0 - observed / expected


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if _is_flat(xs) or _is_flat(ys):
        return None
    mx, my = _mean(xs), _mean(ys)
    sxx, syy = _squares(xs), _squares(ys)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def juror_agreement(
    scores: Mapping[Pair, float], *, min_shared: int = 3
) -> dict[int, float | None]:
    """Each juror's Pearson correlation with the mean of the OTHER jurors.

    Over the ideas the juror shares with at least one other juror; None with fewer
    than ``min_shared`` such ideas or zero variance on either side. Leaving the juror
    out of the mean keeps them from correlating with themselves. Feed it normalised
    scores, so other jurors' leniency does not blur the mean.
    """
    columns = _by_idea(scores)
    agreement: dict[int, float | None] = {}
    for juror, row in _by_juror(scores).items():
        mine, others = [], []
        for idea, value in row.items():
            rest = [v for j, v in columns[idea].items() if j != juror]
            if rest:
                mine.append(value)
                others.append(_mean(rest))
        agreement[juror] = _pearson(mine, others) if len(mine) >= min_shared else None
    return agreement


def disagreements(scores: Mapping[Pair, float], *, top: int) -> tuple[Disagreement, ...]:
    """The ``top`` ideas with the highest sd of scores (sd > 0, two scores or more)."""
    spreads = [
        (sd, idea)
        for idea, col in _by_idea(scores).items()
        if (sd := _sd(list(col.values()))) is not None and sd > TIE_TOLERANCE
    ]
    spreads.sort(key=lambda item: (-item[0], item[1]))
    return tuple(Disagreement(idea, sd) for sd, idea in spreads[:top])
