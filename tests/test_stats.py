"""Statistics against known answers (closed forms, scipy) and property-based invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_hybridarena import stats

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
