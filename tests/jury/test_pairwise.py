"""Crowd-BT updates and pair choice, and the batch Bradley–Terry ranking."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inhabithon.jury.pairwise import (
    Belief,
    Comparison,
    CrowdState,
    Reliability,
    _digamma,
    apply_comparison,
    choose_next,
    expected_information_gain,
    fit_bradley_terry,
    rank_pairwise,
    replay,
    update,
)

# --- the online update ----------------------------------------------------------------


def test_update_moves_the_winner_up_the_loser_down_and_shrinks_both():
    reliability, winner, loser = update(Reliability(), Belief(), Belief())
    # Equal priors: sigmoid(0) = 1/2; with alpha/beta = 10, sigmoid(ln 10) = 10/11.
    # mu moves by sigma_sq * (10/11 - 1/2) = 9/22;
    # sigma_sq shrinks by 1 + (10/11 * 1/11 - 1/4) = 1 - 81/484 = 403/484.
    assert winner.mu == pytest.approx(9 / 22)
    assert loser.mu == pytest.approx(-9 / 22)
    assert winner.sigma_sq == loser.sigma_sq == pytest.approx(403 / 484)
    # a vote between two ideas believed equal says nothing about the juror
    assert reliability.alpha == pytest.approx(10.0)
    assert reliability.beta == pytest.approx(1.0)


def test_a_reliable_jurors_vote_moves_beliefs_more():
    _, reliable_winner, _ = update(Reliability(10, 1), Belief(), Belief())
    _, doubtful_winner, _ = update(Reliability(2, 1), Belief(), Belief())
    # alpha/beta = 2: sigmoid(ln 2) = 2/3, so mu moves 2/3 - 1/2 = 1/6 < 9/22
    assert doubtful_winner.mu == pytest.approx(1 / 6)
    assert reliable_winner.mu > doubtful_winner.mu > 0


def test_a_coin_flip_juror_moves_nothing_and_a_contrary_one_counts_backwards():
    _, winner, loser = update(Reliability(3, 3), Belief(), Belief())
    assert (winner.mu, loser.mu) == (0.0, 0.0)
    _, winner, _ = update(Reliability(1, 4), Belief(), Belief())
    assert winner.mu < 0


def test_surprising_votes_lower_the_jurors_reliability_and_expected_ones_raise_it():
    def mean(r):
        return r.alpha / (r.alpha + r.beta)

    strong, weak = Belief(2.0, 0.2), Belief(-2.0, 0.2)
    expected, _, _ = update(Reliability(), strong, weak)
    surprising, _, _ = update(Reliability(), weak, strong)
    assert mean(surprising) < mean(Reliability()) < mean(expected)


def test_digamma_matches_known_values():
    euler = 0.5772156649015329
    assert _digamma(1.0) == pytest.approx(-euler, abs=1e-12)
    assert _digamma(0.5) == pytest.approx(-euler - 2 * math.log(2), abs=1e-12)
    assert _digamma(10.0) == pytest.approx(2.251752589066721, abs=1e-12)


# --- expected information gain -----------------------------------------------------------


def test_information_gain_is_positive_and_symmetric():
    a, b = Belief(0.3, 0.8), Belief(-0.5, 0.4)
    gain = expected_information_gain(Reliability(), a, b)
    assert gain > 0
    assert expected_information_gain(Reliability(), b, a) == pytest.approx(gain, rel=1e-12)


def test_an_uncertain_close_idea_is_more_informative_than_a_settled_distant_one():
    previous = Belief(0.0, 1.0)
    close = expected_information_gain(Reliability(), previous, Belief(0.1, 1.0))
    settled = expected_information_gain(Reliability(), previous, Belief(4.0, 0.01))
    assert close > settled


# --- choosing the next idea ----------------------------------------------------------------


def test_choose_next_takes_the_most_informative_idea_without_exploration():
    candidates = {1: Belief(0.0, 1.0), 2: Belief(4.0, 0.01), 3: Belief(0.1, 1.0)}
    chosen = choose_next(
        Reliability(),
        1,
        candidates,
        seen={1},
        busy=(),
        excluded=(),
        rng=random.Random(0),
        epsilon=0.0,
    )
    assert chosen == 3


def test_choose_next_returns_none_when_nothing_is_left():
    candidates = {1: Belief(), 2: Belief(), 3: Belief(), 4: Belief()}
    assert (
        choose_next(
            Reliability(), 1, candidates, seen={1, 2}, busy={3}, excluded={4}, rng=random.Random(0)
        )
        is None
    )
    assert (
        choose_next(Reliability(), None, {}, seen=(), busy=(), excluded=(), rng=random.Random(0))
        is None
    )


def test_the_first_pick_is_random_among_the_available():
    candidates = {i: Belief() for i in range(1, 6)}
    picks = {
        choose_next(
            Reliability(),
            None,
            candidates,
            seen={1},
            busy={2},
            excluded=(),
            rng=random.Random(seed),
        )
        for seed in range(40)
    }
    assert picks == {3, 4, 5}


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(
        st.integers(1, 12), st.builds(Belief, st.floats(-3, 3), st.floats(0.01, 2)), min_size=1
    ),
    st.sets(st.integers(1, 12)),
    st.sets(st.integers(1, 12)),
    st.sets(st.integers(1, 12)),
    st.integers(0, 2**32 - 1),
    st.floats(0, 1),
)
def test_choose_next_never_returns_a_seen_busy_or_excluded_idea(
    candidates, seen, busy, excluded, seed, epsilon
):
    previous = min(candidates)
    chosen = choose_next(
        Reliability(),
        previous,
        candidates,
        seen=seen,
        busy=busy,
        excluded=excluded,
        rng=random.Random(seed),
        epsilon=epsilon,
    )
    left = set(candidates) - seen - busy - excluded - {previous}
    if left:
        assert chosen in left
    else:
        assert chosen is None


# --- replay and undo -------------------------------------------------------------------------


def random_comparisons(seed, n, ideas=6, jurors=3):
    rng = random.Random(seed)
    comparisons = []
    for _ in range(n):
        winner, loser = rng.sample(range(1, ideas + 1), 2)
        comparisons.append(Comparison(rng.randint(1, jurors), winner, loser))
    return comparisons


def test_replay_matches_the_comparisons_applied_one_by_one():
    comparisons = random_comparisons(1, 30)
    state = CrowdState({}, {})
    for count, comparison in enumerate(comparisons):
        assert replay(comparisons[:count]) == state
        state = apply_comparison(state, comparison)
    assert replay(comparisons) == state


def test_undo_is_replay_without_the_last_comparison():
    comparisons = random_comparisons(2, 20)
    before_last = replay(comparisons[:-1], ideas=range(1, 7))
    after = apply_comparison(before_last, comparisons[-1])
    assert after == replay(comparisons, ideas=range(1, 7))
    assert after != before_last
    assert replay(comparisons[:-1], ideas=range(1, 7)) == before_last  # nothing was mutated


def test_replay_starts_ideas_and_jurors_without_comparisons_at_the_priors():
    state = replay([], ideas=[7], jurors=[3])
    assert state == CrowdState({7: Belief(0.0, 1.0)}, {3: Reliability(10.0, 1.0)})


# --- the batch Bradley–Terry fit ----------------------------------------------------------


def bradley_terry_comparisons(strengths, n, seed):
    """Comparisons between random pairs, won with probability sigmoid(theta_i - theta_j)."""
    rng = random.Random(seed)
    ideas = sorted(strengths)
    comparisons = []
    for _ in range(n):
        a, b = rng.sample(ideas, 2)
        a_wins = rng.random() < 1 / (1 + math.exp(strengths[b] - strengths[a]))
        comparisons.append(Comparison(rng.randint(1, 5), *((a, b) if a_wins else (b, a))))
    return comparisons


TRUE_STRENGTHS = {idea: 0.8 * idea for idea in range(1, 9)}  # neighbours: P = 0.69


def test_the_batch_fit_recovers_a_known_order():
    comparisons = bradley_terry_comparisons(TRUE_STRENGTHS, 1200, seed=7)
    ranked = rank_pairwise(comparisons)
    assert [r.item_id for r in ranked] == [8, 7, 6, 5, 4, 3, 2, 1]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_the_batch_fit_does_not_depend_on_the_order_of_comparisons():
    comparisons = bradley_terry_comparisons(TRUE_STRENGTHS, 300, seed=3)
    shuffled = comparisons[:]
    random.Random(4).shuffle(shuffled)
    scores, again = fit_bradley_terry(comparisons), fit_bradley_terry(shuffled)
    assert again.keys() == scores.keys()
    assert all(abs(again[i] - scores[i]) < 1e-9 for i in scores)


def test_undefeated_and_unlinked_ideas_keep_finite_scores():
    comparisons = [Comparison(1, 1, 2)] * 5 + [Comparison(1, 3, 4)]
    scores = fit_bradley_terry(comparisons, ideas=[5])
    assert all(math.isfinite(s) for s in scores.values())
    assert scores[1] > 0 > scores[2]
    assert scores[5] == 0.0  # never compared: the prior's centre
    # 1 and 3 are each unbeaten, but 1 won five times: more evidence, higher strength
    assert scores[1] > scores[3] > scores[5]


def test_the_maximum_is_where_the_gradient_vanishes():
    # Two ideas, 3 wins to 1, prior g = 1: by symmetry theta_2 = -theta_1 = -t, and
    # d/dt [3 log s(2t) + log s(-2t) + log s(t) + log s(-t)] = 0 with s the sigmoid,
    # i.e. 2 (3 - 4 s(2t)) + (1 - 2 s(t)) = 0; check that the fit satisfies it.
    scores = fit_bradley_terry([Comparison(1, 1, 2)] * 3 + [Comparison(1, 2, 1)])
    t = scores[1]

    def s(x):
        return 1 / (1 + math.exp(-x))

    assert scores[2] == pytest.approx(-t)
    assert 2 * (3 - 4 * s(2 * t)) + (1 - 2 * s(t)) == pytest.approx(0.0, abs=1e-12)


def test_equal_records_are_tied_in_the_ranking():
    comparisons = [
        Comparison(1, 1, 2),
        Comparison(1, 2, 1),
        Comparison(1, 1, 3),
        Comparison(1, 2, 3),
    ]
    ranked = rank_pairwise(comparisons)
    assert [(r.item_id, r.rank, r.tied) for r in ranked] == [
        (1, 1, True),
        (2, 1, True),
        (3, 3, False),
    ]


def test_an_idea_cannot_beat_itself():
    with pytest.raises(ValueError, match="itself"):
        Comparison(1, 2, 2)
