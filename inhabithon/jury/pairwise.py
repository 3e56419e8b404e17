"""Pairwise judging: Crowd-BT chooses the pairs, a batch Bradley–Terry fit ranks.

A juror who compares two ideas side by side is more consistent than one who puts a
number on each (no leniency, no spread to normalise away). Gavel, the hackathon
judging system (github.com/anishathalye/gavel), runs this with Crowd-BT (Chen,
Bennett, Collins-Thompson and Horvitz, "Pairwise ranking aggregation in a
crowdsourced setting", WSDM 2013). Our own implementation of the paper's method:

- Each idea has a Gaussian belief N(mu, sigma_sq) on its log-strength; each juror a
  Beta(alpha, beta) belief on their reliability eta, the probability that they
  report their true preference (1 - eta: a random or contrary vote).
- After "winner beats loser", ``update`` moves both beliefs by the paper's
  moment-matching (assumed density filtering) equations.
- ``choose_next`` shows a juror the idea that, paired with the one they just saw,
  has the highest expected information gain: the expected KL divergence between
  the updated and current beliefs (GAMMA weighs the reliability part). With
  probability EPSILON it explores at random instead.

These online beliefs depend on the order of the votes, so they only pick pairs
(``replay`` rebuilds them from the stored comparisons; undo = replay without the
undone one). The published ranking comes from ``fit_bradley_terry``: a batch fit
over all comparisons, which does not depend on their order.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from inhabithon.jury.aggregation import TIE_TOLERANCE, Ranked, competition_ranking, solve_spd

# The defaults of the paper's experiments, which Gavel also uses.
MU_PRIOR = 0.0
SIGMA_SQ_PRIOR = 1.0
ALPHA_PRIOR = 10.0  # prior mean reliability 10/11: jurors mostly mean what they vote
BETA_PRIOR = 1.0
GAMMA = 0.1  # weight of the information gained about the juror vs about the ideas
KAPPA = 1e-4  # floor of the variance's shrink factor, so sigma_sq stays positive
EPSILON = 0.25  # exploration: share of pairs chosen at random
PRIOR_GAMES = 1.0  # Bradley–Terry MAP: virtual games per idea against a reference


@dataclass(frozen=True)
class Belief:
    mu: float = MU_PRIOR
    sigma_sq: float = SIGMA_SQ_PRIOR


@dataclass(frozen=True)
class Reliability:
    alpha: float = ALPHA_PRIOR
    beta: float = BETA_PRIOR


@dataclass(frozen=True)
class Comparison:
    juror_id: int
    winner_id: int
    loser_id: int

    def __post_init__(self) -> None:
        if self.winner_id == self.loser_id:
            raise ValueError("an idea cannot be compared with itself")


@dataclass(frozen=True)
class CrowdState:
    beliefs: dict[int, Belief]
    reliabilities: dict[int, Reliability]


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _digamma(x: float) -> float:
    """psi(x) for x > 0: recurrence up to x >= 10, then the asymptotic series (~1e-13)."""
    result = 0.0
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))
    return result + math.log(x) - 0.5 / x - series


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _kl_gaussian(new: Belief, old: Belief) -> float:
    """KL(new || old) between normal distributions."""
    ratio = new.sigma_sq / old.sigma_sq
    return (new.mu - old.mu) ** 2 / (2 * old.sigma_sq) + (ratio - 1 - math.log(ratio)) / 2


def _kl_beta(new: Reliability, old: Reliability) -> float:
    """KL(new || old) between beta distributions."""
    return (
        _log_beta(old.alpha, old.beta)
        - _log_beta(new.alpha, new.beta)
        + (new.alpha - old.alpha) * _digamma(new.alpha)
        + (new.beta - old.beta) * _digamma(new.beta)
        + (old.alpha - new.alpha + old.beta - new.beta) * _digamma(new.alpha + new.beta)
    )


def _updated_reliability(
    reliability: Reliability, winner: Belief, loser: Belief
) -> tuple[Reliability, float]:
    """The juror's reliability after the vote, and the vote's predicted probability.

    p1 approximates P(winner truly better) under the ideas' Gaussian beliefs by a
    second-order expansion of the logistic around the means; the vote is observed
    with probability c = E[eta] p1 + E[1 - eta] (1 - p1). The posterior on eta is a
    mixture of two betas, projected back onto one Beta by matching its first two
    moments.
    """
    a, b = reliability.alpha, reliability.beta
    p = _sigmoid(winner.mu - loser.mu)
    c1 = p + 0.5 * (winner.sigma_sq + loser.sigma_sq) * p * (1 - p) * (1 - 2 * p)
    c1 = min(max(c1, 0.0), 1.0)  # the expansion can overshoot when variances are large
    c2 = 1 - c1
    c = (c1 * a + c2 * b) / (a + b)
    mean = (c1 * (a + 1) * a + c2 * a * b) / (c * (a + b + 1) * (a + b))
    second = (c1 * (a + 2) * (a + 1) * a + c2 * (a + 1) * a * b) / (
        c * (a + b + 2) * (a + b + 1) * (a + b)
    )
    variance = second - mean**2
    return (
        Reliability(
            alpha=(mean - second) * mean / variance,
            beta=(mean - second) * (1 - mean) / variance,
        ),
        c,
    )


def _updated_beliefs(
    reliability: Reliability, winner: Belief, loser: Belief
) -> tuple[Belief, Belief]:
    """The ideas' beliefs after the vote (the paper's moment-matching step).

    With d = mu_w - mu_l, a reliable vote's likelihood is sigmoid(d) and the
    reliability-weighted one sigmoid(d + ln(alpha / beta)); the means move by
    sigma_sq times the difference of the two, the variances shrink by the
    difference of their derivatives (floored at KAPPA). A juror with alpha = beta
    (a coin flip) moves nothing; with alpha < beta their vote counts backwards.
    """
    d = winner.mu - loser.mu
    lean = math.log(reliability.alpha / reliability.beta)
    p, q = _sigmoid(d), _sigmoid(d + lean)
    step = q - p
    shrink = q * (1 - q) - p * (1 - p)
    return (
        Belief(
            winner.mu + winner.sigma_sq * step,
            winner.sigma_sq * max(1 + winner.sigma_sq * shrink, KAPPA),
        ),
        Belief(
            loser.mu - loser.sigma_sq * step,
            loser.sigma_sq * max(1 + loser.sigma_sq * shrink, KAPPA),
        ),
    )


def update(
    reliability: Reliability, winner: Belief, loser: Belief
) -> tuple[Reliability, Belief, Belief]:
    """The juror's reliability and both ideas' beliefs after "winner beats loser".

    All three are computed from the beliefs before the vote, as in the paper.
    """
    new_reliability, _ = _updated_reliability(reliability, winner, loser)
    new_winner, new_loser = _updated_beliefs(reliability, winner, loser)
    return new_reliability, new_winner, new_loser


def expected_information_gain(reliability: Reliability, a: Belief, b: Belief) -> float:
    """The expected KL divergence from current to updated beliefs if the juror compares.

    Sum over the two outcomes, weighted by their predicted probability, of the KL of
    both ideas' beliefs plus GAMMA times that of the juror's reliability. Positive,
    and symmetric in a and b (the outcomes just swap).
    """
    gain = 0.0
    for first, second in ((a, b), (b, a)):
        new_reliability, prob = _updated_reliability(reliability, first, second)
        new_first, new_second = _updated_beliefs(reliability, first, second)
        gain += prob * (
            _kl_gaussian(new_first, first)
            + _kl_gaussian(new_second, second)
            + GAMMA * _kl_beta(new_reliability, reliability)
        )
    return gain


def choose_next(
    juror_reliability: Reliability,
    previous_idea: int | None,
    candidates: Mapping[int, Belief],
    *,
    seen: Collection[int],
    busy: Collection[int],
    excluded: Collection[int],
    rng: random.Random,
    epsilon: float = EPSILON,
) -> int | None:
    """The idea to show the juror next, to compare with ``previous_idea``; None if none left.

    ``candidates`` holds the beliefs of the ideas in play (the previous idea's too).
    Never returns an idea the juror has ``seen``, one ``busy`` (open on another
    juror's screen, so the load spreads), one ``excluded`` (conflict of interest) or
    the previous idea itself. Without a previous idea in ``candidates`` (the juror's
    first pick) the choice is random; otherwise random with probability ``epsilon``
    and the highest expected information gain else (ties: lowest id). Deterministic
    for a given ``rng`` state.
    """
    blocked = set(seen) | set(busy) | set(excluded) | {previous_idea}
    available = [idea for idea in sorted(candidates) if idea not in blocked]
    if not available:
        return None
    if previous_idea is None or previous_idea not in candidates or rng.random() < epsilon:
        return rng.choice(available)
    previous = candidates[previous_idea]
    return max(
        available,
        key=lambda idea: (
            expected_information_gain(juror_reliability, previous, candidates[idea]),
            -idea,
        ),
    )


def _apply(
    beliefs: dict[int, Belief], reliabilities: dict[int, Reliability], comparison: Comparison
) -> None:
    winner = beliefs.setdefault(comparison.winner_id, Belief())
    loser = beliefs.setdefault(comparison.loser_id, Belief())
    reliability = reliabilities.setdefault(comparison.juror_id, Reliability())
    new_reliability, new_winner, new_loser = update(reliability, winner, loser)
    reliabilities[comparison.juror_id] = new_reliability
    beliefs[comparison.winner_id] = new_winner
    beliefs[comparison.loser_id] = new_loser


def apply_comparison(state: CrowdState, comparison: Comparison) -> CrowdState:
    """The state after one more comparison (a new state; ``state`` is not changed)."""
    beliefs, reliabilities = dict(state.beliefs), dict(state.reliabilities)
    _apply(beliefs, reliabilities, comparison)
    return CrowdState(beliefs, reliabilities)


def replay(
    comparisons: Iterable[Comparison], *, ideas: Iterable[int] = (), jurors: Iterable[int] = ()
) -> CrowdState:
    """The online beliefs after the stored comparisons, in the order given.

    Ideas and jurors start at the priors; ``ideas`` and ``jurors`` add those with no
    comparison yet. Undoing a comparison is replaying the list without it.
    """
    beliefs = {idea: Belief() for idea in ideas}
    reliabilities = {juror: Reliability() for juror in jurors}
    for comparison in comparisons:
        _apply(beliefs, reliabilities, comparison)
    return CrowdState(beliefs, reliabilities)


def _log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def fit_bradley_terry(
    comparisons: Iterable[Comparison],
    *,
    ideas: Iterable[int] = (),
    prior_games: float = PRIOR_GAMES,
    max_iterations: int = 100,
) -> dict[int, float]:
    """Log-strengths theta by a MAP Bradley–Terry fit: P(i beats j) = sigmoid(theta_i - theta_j).

    Maximum likelihood alone sends an undefeated idea to +infinity and leaves ideas
    in unlinked groups incomparable, so every idea also plays ``prior_games`` (g)
    virtual games against a reference at theta = 0, winning half of them. That is a
    proper prior, sigmoid(theta) ~ Beta(g/2, g/2): for g = 1 a standard deviation of
    pi on theta, weak next to a few real games. It also pins the scale's origin.

    Hunter's MM algorithm ("MM algorithms for generalized Bradley-Terry models",
    Annals of Statistics 2004) would do, but converges linearly, and crawls when the
    strengths are spread and the prior is weak (thousands of steps in our trials).
    The log-posterior is strictly concave with a cheap Hessian (a graph Laplacian
    weighted by n_ij p_ij (1 - p_ij), plus the prior's diagonal), so we take damped
    Newton steps (Armijo backtracking) to machine precision in a handful of
    iterations; a dense solve, fine up to a few hundred ideas. Only the win and game
    counts enter, so the result does not depend on the order of ``comparisons``.
    Ideas in ``ideas`` with no games get 0.
    """
    if prior_games <= 0:
        raise ValueError("prior_games must be > 0 to keep every strength finite")
    wins: dict[tuple[int, int], int] = defaultdict(int)
    order_set = set(ideas)
    for comparison in comparisons:
        wins[comparison.winner_id, comparison.loser_id] += 1
        order_set.update((comparison.winner_id, comparison.loser_id))
    order = sorted(order_set)
    index = {idea: k for k, idea in enumerate(order)}
    # (i, j, wins of i over j, wins of j over i) per pair that met, i < j
    pairs = sorted(
        (index[i], index[j], wins.get((i, j), 0), wins.get((j, i), 0))
        for (i, j) in {tuple(sorted(pair)) for pair in wins}
    )
    half = prior_games / 2

    def log_posterior(theta: list[float]) -> float:
        data = math.fsum(
            w * _log_sigmoid(theta[i] - theta[j]) + v * _log_sigmoid(theta[j] - theta[i])
            for i, j, w, v in pairs
        )
        return data + half * math.fsum(_log_sigmoid(t) + _log_sigmoid(-t) for t in theta)

    theta = [0.0] * len(order)
    for _ in range(max_iterations):
        gradient = [half - prior_games * _sigmoid(t) for t in theta]
        curvature = [[0.0] * len(order) for _ in order]
        for k, t in enumerate(theta):
            curvature[k][k] = prior_games * _sigmoid(t) * _sigmoid(-t)
        for i, j, w, v in pairs:
            p = _sigmoid(theta[i] - theta[j])
            gradient[i] += w - (w + v) * p
            gradient[j] -= w - (w + v) * p
            h = (w + v) * p * (1 - p)
            curvature[i][i] += h
            curvature[j][j] += h
            curvature[i][j] -= h
            curvature[j][i] -= h
        step = solve_spd(curvature, gradient)
        slope = math.fsum(g * d for g, d in zip(gradient, step, strict=True))
        if slope <= 1e-24:  # the gradient is numerically zero: converged
            break
        current, size = log_posterior(theta), 1.0
        while size > 1e-10:
            trial = [t + size * d for t, d in zip(theta, step, strict=True)]
            if log_posterior(trial) >= current + 1e-4 * size * slope:
                break
            size /= 2
        else:
            break
        theta = trial
    return dict(zip(order, theta, strict=True))


def rank_pairwise(
    comparisons: Sequence[Comparison],
    *,
    ideas: Iterable[int] = (),
    prior_games: float = PRIOR_GAMES,
    tolerance: float = TIE_TOLERANCE,
) -> tuple[Ranked, ...]:
    """The final ranking: the batch fit's log-strengths, by competition ranking."""
    scores = fit_bradley_terry(comparisons, ideas=ideas, prior_games=prior_games)
    return competition_ranking(scores, tolerance=tolerance)
