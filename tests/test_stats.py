"""Statistics against known answers (closed forms, scipy) and property-based invariants."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_hybridarena.results import stats

# deadline=None: the first call pays numpy's warm-up, which is not what these tests are about.
PROPERTY = settings(max_examples=150, deadline=None)
SMALL = 500  # resamples in property tests; the invariants do not depend on the count


# --- Wilson ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [
        (0, 10, (0.0, 0.2775)),
        (10, 10, (0.7225, 1.0)),
        (5, 10, (0.2366, 0.7634)),
        (18, 30, (0.4232, 0.7541)),
        (1, 1, (0.2065, 1.0)),
    ],
)
def test_wilson_interval_matches_published_values(
    successes: int, n: int, expected: tuple[float, float]
) -> None:
    low, high = stats.wilson_interval(successes, n)
    assert low == pytest.approx(expected[0], abs=1e-4)
    assert high == pytest.approx(expected[1], abs=1e-4)


def test_wilson_interval_of_no_trials_is_uninformative() -> None:
    assert stats.wilson_interval(0, 0) == (0.0, 1.0)


def test_wilson_interval_widens_with_confidence() -> None:
    low90, high90 = stats.wilson_interval(5, 10, confidence=0.90)
    low99, high99 = stats.wilson_interval(5, 10, confidence=0.99)
    assert low99 < low90 < 0.5 < high90 < high99


@pytest.mark.parametrize(("successes", "n"), [(-1, 3), (4, 3), (0, -1)])
def test_wilson_interval_rejects_impossible_counts(successes: int, n: int) -> None:
    with pytest.raises(ValueError, match="successes"):
        stats.wilson_interval(successes, n)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95.0])
def test_confidence_outside_open_unit_interval_is_rejected(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        stats.wilson_interval(1, 2, confidence=confidence)


# --- cluster bootstrap ----------------------------------------------------------------------------


@pytest.mark.parametrize(("successes", "n"), [(18, 30), (3, 20), (39, 40)])
def test_cluster_bootstrap_with_one_trial_per_cluster_agrees_with_scipy(successes: int, n: int) -> None:
    data = np.array([1.0] * successes + [0.0] * (n - successes))
    ours = stats.cluster_bootstrap_ci(data, np.ones(n), resamples=10_000, seed=7)
    ref = scipy.stats.bootstrap(
        (data,), np.mean, method="percentile", n_resamples=10_000, rng=np.random.default_rng(11)
    ).confidence_interval
    assert ours[0] == pytest.approx(ref.low, abs=0.03)
    assert ours[1] == pytest.approx(ref.high, abs=0.03)


def test_cluster_bootstrap_is_a_ratio_of_sums_not_a_mean_of_ratios() -> None:
    # Two clusters, 0/1 and 9/9. A resample drawing each once (probability 1/2) is worth 9/10, not
    # the mean of ratios 0.5; the other resamples are 0 (1/4) and 1 (1/4). So the 30% and 70%
    # quantiles both sit on 0.9.
    low, high = stats.cluster_bootstrap_ci([0, 9], [1, 9], resamples=2_000, confidence=0.4, seed=1)
    assert low == pytest.approx(0.9)
    assert high == pytest.approx(0.9)


def test_cluster_bootstrap_of_no_clusters_is_uninformative() -> None:
    assert stats.cluster_bootstrap_ci([], [], seed=0) == (0.0, 1.0)


def test_cluster_bootstrap_of_one_cluster_returns_its_point_estimate() -> None:
    assert stats.cluster_bootstrap_ci([2], [3], seed=0) == pytest.approx((2 / 3, 2 / 3))


def test_cluster_bootstrap_is_reproducible_from_its_seed() -> None:
    # 20 clusters of uneven size: the quantiles are near-continuous, so any change of draw shows.
    args = ([i % 4 for i in range(20)], [3 + i % 5 for i in range(20)])
    first = stats.cluster_bootstrap_ci(*args, resamples=1_000, seed=123)
    assert stats.cluster_bootstrap_ci(*args, resamples=1_000, seed=123) == first
    others = {stats.cluster_bootstrap_ci(*args, resamples=1_000, seed=s) for s in range(20)}
    assert len(others) > 1  # the seed actually drives the draw


@pytest.mark.parametrize(
    ("successes", "trials", "match"),
    [
        ([1, 2], [3], "same length"),
        ([1, 0], [2, 0], "trials > 0"),
        ([3], [2], "successes <= trials"),
        ([-1], [2], "0 <= successes"),
    ],
)
def test_cluster_bootstrap_rejects_malformed_clusters(
    successes: list[int], trials: list[int], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        stats.cluster_bootstrap_ci(successes, trials, seed=0)


def test_cluster_bootstrap_rejects_zero_resamples() -> None:
    with pytest.raises(ValueError, match="resamples"):
        stats.cluster_bootstrap_ci([1, 0], [1, 1], resamples=0, seed=0)


def test_clustered_interval_is_wider_than_row_level_when_seeds_are_perfectly_correlated() -> None:
    # 12 tasks x 5 seeds; a task passes every seed or none, so there are really 12 trials, not 60.
    outcomes = {f"t{i:02d}": [i % 2 == 0] * 5 for i in range(12)}
    successes = [sum(flags) for flags in outcomes.values()]
    trials = [len(flags) for flags in outcomes.values()]
    rows = [float(flag) for flags in outcomes.values() for flag in flags]

    c_low, c_high = stats.cluster_bootstrap_ci(successes, trials, seed=3)
    r_low, r_high = stats.cluster_bootstrap_ci(rows, np.ones(len(rows)), seed=3)
    assert (c_high - c_low) > 1.5 * (r_high - r_low)

    est = stats.pass_rate_ci(outcomes, key="cluster-effect")
    assert est.method == "cluster-bootstrap"
    assert (est.low, est.high) == (c_low, c_high)


# --- cell seed and pass_rate_ci -------------------------------------------------------------------


def test_cell_seed_is_a_stable_64_bit_value_from_sha256() -> None:
    # Fixed literal: a salted hash() or a change of digest/byte order would break reproducibility.
    assert stats.cell_seed("refactors::cline::cascade") == 3755829512772515082
    assert 0 <= stats.cell_seed("") < 2**64
    assert stats.cell_seed("a::b::c") != stats.cell_seed("a::b::d")


# Seeds of a task agree and tasks have uneven seed counts: the bootstrap is wider than Wilson and its
# quantiles move with every change of draw, so tests on the RNG's seeding can see it.
CORRELATED = {f"t{i:02d}": [i % 3 != 0] * (1 + i % 4) for i in range(25)}

MIXED = {
    "t1": [True, True, False],
    "t2": [False, False, False],
    "t3": [True, True, True],
    "t4": [True, False, True],
    "t5": [False, True, False],
}


def test_pass_rate_ci_point_and_counts() -> None:
    est = stats.pass_rate_ci(MIXED, key="k")
    assert est.point == pytest.approx(8 / 15)
    assert (est.n, est.k) == (15, 5)


def test_pass_rate_ci_is_deterministic_for_a_key() -> None:
    first = stats.pass_rate_ci(CORRELATED, key="puzzles::aider::cascade")
    assert first.method == "cluster-bootstrap"
    assert stats.pass_rate_ci(CORRELATED, key="puzzles::aider::cascade") == first


def test_pass_rate_ci_does_not_depend_on_task_order() -> None:
    reordered = dict(reversed(list(CORRELATED.items())))
    assert list(reordered) != list(CORRELATED)
    assert stats.pass_rate_ci(reordered, key="k") == stats.pass_rate_ci(CORRELATED, key="k")


def test_pass_rate_ci_does_not_depend_on_other_cells() -> None:
    cell = CORRELATED
    alone = stats.pass_rate_ci(cell, key="cell-a", resamples=2_000)
    assert alone.method == "cluster-bootstrap"
    np.random.seed(0)  # global numpy state must not matter either
    for i in range(5):
        stats.pass_rate_ci({"x": [True, False] * i + [True]}, key=f"cell-{i}", resamples=2_000)
        stats.pass_rate_ci(cell, key=f"cell-{i}", resamples=2_000)
    np.random.seed(99)
    assert stats.pass_rate_ci(cell, key="cell-a", resamples=2_000) == alone


def test_pass_rate_ci_seeds_its_bootstrap_from_the_cell_key() -> None:
    successes = [sum(f) for _, f in sorted(CORRELATED.items())]
    trials = [len(f) for _, f in sorted(CORRELATED.items())]
    est = stats.pass_rate_ci(CORRELATED, key="key-0", resamples=300)
    boot = stats.cluster_bootstrap_ci(successes, trials, resamples=300, seed=stats.cell_seed("key-0"))
    assert (est.low, est.high) == boot  # the bootstrap is the wider one here, on both sides
    estimates = {stats.pass_rate_ci(CORRELATED, key=f"key-{i}", resamples=300) for i in range(5)}
    assert len(estimates) > 1


@pytest.mark.parametrize("passed", [False, True])
def test_pass_rate_ci_at_zero_or_one_does_not_collapse(passed: bool) -> None:
    est = stats.pass_rate_ci({f"t{i}": [passed] * 3 for i in range(4)}, key="edge")
    assert est.point == float(passed)
    assert 0.0 <= est.low < est.high <= 1.0
    assert est.low <= est.point <= est.high
    assert est.method == "wilson"  # the bootstrap alone would be a single point
    assert (est.low, est.high) == stats.wilson_interval(12 * passed, 12)


def test_pass_rate_ci_of_a_single_task_falls_back_to_wilson() -> None:
    est = stats.pass_rate_ci({"only": [True, False, True, True]}, key="one")
    assert (est.n, est.k) == (4, 1)
    assert (est.low, est.high) == stats.wilson_interval(3, 4)
    assert est.method == "wilson"


def test_pass_rate_ci_with_no_trials_is_nan_with_uninformative_interval() -> None:
    est = stats.pass_rate_ci({"skipped": []}, key="empty")
    assert math.isnan(est.point)
    assert (est.low, est.high, est.n, est.k, est.method) == (0.0, 1.0, 0, 0, "none")


def test_pass_rate_ci_ignores_tasks_without_trials() -> None:
    with_empty = stats.pass_rate_ci({**MIXED, "t0-skipped": []}, key="k")
    assert with_empty == stats.pass_rate_ci(MIXED, key="k")


def test_rate_estimate_is_frozen() -> None:
    est = stats.pass_rate_ci(MIXED, key="k")
    with pytest.raises(AttributeError):
        est.low = 0.0  # type: ignore[misc]


# --- median ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([4.0], 4.0), ([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 3.0, 2.0], 2.5)],
)
def test_median(values: list[float], expected: float | None) -> None:
    assert stats.median(values) == expected


def test_median_rejects_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        stats.median([1.0, math.nan, 2.0])


# --- properties -----------------------------------------------------------------------------------

outcome_maps = st.dictionaries(
    keys=st.text(min_size=1, max_size=6),
    values=st.lists(st.booleans(), min_size=1, max_size=6),
    min_size=1,
    max_size=12,
)


@PROPERTY
@given(outcomes=outcome_maps, key=st.text(max_size=20))
def test_interval_contains_point_and_stays_in_unit_range(outcomes: dict[str, list[bool]], key: str) -> None:
    est = stats.pass_rate_ci(outcomes, key=key, resamples=SMALL)
    assert 0.0 <= est.low <= est.point <= est.high <= 1.0
    assert est.low < est.high
    assert est.n == sum(len(v) for v in outcomes.values())
    assert est.k == len(outcomes)


@PROPERTY
@given(outcomes=outcome_maps, key=st.text(max_size=20))
def test_interval_is_never_narrower_than_wilson(outcomes: dict[str, list[bool]], key: str) -> None:
    est = stats.pass_rate_ci(outcomes, key=key, resamples=SMALL)
    w_low, w_high = stats.wilson_interval(sum(sum(v) for v in outcomes.values()), est.n)
    assert est.low <= w_low
    assert est.high >= w_high


@PROPERTY
@given(
    clusters=st.lists(
        st.integers(min_value=1, max_value=8).flatmap(lambda t: st.tuples(st.integers(0, t), st.just(t))),
        max_size=15,
    ),
    seed=st.integers(min_value=0, max_value=2**64 - 1),
)
def test_bootstrap_bounds_are_ordered_and_within_observed_cluster_rates(
    clusters: list[tuple[int, int]], seed: int
) -> None:
    successes = [s for s, _ in clusters]
    trials = [t for _, t in clusters]
    low, high = stats.cluster_bootstrap_ci(successes, trials, resamples=SMALL, seed=seed)
    assert 0.0 <= low <= high <= 1.0
    if clusters:
        rates = [s / t for s, t in clusters]
        assert min(rates) - 1e-12 <= low
        assert high <= max(rates) + 1e-12


# --- resample sums, ratios and means -------------------------------------------------------------


def test_bootstrap_sums_reproduce_cluster_bootstrap_ci_exactly() -> None:
    successes = [i % 4 for i in range(20)]
    trials = [3 + i % 5 for i in range(20)]
    ref = stats.cluster_bootstrap_ci(successes, trials, resamples=1_000, seed=5)
    table = np.column_stack([successes, trials])
    for cache in (None, {}):
        sums = stats.cluster_bootstrap_sums(table, resamples=1_000, seed=5, cache=cache)
        low, high = np.quantile(sums[:, 0] / sums[:, 1], [0.025, 0.975])
        assert (float(low), float(high)) == ref


def test_bootstrap_sums_drawn_in_blocks_are_the_same_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    table = np.arange(30, dtype=float).reshape(10, 3)
    whole = stats.cluster_bootstrap_sums(table, resamples=500, seed=9)
    monkeypatch.setattr(stats, "_CHUNK_ELEMENTS", 37)  # 3 resamples per block
    assert np.array_equal(stats.cluster_bootstrap_sums(table, resamples=500, seed=9), whole)


def test_bootstrap_cache_reuses_the_draw_for_the_same_seed_and_task_count() -> None:
    cache: stats.WeightCache = {}
    a = stats.cluster_bootstrap_sums(np.ones((8, 1)), resamples=200, seed=1, cache=cache)
    b = stats.cluster_bootstrap_sums(np.arange(8.0), resamples=200, seed=1, cache=cache)
    assert len(cache) == 1
    assert np.all(a[:, 0] == 8)  # every resample draws 8 clusters
    weights = cache[(8, 200, 1)]
    assert np.array_equal(b[:, 0], weights @ np.arange(8.0))


def test_mean_interval_agrees_with_scipy_for_one_trial_per_task() -> None:
    values = np.random.default_rng(3).gamma(2.0, 0.01, size=40)  # e.g. dollars per task
    (iv,) = stats.cluster_bootstrap_ratios(np.column_stack([values, np.ones(40)]), [(0, 1)], seed=2)
    assert iv is not None
    ref = scipy.stats.bootstrap(
        (values,), np.mean, method="percentile", n_resamples=10_000, rng=np.random.default_rng(4)
    ).confidence_interval
    assert iv.point == pytest.approx(values.mean())
    assert iv.low == pytest.approx(ref.low, rel=0.05)
    assert iv.high == pytest.approx(ref.high, rel=0.05)


def test_ratio_with_zero_pooled_denominator_is_none_and_zero_resamples_are_skipped() -> None:
    table = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [3.0, 4.0, 0.0]])
    frac, none = stats.cluster_bootstrap_ratios(table, [(0, 1), (0, 2)], resamples=300, seed=0)
    assert none is None
    assert frac is not None
    assert frac.point == pytest.approx(4 / 6)
    assert 0.0 <= frac.low <= frac.point <= frac.high <= 1.0  # resamples of only task 2 are NaN, dropped


@PROPERTY
@given(
    clusters=st.lists(
        st.tuples(st.floats(0, 5, allow_nan=False), st.integers(1, 6)), min_size=1, max_size=15
    ),
    seed=st.integers(0, 2**32),
)
def test_mean_interval_contains_its_point(clusters: list[tuple[float, int]], seed: int) -> None:
    table = np.array([[v * n, n] for v, n in clusters], dtype=float)
    (iv,) = stats.cluster_bootstrap_ratios(table, [(0, 1)], resamples=SMALL, seed=seed)
    assert iv is not None
    assert iv.low <= iv.point <= iv.high


@PROPERTY
@given(outcomes=outcome_maps)
def test_interval_narrows_with_more_tasks(outcomes: dict[str, list[bool]]) -> None:
    # Four copies of every task: the same rate, four times the evidence.
    more = {f"{copy}-{task}": flags for copy in range(4) for task, flags in outcomes.items()}
    few = stats.pass_rate_ci(outcomes, key="few", resamples=2_000)
    many = stats.pass_rate_ci(more, key="many", resamples=2_000)
    assert many.point == pytest.approx(few.point)
    assert (many.high - many.low) <= (few.high - few.low) + 0.02


def test_task_set_seed_reproduces_through_pass_rate_ci() -> None:
    seed = stats.task_set_seed("puzzles", ["b", "a"])
    assert seed == stats.cell_seed("puzzles|a\nb")


# --- paired comparison, non-inferiority, Holm -----------------------------------------------------


def test_tango_with_zero_margin_is_mcnemar() -> None:
    z = (9 - 2) / math.sqrt(9 + 2)
    assert stats.tango_noninferiority_p(9, 2, 44, 0.0) == pytest.approx(scipy.stats.norm.sf(z))


def test_tango_restricted_estimate_maximises_the_likelihood() -> None:
    # The statistic is only right if q is the constrained MLE; check q against a numeric optimum.
    n11, n10, n01, n00, d0 = 30, 6, 2, 15, -0.1
    n = n11 + n10 + n01 + n00

    def negll(x: np.ndarray) -> float:
        p01, p11 = x
        p10, p00 = p01 + d0, 1 - p11 - (p01 + d0) - p01
        if min(p01, p10, p11, p00) <= 0:
            return 1e9
        return -(n11 * math.log(p11) + n10 * math.log(p10) + n01 * math.log(p01) + n00 * math.log(p00))

    best = scipy.optimize.minimize(negll, [0.2, 0.4], method="Nelder-Mead", options={"xatol": 1e-10})
    q = best.x[0]
    z = (n10 - n01 - n * d0) / math.sqrt(n * (2 * q + d0 * (1 - d0)))
    assert stats.tango_noninferiority_p(n10, n01, n, -d0) == pytest.approx(scipy.stats.norm.sf(z), abs=1e-6)


@PROPERTY
@given(counts=st.tuples(*[st.integers(0, 30)] * 3).filter(lambda c: sum(c) > 0))
def test_score_interval_contains_the_difference_within_bounds(counts: tuple[int, int, int]) -> None:
    only_a, only_b, agree = counts
    n = only_a + only_b + agree
    low, high = stats.tango_paired_interval(only_a, only_b, n)
    delta = (only_a - only_b) / n
    assert -1.0 <= low <= delta <= high <= 1.0
    assert low < high  # never a point, not even when every pair agrees


def test_score_interval_is_the_inverted_score_test() -> None:
    low, _high = stats.tango_paired_interval(9, 2, 44)
    assert stats.tango_noninferiority_p(9, 2, 44, -low) == pytest.approx(0.025)
    # every one of 80 pairs agreeing still leaves about +-4.6 points
    assert stats.tango_paired_interval(0, 0, 80) == pytest.approx((-0.0458, 0.0458), abs=1e-4)


def _pairs(a: list[int], b: list[int], seeds: int = 1) -> tuple[list[str], list[int], list[int]]:
    tasks = [f"t{i:03d}" for i in range(len(a)) for _ in range(seeds)]
    return tasks, [x for x in a for _ in range(seeds)], [x for x in b for _ in range(seeds)]


def test_paired_difference_of_identical_strategies_on_many_tasks_is_non_inferior() -> None:
    outcomes = [i % 3 != 0 for i in range(300)]
    diff = stats.paired_difference(*_pairs(outcomes, outcomes), seed=1, margin=0.05)
    assert (diff.point, diff.pairs, diff.tasks) == (0.0, 300, 300)
    assert diff.p_value < 0.001
    assert stats.non_inferior(diff, 0.05)


def test_paired_difference_of_a_much_worse_strategy_is_inferior() -> None:
    base = [1] * 60
    worse = [i % 2 for i in range(60)]  # passes half
    diff = stats.paired_difference(*_pairs(worse, base, seeds=2), seed=1, margin=0.05)
    assert diff.point == pytest.approx(-0.5)
    assert diff.high < -0.05
    assert diff.p_value > 0.99
    assert not stats.non_inferior(diff, 0.05)


def test_paired_difference_of_one_task_is_not_proof() -> None:
    # One task, ten agreeing seeds: the bootstrap cannot vary, the score test still asks for evidence.
    diff = stats.paired_difference(["t"] * 10, [1] * 10, [1] * 10, seed=1, margin=0.05)
    assert diff.method == "score"
    assert diff.low < -0.05
    assert diff.p_value > 0.025


def test_paired_bootstrap_keeps_seeds_of_a_task_together() -> None:
    # Seeds agree within a task: 10 tasks x 10 seeds is 10 pieces of evidence, not 100.
    a = [1, 1, 1, 1, 1, 1, 0, 0, 1, 1]
    b = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
    clustered = stats.paired_difference(*_pairs(a, b, seeds=10), seed=3)
    rows = stats.paired_difference([str(i) for i in range(100)], *_pairs(a, b, seeds=10)[1:], seed=3)
    assert clustered.point == rows.point == 0.0
    assert (clustered.high - clustered.low) > 1.5 * (rows.high - rows.low)


def test_paired_difference_cost_ratio() -> None:
    tasks, a, b = _pairs([1, 0, 1, 1], [1, 1, 1, 0])
    diff = stats.paired_difference(tasks, a, b, seed=0, cost_a=[1, 1, 1, 1], cost_b=[4, 4, 4, 4])
    assert diff.cost_ratio is not None
    assert diff.cost_ratio.point == pytest.approx(0.25)


def test_paired_difference_rejects_mismatched_or_out_of_range_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        stats.paired_difference(["a"], [1, 0], [1, 0], seed=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        stats.paired_difference(["a"], [2], [1], seed=0)


def test_paired_difference_without_pairs_is_uninformative() -> None:
    diff = stats.paired_difference([], [], [], seed=0, margin=0.05)
    assert math.isnan(diff.point)
    assert (diff.low, diff.high, diff.p_value, diff.method) == (-1.0, 1.0, 1.0, "none")


def test_holm_matches_the_step_down_definition() -> None:
    assert stats.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.holm([]) == []
    assert stats.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


@PROPERTY
@given(p=st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=20))
def test_holm_never_lowers_a_p_value_and_keeps_the_order(p: list[float]) -> None:
    adj = stats.holm(p)
    assert all(a >= x - 1e-15 and a <= 1.0 for a, x in zip(adj, p, strict=True))
    order = np.argsort(p, kind="stable")
    assert all(adj[i] <= adj[j] + 1e-15 for i, j in itertools.pairwise(order))


def test_holm_rejects_values_outside_unit_interval() -> None:
    with pytest.raises(ValueError, match="p-values"):
        stats.holm([0.1, 1.5])


# --- how many pairs a verdict needs ---------------------------------------------------------------


def test_min_pairs_for_verdict_is_where_agreeing_pairs_first_pass_tangos_test() -> None:
    # n > z²(1 − m)/m = 1.96² · 0.95 / 0.05 = 72.99: 73 agreeing pairs rule out a 5-point loss, 72 do not.
    assert stats.min_pairs_for_verdict(0.05) == 73
    assert (
        stats.tango_noninferiority_p(0, 0, 73, 0.05) < 0.025 <= stats.tango_noninferiority_p(0, 0, 72, 0.05)
    )
    assert stats.min_pairs_for_verdict(0.10) == 35  # 1.96² · 0.9 / 0.1 = 34.57
    assert stats.min_pairs_for_verdict(0.0) is None


def test_pairs_needed_is_the_non_inferiority_sample_size_at_the_observed_variance() -> None:
    # (z_0.975 + z_0.8)² · σ² / m² = (1.95996 + 0.84162)² · 0.5 / 0.05² = 1569.8
    assert stats.pairs_needed(0.5, 0.05) == 1570
    assert stats.pairs_needed(0.5, 0.10) == 393
    assert stats.pairs_needed(0.5, 0.05, power=0.5) == math.ceil(1.959964**2 * 0.5 / 0.0025)
    assert stats.pairs_needed(0.0, 0.05) == 73  # never fewer than any verdict needs
    assert stats.pairs_needed(0.5, 0.0) is None
    assert stats.pairs_needed(math.nan, 0.05) is None
    with pytest.raises(ValueError, match="power"):
        stats.pairs_needed(0.5, 0.05, power=1.0)


def test_paired_difference_variance_floors_at_tangos_null_variance() -> None:
    # Every pair agrees: the bootstrap cannot vary, Tango's variance at δ0 = −m is m(1 − m).
    same = [i % 2 for i in range(80)]
    diff = stats.paired_difference(*_pairs(same, same), seed=1, margin=0.05)
    assert diff.variance == pytest.approx(0.05 * 0.95)
    # Two of four pairs disagree, one each way: the per-pair variance of a − b is about 0.5.
    four = stats.paired_difference(["a", "b", "c", "d"], [1, 0, 1, 1], [1, 1, 0, 1], seed=1, margin=0.05)
    assert four.variance == pytest.approx(0.5, abs=0.05)
    assert stats.pairs_needed(four.variance, 0.05) > 1000
    assert math.isnan(stats.paired_difference([], [], [], seed=0).variance)
