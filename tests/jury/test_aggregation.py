"""The rubric math against hand-computed examples, then its invariances as properties."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inhabithon.jury.aggregation import (
    IncompleteSheet,
    Method,
    aggregate,
    competition_ranking,
    coverage,
    disagreements,
    incomplete_sheets,
    juror_agreement,
    krippendorff_alpha,
    normalise,
    weighted_totals,
)

SCALE = (0.0, 10.0)
ONE_CRITERION = [(1, 1.0)]


def table(rows):
    """{(juror, idea): total} from {juror: {idea: total}}, which reads like the matrix."""
    return {(juror, idea): float(v) for juror, row in rows.items() for idea, v in row.items()}


def single(totals):
    """Score rows for a one-criterion rubric from {(juror, idea): value}."""
    return [(juror, idea, 1, value) for (juror, idea), value in totals.items()]


def sheet_rows(sheets):
    """Score rows from {(juror, idea): (criterion 1 value, criterion 2 value, ...)}."""
    return [
        (juror, idea, c, float(v))
        for (juror, idea), values in sheets.items()
        for c, v in enumerate(values, start=1)
    ]


# --- weighted totals ---------------------------------------------------------------


def test_weighted_total_is_the_sum_with_weights_normalised_to_one():
    # weights 2, 1, 1 -> 0.5, 0.25, 0.25
    criteria = [(1, 2.0), (2, 1.0), (3, 1.0)]
    scores = sheet_rows(
        {
            (1, 10): (8, 4, 6),  # 0.5*8 + 0.25*4 + 0.25*6 = 4 + 1 + 1.5 = 6.5
            (2, 10): (10, 0, 2),  # 5 + 0 + 0.5 = 5.5
        }
    )
    assert weighted_totals(criteria, SCALE, scores) == {(1, 10): 6.5, (2, 10): 5.5}


def test_a_sheet_missing_a_criterion_is_reported_not_averaged():
    criteria = [(1, 1.0), (2, 1.0), (3, 1.0)]
    scores = [(1, 10, 1, 9.0), (1, 10, 2, 9.0), (1, 20, 1, 1.0), (1, 20, 2, 2.0), (1, 20, 3, 3.0)]
    assert weighted_totals(criteria, SCALE, scores) == {(1, 20): pytest.approx(2.0)}
    assert incomplete_sheets(criteria, SCALE, scores) == (IncompleteSheet(1, 10, (3,)),)
    result = aggregate(criteria, SCALE, scores)
    assert result.incomplete == (IncompleteSheet(1, 10, (3,)),)
    assert result.coverage.jurors_per_idea == {10: 0, 20: 1}  # idea 10 is listed, unscored


@pytest.mark.parametrize(
    ("criteria", "scores"),
    [
        ([(1, 1.0)], [(1, 10, 1, 10.5)]),  # above the scale
        ([(1, 1.0)], [(1, 10, 2, 5.0)]),  # unknown criterion
        ([(1, 1.0)], [(1, 10, 1, 5.0), (1, 10, 1, 6.0)]),  # scored twice
        ([(1, 0.0)], [(1, 10, 1, 5.0)]),  # weight not > 0
        ([(1, 1.0), (1, 2.0)], []),  # duplicate criterion
        ([], []),  # no criteria
    ],
)
def test_bad_input_raises_value_error(criteria, scores):
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        weighted_totals(criteria, SCALE, scores)


# --- z-scores -------------------------------------------------------------------------

# Juror 1 gives 2, 4, 6 (mean 4, SS = 4 + 0 + 4 = 8, sample sd 2);
# juror 2 gives 5, 6, 7 (mean 6, SS = 1 + 0 + 1 = 2, sample sd 1).
TWO_JURORS = table({1: {10: 2, 20: 4, 30: 6}, 2: {10: 5, 20: 6, 30: 7}})


def test_zscores_without_shrinkage_divide_by_each_jurors_own_sd():
    scores = normalise(TWO_JURORS, Method.ZSCORE, prior_strength=0).scores
    # juror 1: (2-4)/2, 0, (6-4)/2; juror 2: (5-6)/1, 0, (7-6)/1
    assert scores == {
        (1, 10): -1.0,
        (1, 20): 0.0,
        (1, 30): 1.0,
        (2, 10): -1.0,
        (2, 20): 0.0,
        (2, 30): 1.0,
    }


def test_zscores_shrink_each_spread_toward_the_pooled_spread():
    scores = normalise(TWO_JURORS, Method.ZSCORE, prior_strength=3).scores
    # pooled variance = (8 + 2) / (2 + 2) = 2.5
    # juror 1: (8 + 3 * 2.5) / (2 + 3) = 3.1 -> z = 2 / sqrt(3.1) = 1.13592...
    # juror 2: (2 + 3 * 2.5) / (2 + 3) = 1.9 -> z = 1 / sqrt(1.9) = 0.72548...
    assert scores[1, 30] == pytest.approx(1.1359236684941296)
    assert scores[1, 10] == pytest.approx(-1.1359236684941296)
    assert scores[2, 30] == pytest.approx(0.7254762501100117)
    assert scores[1, 20] == scores[2, 20] == 0.0


def test_a_juror_with_equal_scores_gives_zeros_and_leaves_the_pool_alone():
    flat = {**TWO_JURORS, (3, 10): 5.0, (3, 20): 5.0, (3, 30): 5.0}
    result = normalise(flat, Method.ZSCORE)
    assert result.uninformative_jurors == {3}
    assert [result.scores[3, i] for i in (10, 20, 30)] == [0.0, 0.0, 0.0]
    # the pool is still 2.5, so juror 1 keeps 2 / sqrt(3.1)
    assert result.scores[1, 30] == pytest.approx(1.1359236684941296)


def test_when_every_juror_is_flat_nothing_is_ranked_and_nothing_divides_by_zero():
    result = aggregate(ONE_CRITERION, SCALE, single({(1, 10): 5.0, (1, 20): 5.0, (2, 10): 3.0}))
    assert [(r.idea_id, r.rank, r.mean, r.n_jurors) for r in result.ideas] == [
        (10, None, None, 2),
        (20, None, None, 1),
    ]
    assert result.juror_agreement == {1: None, 2: None}


# --- juror-effect model ---------------------------------------------------------------

# True qualities 8, 7, 6, 7.5 for ideas 1-4; jurors 1 and 2 score them exactly,
# juror 3 is 2 points lenient. Sparse: each juror sees two or three ideas.
# Raw means: idea 1 = 8, idea 2 = 7, idea 3 = (6 + 8) / 2 = 7, idea 4 = (7.5 + 9.5) / 2 = 8.5,
# so raw means would crown idea 4.
LENIENT = table(
    {
        1: {1: 8, 2: 7, 3: 6},
        2: {1: 8, 4: 7.5},
        3: {3: 8, 4: 9.5},
    }
)


def test_juror_effect_model_recovers_a_lenient_juror_on_a_sparse_design():
    result = normalise(LENIENT, Method.JUROR_EFFECT, ridge=0)
    # Noise-free data fit exactly; the sum-zero constraint splits the +2 as
    # offsets (-2/3, -2/3, +4/3), i.e. juror 3 is 2 above the others.
    offsets = result.offsets
    assert offsets[3] - offsets[1] == pytest.approx(2.0)
    assert offsets == pytest.approx({1: -2 / 3, 2: -2 / 3, 3: 4 / 3})
    ranking = aggregate(ONE_CRITERION, SCALE, single(LENIENT), method=Method.JUROR_EFFECT, ridge=0)
    # qualities + 2/3: 8.667, 7.667, 6.667, 8.167 -> 1, 4, 2, 3
    assert [r.idea_id for r in ranking.ideas] == [1, 4, 2, 3]
    assert [r.mean for r in ranking.ideas] == pytest.approx([26 / 3, 49 / 6, 23 / 3, 20 / 3])


def test_ridge_shrinks_the_offsets_by_hand_computed_amounts():
    # Normal equations, ridge 1: (n_j + 1) b_j - sum over j's ideas of mean of b there
    #   juror 1: 4 b1 - (b1+b2)/2 - b1 - (b1+b3)/2 = 2 b1 - b2/2 - b3/2 = r1
    #   r1 = (8-8) + (7-7) + (6-7) = -1; r2 = (8-8) + (7.5-8.5) = -1; r3 = (8-7) + (9.5-8.5) = 2
    # With b1 + b2 + b3 = 0: 2 b1 + b1/2 = 2.5 b1 = -1 -> b = (-0.4, -0.4, 0.8).
    result = normalise(LENIENT, Method.JUROR_EFFECT)
    assert result.offsets == pytest.approx({1: -0.4, 2: -0.4, 3: 0.8})
    ranking = aggregate(ONE_CRITERION, SCALE, single(LENIENT), method=Method.JUROR_EFFECT)
    # means 8.4, 7.4, (6.4 + 7.2)/2 = 6.8, (7.9 + 8.7)/2 = 8.3: still the true order
    assert [r.idea_id for r in ranking.ideas] == [1, 4, 2, 3]
    assert [r.mean for r in ranking.ideas] == pytest.approx([8.4, 8.3, 7.4, 6.8])


def test_complete_design_offsets_have_the_closed_form():
    # Every juror scores all N ideas: b_j = N / (N + ridge) * (juror mean - grand mean).
    # Juror means 6, 6, 8; grand mean 20/3 -> b = 3/4 * (-2/3, -2/3, 4/3) = (-0.5, -0.5, 1).
    totals = table(
        {
            1: {1: 4, 2: 6, 3: 8},
            2: {1: 4, 2: 6, 3: 8},
            3: {1: 6, 2: 8, 3: 10},
        }
    )
    assert normalise(totals, Method.JUROR_EFFECT).offsets == pytest.approx(
        {1: -0.5, 2: -0.5, 3: 1.0}
    )
    assert normalise(totals, Method.JUROR_EFFECT, ridge=0).offsets == pytest.approx(
        {1: -2 / 3, 2: -2 / 3, 3: 4 / 3}
    )


def test_disconnected_panels_get_offsets_summing_to_zero_each():
    totals = table(
        {
            1: {1: 9, 2: 7},
            2: {1: 5, 2: 4},
            3: {3: 2, 4: 1},
            4: {3: 6, 4: 6},
        }
    )
    result = normalise(totals, Method.JUROR_EFFECT)
    assert result.components == 2
    assert result.offsets[1] + result.offsets[2] == pytest.approx(0.0)
    assert result.offsets[3] + result.offsets[4] == pytest.approx(0.0)


# --- ranking, standard errors, breakdown ---------------------------------------------


def test_competition_ranking_shares_ranks_and_skips_after_ties():
    ranked = competition_ranking({4: 1.0, 3: 3.0, 2: 3.0 + 1e-12, 1: 5.0})
    assert [(r.item_id, r.rank, r.tied) for r in ranked] == [
        (1, 1, False),
        (2, 2, True),
        (3, 2, True),
        (4, 4, False),
    ]


def test_ties_are_measured_from_the_first_of_the_group():
    ranked = competition_ranking({1: 1.0, 2: 1.0 - 0.6e-9, 3: 1.0 - 1.2e-9})
    assert [(r.item_id, r.rank) for r in ranked] == [(1, 1), (2, 1), (3, 3)]


def test_aggregate_ranks_one_two_two_four_with_criterion_breakdown_and_errors():
    # weights 3 and 1 -> 0.75 and 0.25; both jurors' means are 25/4, so no offsets
    # and each idea's mean is the mean of its two totals.
    criteria = [(1, 3.0), (2, 1.0)]
    sheets = {  # (juror, idea): (criterion 1, criterion 2) -> total
        (1, 1): (10, 6),  # 7.5 + 1.5 = 9
        (2, 1): (8, 8),  # 8; idea 1: mean 8.5
        (1, 2): (6, 6),  # 6
        (2, 2): (7, 7),  # 7; idea 2: mean 6.5
        (1, 3): (7, 7),  # 7
        (2, 3): (6, 6),  # 6; idea 3: mean 6.5
        (1, 4): (3, 3),  # 3
        (2, 4): (4, 4),  # 4; idea 4: mean 3.5
    }
    result = aggregate(
        criteria, SCALE, sheet_rows(sheets), method=Method.JUROR_EFFECT, required_jurors=3
    )
    assert [(r.idea_id, r.rank, r.tied) for r in result.ideas] == [
        (1, 1, False),
        (2, 2, True),
        (3, 2, True),
        (4, 4, False),
    ]
    first = result.ideas[0]
    assert first.mean == pytest.approx(8.5)
    # sd of (9, 8) = sqrt(0.5); SE = sqrt(0.5) / sqrt(2) = 0.5
    assert first.standard_error == pytest.approx(0.5)
    assert first.n_jurors == 2
    assert first.criterion_means == {1: 9.0, 2: 7.0}  # (10 + 8) / 2, (6 + 8) / 2
    assert result.coverage.below == (1, 2, 3, 4)


def test_standard_errors_and_contested_ideas_from_zscores():
    # z-scores without shrinkage: juror 1 (1, 2, 3) -> (-1, 0, 1); juror 2 (2, 4, 6) -> (-1, 0, 1);
    # juror 3 (3, 2, 1) -> (1, 0, -1).
    totals = table(
        {
            1: {10: 1, 20: 2, 30: 3},
            2: {10: 2, 20: 4, 30: 6},
            3: {10: 3, 20: 2, 30: 1},
        }
    )
    result = aggregate(ONE_CRITERION, SCALE, single(totals), prior_strength=0, top_disagreements=1)
    by_idea = {r.idea_id: r for r in result.ideas}
    # idea 30: (1, 1, -1), mean 1/3, deviations (2/3, 2/3, -4/3), SS = 24/9,
    # sd = sqrt(24/9 / 2) = sqrt(4/3), SE = sqrt(4/3) / sqrt(3) = 2/3
    assert by_idea[30].mean == pytest.approx(1 / 3)
    assert by_idea[30].standard_error == pytest.approx(2 / 3)
    assert by_idea[20].standard_error == 0.0
    assert [r.idea_id for r in result.ideas] == [30, 20, 10]
    # ideas 10 and 30 share the highest sd; the lower id is the one flagged
    assert [i for i, r in by_idea.items() if r.contested] == [10]


def test_standard_error_is_undefined_for_a_single_score():
    result = aggregate(ONE_CRITERION, SCALE, single({(1, 1): 2.0, (1, 2): 8.0}))
    assert [(r.idea_id, r.standard_error, r.sd) for r in result.ideas] == [
        (2, None, None),
        (1, None, None),
    ]


# --- quality signals ---------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C:
# four observers, twelve units, missing values (None).
KRIPPENDORFF = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_alpha_matches_the_published_interval_example():
    totals = {
        (coder, unit): float(v)
        for coder, row in enumerate(KRIPPENDORFF)
        for unit, v in enumerate(row)
        if v is not None
    }
    # Unit 12 has one value and drops out: n = 40 pairable values.
    # Units with disagreement: (2,2,3,2) SS = 3/4, (1,2,3,4) SS = 5, (1,1,2,1) SS = 3/4.
    # D_o = sum 2 SS_u m_u / (m_u - 1) / n = (2 + 40/3 + 2) / 40 = 13/30
    # All 40 values: sum 100, sum of squares 306, SS = 306 - 100^2/40 = 56
    # D_e = 2 SS / (n - 1) = 112/39
    # alpha = 1 - (13/30) / (112/39) = 951/1120 = 0.849107... (published: 0.849)
    assert krippendorff_alpha(totals) == pytest.approx(951 / 1120)


def test_krippendorff_alpha_is_none_when_undefined_and_one_when_perfect():
    assert krippendorff_alpha({(1, 1): 3.0, (2, 2): 4.0}) is None  # nothing pairable
    assert krippendorff_alpha({(1, 1): 3.0, (2, 1): 3.0}) is None  # no variation at all
    assert krippendorff_alpha({(1, 1): 3.0, (2, 1): 3.0, (1, 2): 5.0, (2, 2): 5.0}) == 1.0


def test_juror_agreement_correlates_with_the_mean_of_the_others():
    scores = table(
        {
            1: {1: 1, 2: 2, 3: 3},
            2: {1: 2, 2: 4, 3: 6},
            3: {1: 3, 2: 2, 3: 1},
            4: {1: 5, 2: 1},
        }
    )
    agreement = juror_agreement(scores)
    # juror 1 vs others (jurors 2, 3, 4): idea 1 (2+3+5)/3 = 10/3, idea 2 (4+2+1)/3 = 7/3,
    # idea 3 (6+1)/2 = 7/2 -> x = (1, 2, 3), y = (10/3, 7/3, 7/2):
    # x - 2 = (-1, 0, 1), y - 55/18 = (5/18, -13/18, 8/18)
    # r = (-5/18 + 8/18) / sqrt(2 * (25 + 169 + 64) / 324) = (3/18) / sqrt(516/324) = 0.13207
    assert agreement[1] == pytest.approx(3 / math.sqrt(2 * 258))
    assert agreement[4] is None  # two shared ideas only


def test_juror_agreement_is_none_when_the_others_do_not_vary():
    scores = table(
        {
            1: {1: 1, 2: 2, 3: 3},
            2: {1: 2, 2: 4, 3: 6},
            3: {1: 3, 2: 2, 3: 1},
        }
    )
    # juror 2's others: (1+3)/2, (2+2)/2, (3+1)/2 = 2, 2, 2 -> zero variance
    agreement = juror_agreement(scores)
    assert agreement[2] is None
    assert agreement[1] == pytest.approx(1.0)  # others: 2.5, 3, 3.5
    assert agreement[3] == pytest.approx(-1.0)  # others: 1.5, 3, 4.5


def test_coverage_lists_ideas_below_the_required_number_of_jurors():
    totals = {(1, 1): 5.0, (2, 1): 6.0, (1, 2): 5.0}
    result = coverage(totals, required=2, ideas=[3])
    assert result.jurors_per_idea == {1: 2, 2: 1, 3: 0}
    assert result.below == (2, 3)


def test_disagreements_skip_unanimous_and_single_scores():
    scores = {(1, 1): 0.0, (2, 1): 0.0, (1, 2): 1.0, (2, 2): -1.0, (1, 3): 5.0}
    assert [d.idea_id for d in disagreements(scores, top=3)] == [2]


# --- properties ----------------------------------------------------------------------------

WIDE = (-100.0, 100.0)  # room to shift and scale raw scores of 0-10


@st.composite
def juries(draw, *, complete=False, anchored=False):
    """Criteria and score rows: 2-5 jurors, 2-6 ideas, 1-3 criteria, integer scores 0-10.

    ``anchored``: every juror also scores idea 1, so the design is connected.
    """
    n_ideas = draw(st.integers(2, 6))
    criteria = [(c, float(draw(st.integers(1, 5)))) for c in range(1, draw(st.integers(1, 3)) + 1)]
    rows = []
    for juror in range(1, draw(st.integers(2, 5)) + 1):
        ideas = (
            set(range(1, n_ideas + 1))
            if complete
            else draw(st.sets(st.integers(1, n_ideas), min_size=1))
        )
        for idea in sorted(ideas | ({1} if anchored else set())):
            rows.extend((juror, idea, c, float(draw(st.integers(0, 10)))) for c, _ in criteria)
    return criteria, rows


def ranking(result):
    return [(r.idea_id, r.rank, r.tied) for r in result.ideas]


def transform(rows, juror, fn):
    return [(j, i, c, fn(v) if j == juror else v) for j, i, c, v in rows]


FAST = settings(max_examples=50, deadline=None)


@FAST
@given(juries(), st.integers(1, 5), st.floats(-50, 50))
def test_zscore_ranking_ignores_a_jurors_shift(jury, juror, shift):
    criteria, rows = jury
    before = aggregate(criteria, WIDE, rows)
    after = aggregate(criteria, WIDE, transform(rows, juror, lambda v: v + shift))
    assert ranking(after) == ranking(before)


@FAST
@given(juries(), st.integers(1, 5), st.floats(0.25, 4))
def test_unshrunk_zscore_ranking_ignores_a_jurors_scaling(jury, juror, factor):
    criteria, rows = jury
    before = aggregate(criteria, WIDE, rows, prior_strength=0)
    after = aggregate(
        criteria, WIDE, transform(rows, juror, lambda v: v * factor), prior_strength=0
    )
    assert ranking(after) == ranking(before)


@FAST
@given(juries(), st.floats(0.25, 4), st.floats(-50, 50))
def test_shrunk_zscore_ranking_ignores_rescaling_every_juror_at_once(jury, factor, shift):
    criteria, rows = jury
    moved = [(j, i, c, v * factor + shift) for j, i, c, v in rows]
    assert ranking(aggregate(criteria, WIDE, moved)) == ranking(aggregate(criteria, WIDE, rows))


@FAST
@given(juries(anchored=True), st.integers(1, 5), st.floats(-50, 50))
def test_juror_effect_ranking_ignores_a_jurors_shift_on_a_connected_design(jury, juror, shift):
    # Exact without the ridge: the shift moves into that juror's offset. The ridge
    # trades this for stability; see the complete-design case below.
    criteria, rows = jury
    method = Method.JUROR_EFFECT
    before = aggregate(criteria, WIDE, rows, method=method, ridge=0)
    after = aggregate(
        criteria, WIDE, transform(rows, juror, lambda v: v + shift), method=method, ridge=0
    )
    assert ranking(after) == ranking(before)


@FAST
@given(juries(complete=True), st.integers(1, 5), st.floats(-50, 50))
def test_juror_effect_ranking_with_ridge_ignores_a_shift_on_a_complete_design(jury, juror, shift):
    criteria, rows = jury
    method = Method.JUROR_EFFECT
    before = aggregate(criteria, WIDE, rows, method=method)
    after = aggregate(criteria, WIDE, transform(rows, juror, lambda v: v + shift), method=method)
    assert ranking(after) == ranking(before)


@FAST
@given(juries(), st.sampled_from(Method), st.randoms(use_true_random=False))
def test_input_order_changes_nothing(jury, method, rng):
    criteria, rows = jury
    shuffled_rows, shuffled_criteria = rows[:], criteria[:]
    rng.shuffle(shuffled_rows)
    rng.shuffle(shuffled_criteria)
    assert aggregate(shuffled_criteria, WIDE, shuffled_rows, method=method) == aggregate(
        criteria, WIDE, rows, method=method
    )


@FAST
@given(juries(), st.integers(0, 10), st.data())
def test_a_juror_giving_everything_the_same_score_changes_no_zscore_ranking(jury, value, data):
    criteria, rows = jury
    ideas = sorted({i for _, i, _, _ in rows})
    seen = data.draw(st.sets(st.sampled_from(ideas), min_size=1))
    flat = [(99, i, c, float(value)) for i in sorted(seen) for c, _ in criteria]
    before = aggregate(criteria, WIDE, rows)
    after = aggregate(criteria, WIDE, rows + flat)
    assert after.uninformative_jurors >= {99}
    assert [(r.idea_id, r.rank, r.tied, r.mean) for r in after.ideas] == [
        (r.idea_id, r.rank, r.tied, r.mean) for r in before.ideas
    ]
