"""The assignment of jurors to ideas: examples, then its promises as properties."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from inhabithon.jury.assignment import assign, components, plan


def loads(pairs, jurors):
    counts = Counter(j for j, _ in pairs)
    return [counts[j] for j in jurors]


def per_idea(pairs, ideas):
    counts = Counter(i for _, i in pairs)
    return [counts[i] for i in ideas]


def test_every_idea_gets_k_jurors_and_loads_are_even():
    ideas, jurors = range(1, 13), range(100, 104)
    pairs = assign(ideas, jurors, 3, seed=1)
    assert per_idea(pairs, ideas) == [3] * 12
    assert loads(pairs, jurors) == [9, 9, 9, 9]
    assert components(pairs) == 1


def test_exclusions_are_never_broken_and_fixed_pairs_are_kept():
    ideas, jurors = [1, 2, 3, 4], [10, 11, 12]
    exclusions = {(10, 1), (11, 1), (12, 2)}
    fixed = {(12, 3)}
    pairs = assign(ideas, jurors, 2, exclusions, fixed, seed=7)
    assert not pairs & exclusions
    assert fixed <= pairs
    assert per_idea(pairs, ideas) == [1, 2, 2, 2]


def test_an_idea_with_too_few_eligible_jurors_is_reported_short():
    result = plan([1, 2], [10, 11], 2, exclusions={(10, 1)}, seed=0)
    assert result.short == (1,)
    assert (11, 1) in result.pairs


def test_the_same_seed_gives_the_same_assignment():
    args = (range(20), range(50, 57), 3, {(50, 1), (51, 2)})
    assert assign(*args, seed=3) == assign(*args, seed=3)


def test_one_juror_per_idea_cannot_connect_and_says_so():
    result = plan(range(6), [1, 2, 3], 1)
    assert not result.connected
    assert result.components == 3


def test_a_hopeless_instance_gives_up_quickly():
    # One juror per idea can never link jurors; 300 ideas must not mean 300^3 work.
    result = plan(range(300), range(20), 1, seed=2)
    assert result.components == 20
    assert loads(result.pairs, range(20)) == [15] * 20


def test_swaps_connect_what_the_greedy_fill_split():
    # Two jurors per idea, four jurors, four ideas: the greedy fill could pair
    # jurors off into two islands; the result must be one component.
    for seed in range(20):
        result = plan(range(4), range(10, 14), 2, seed=seed)
        assert result.connected, seed
        assert loads(result.pairs, range(10, 14)) == [2, 2, 2, 2]


@st.composite
def instances(draw, with_exclusions=True):
    n = draw(st.integers(1, 14))
    j = draw(st.integers(1, 7))
    k = draw(st.integers(1, 4))
    ideas, jurors = list(range(n)), list(range(100, 100 + j))
    all_pairs = [(a, b) for a in jurors for b in ideas]
    exclusions = (
        set(draw(st.lists(st.sampled_from(all_pairs), max_size=n))) if with_exclusions else set()
    )
    seed = draw(st.integers(0, 1000))
    return ideas, jurors, k, exclusions, seed


@settings(max_examples=150, deadline=None)
@given(instances())
def test_coverage_and_exclusions_hold_on_random_instances(instance):
    ideas, jurors, k, exclusions, seed = instance
    result = plan(ideas, jurors, k, exclusions, seed=seed)
    assert not result.pairs & exclusions
    for idea in ideas:
        eligible = sum((j, idea) not in exclusions for j in jurors)
        assert sum(1 for _, i in result.pairs if i == idea) == min(k, eligible)
    assert result.components == components(result.pairs)


@settings(max_examples=150, deadline=None)
@given(instances(with_exclusions=False))
def test_without_exclusions_loads_are_balanced_and_the_graph_connected(instance):
    ideas, jurors, k, _, seed = instance
    result = plan(ideas, jurors, k, seed=seed)
    counts = loads(result.pairs, jurors)
    assert max(counts) - min(counts) <= 1
    assert abs(sum(counts) / len(jurors) - len(ideas) * min(k, len(jurors)) / len(jurors)) < 1e-9
    k_eff = min(k, len(jurors))
    # Connected whenever a spanning tree fits: as many pairs as jurors + ideas - 1.
    if len(ideas) * k_eff >= len(ideas) + len(jurors) - 1:
        assert result.connected
