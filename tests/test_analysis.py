"""The analysis on constructed rows whose answers are known: cells, paired verdicts with Holm, the
Pareto frontier, the decision table, calibration and the threshold-sweep curves, legacy rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.results import stats
from pytest_hybridarena.results.analysis import analyze, reprice_rows
from pytest_hybridarena.results.calibration import apgr, calibrate, calibrate_threshold, cpt
from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.pareto import pareto_frontier
from pytest_hybridarena.results.report import load_rows
from pytest_hybridarena.results.rows import Row

DATA = Path(__file__).parent / "data"
FAST = 2_000  # resamples; verdicts below are far from their thresholds or exactly constructed


def make_row(
    task: str,
    strategy: str,
    outcome: str,
    *,
    seed: int = 0,
    agent: str = "aider",
    cls: str = "puzzles",
    cost: float | None = 0.0,
    calls: tuple[int, int] = (0, 0),
    tokens: tuple[int, int] = (0, 0),
    wall: float = 1.0,
) -> dict[str, Any]:
    """One wire row; ``calls``/``tokens`` are (local, cloud)."""
    return Row(
        run_id="r",
        cell=Cell(cls, task, agent, strategy, seed),
        outcome=outcome,  # type: ignore[arg-type]
        calls={"total": sum(calls), "local": calls[0], "cloud": calls[1]},
        tokens={
            "local_prompt": tokens[0],
            "local_completion": 0,
            "cloud_prompt": tokens[1],
            "cloud_completion": 0,
            "cached": 0,
        },
        cost_usd={"scenario": "list-price", "value": cost},
        models={"local": "ollama:q", "cloud": "openai:gpt-5.5"},
        wall_s={"agent": wall, "score": 0.0, "total": wall},
    ).to_wire()


def strategy_rows(strategy: str, passes: list[bool], *, cost: float = 0.0, **kw: Any) -> list[dict[str, Any]]:
    return [
        make_row(f"t{i:03d}", strategy, "pass" if p else "fail", cost=cost, **kw)
        for i, p in enumerate(passes)
    ]


# --- cells ----------------------------------------------------------------------------------------


def test_cell_statistics_intention_to_treat_and_error_adjusted() -> None:
    rows = [
        make_row("a", "cascade", "pass", seed=0, cost=0.1, calls=(3, 1), tokens=(300, 100), wall=10),
        make_row("a", "cascade", "error", seed=1, cost=0.3, calls=(0, 2), tokens=(0, 200), wall=20),
        make_row("b", "cascade", "fail", seed=0, cost=0.2, calls=(1, 1), tokens=(100, 100), wall=30),
        make_row("b", "cascade", "timeout", seed=1, cost=0.2, calls=(2, 0), tokens=(200, 0), wall=40),
        make_row("c", "cascade", "skipped", seed=0),
    ]
    agg = analyze(rows, resamples=FAST)
    (cell,) = agg["cells"].values()
    assert cell["id"] == "puzzles|aider|cascade|ollama:q|openai:gpt-5.5"
    assert cell["counts"] == {"pass": 1, "fail": 1, "error": 1, "timeout": 1, "skipped": 1}
    assert (cell["n"], cell["tasks"], cell["rows"]) == (4, 2, 5)
    assert cell["pass_rate"]["point"] == pytest.approx(1 / 4)
    assert cell["pass_rate_error_adjusted"]["point"] == pytest.approx(1 / 2)
    assert cell["error_rate"]["point"] == cell["timeout_rate"]["point"] == pytest.approx(1 / 4)
    assert cell["cost_per_task"]["point"] == pytest.approx(0.8 / 5)  # the skipped row spent $0
    assert cell["cost_total"] == pytest.approx(0.8)
    assert cell["cloud_fraction_tokens"]["point"] == pytest.approx(400 / 1000)
    assert cell["cloud_fraction_calls"]["point"] == pytest.approx(4 / 10)
    assert cell["tokens_per_task"]["point"] == pytest.approx(1000 / 5)
    assert cell["wall_s_per_task"]["point"] == pytest.approx(25)
    assert cell["median_wall_s"] == pytest.approx(25)
    for name in ("pass_rate", "cost_per_task", "cloud_fraction_tokens", "wall_s_per_task"):
        assert cell[name]["low"] <= cell[name]["point"] <= cell[name]["high"]


def test_cell_pass_rate_equals_pass_rate_ci_seeded_by_the_cell_key() -> None:
    outcomes = {f"t{i:02d}": [i % 3 != 0, i % 4 != 0, i % 5 != 0] for i in range(25)}
    rows = [
        make_row(t, "heuristic", "pass" if ok else "fail", seed=s)
        for t, flags in outcomes.items()
        for s, ok in enumerate(flags)
    ]
    cell = next(iter(analyze(rows, resamples=FAST)["cells"].values()))
    assert cell["id"] == "puzzles|aider|heuristic|ollama:q|openai:gpt-5.5"
    assert cell["bootstrap_seed"] == stats.cell_seed("puzzles")  # from the key's task class
    ref = stats.pass_rate_ci(outcomes, key="puzzles", resamples=FAST)
    assert (cell["pass_rate"]["point"], cell["pass_rate"]["low"], cell["pass_rate"]["high"]) == (
        ref.point,
        ref.low,
        ref.high,
    )
    assert cell["pass_rate"]["method"] == ref.method


def test_every_spend_counts_skipped_and_timed_out_rows_included() -> None:
    rows = [
        make_row("a", "cascade", "pass", cost=0.1, calls=(1, 1), tokens=(100, 100)),
        make_row("b", "cascade", "timeout", cost=0.2, calls=(0, 2), tokens=(0, 200)),
        make_row("c", "cascade", "skipped", cost=0.3, calls=(0, 3), tokens=(0, 300)),  # unscored
    ]
    (cell,) = analyze(rows, resamples=FAST)["cells"].values()
    assert (cell["n"], cell["rows"], cell["tasks"]) == (2, 3, 2)
    assert cell["pass_rate"]["point"] == pytest.approx(1 / 2)  # achievement: judged trials only
    assert cell["cost_total"] == pytest.approx(0.6)
    assert cell["cost_per_task"]["point"] == pytest.approx(0.6 / 3)  # spend: every row
    assert cell["tokens_total"] == 700
    assert cell["calls_total"] == 7
    assert cell["calls_per_task"]["point"] == pytest.approx(7 / 3)
    assert cell["cloud_fraction_calls"]["point"] == pytest.approx(6 / 7)
    assert cell["cloud_fraction_tokens"]["point"] == pytest.approx(600 / 700)


def test_spend_without_skipped_rows_keeps_the_judged_resamples() -> None:
    rows = [make_row(f"t{i}", "s", "pass" if i % 3 else "fail", cost=0.1 * (i % 4)) for i in range(12)]
    with_skip = [*rows, make_row("t0", "s", "skipped", seed=9, cost=0.0)]  # same task set, no spend
    (plain,) = analyze(rows, resamples=FAST)["cells"].values()
    (skipped,) = analyze(with_skip, resamples=FAST)["cells"].values()
    assert skipped["pass_rate"] == plain["pass_rate"]
    assert skipped["cost_total"] == pytest.approx(plain["cost_total"])


def test_unpriced_rows_leave_cost_unknown_never_a_partial_sum() -> None:
    rows = [make_row("a", "s", "pass", cost=0.5), make_row("b", "s", "pass", cost=None)]
    (cell,) = analyze(rows, resamples=FAST)["cells"].values()
    assert cell["cost_per_task"] is None
    assert cell["cost_unpriced"] == 1


def test_analysis_is_deterministic_and_independent_of_row_order() -> None:
    rows = strategy_rows("always-cloud", [i % 4 != 0 for i in range(30)], cost=1.0)
    rows += strategy_rows("heuristic", [i % 5 != 0 for i in range(30)], cost=0.3)
    first = analyze(rows, resamples=FAST)
    assert analyze(list(reversed(rows)), resamples=FAST) == first


def test_price_as_reprices_cloud_tokens_like_a_live_run() -> None:
    row = make_row("a", "s", "pass", cost=None)
    row["tokens"].update(cloud_prompt=1_000_000, cloud_completion=100_000, cached=200_000)
    (repriced,) = reprice_rows([row], "gpt-5.5")
    # 800k uncached x $5 + 200k cached x $0.50 + 100k out x $30, per 1M
    assert repriced["cost_usd"] == {"scenario": "as:gpt-5.5", "value": pytest.approx(4.0 + 0.1 + 3.0)}
    assert row["cost_usd"]["value"] is None  # input rows are not modified
    agg = analyze([row], price_as="gpt-5.5", resamples=FAST)
    assert next(iter(agg["cells"].values()))["cost_per_task"]["point"] == pytest.approx(7.1)
    with pytest.raises(ValueError, match="not in the price table"):
        reprice_rows([row], "gpt-9")


# --- paired comparisons ---------------------------------------------------------------------------


def _verdicts(agg: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {e["strategy"]: (e["verdict_unadjusted"], e["verdict"]) for e in agg["comparisons"]}


def test_paired_verdicts_non_inferior_inferior_and_a_borderline_one_holm_flips() -> None:
    # 80 tasks; the baseline passes the first 40. "better" passes all (clearly non-inferior), "same"
    # has exactly the baseline's outcomes (Tango's score test gives p = 0.020 at 5 pts: non-inferior
    # alone, but Holm doubles it to 0.040 as the second of three), "worse" passes none.
    base = [i < 40 for i in range(80)]
    rows = strategy_rows("always-cloud", base, cost=1.0)
    rows += strategy_rows("better", [True] * 80, cost=0.5)
    rows += strategy_rows("same", base, cost=0.38)
    rows += strategy_rows("worse", [False] * 80, cost=0.1)
    agg = analyze(rows, resamples=FAST)
    assert _verdicts(agg) == {
        "better": ("non-inferior", "non-inferior"),
        "same": ("non-inferior", "inconclusive"),
        "worse": ("inferior", "inferior"),
    }
    same = next(e for e in agg["comparisons"] if e["strategy"] == "same")
    assert same["p_value"] == pytest.approx(0.0201, abs=5e-4)
    assert same["p_holm"] == pytest.approx(2 * same["p_value"])
    assert same["family_size"] == 3
    assert same["diff"]["point"] == 0.0
    assert same["cost_ratio"]["point"] == pytest.approx(0.38)
    better = next(e for e in agg["comparisons"] if e["strategy"] == "better")
    assert better["sentence"] == "better is non-inferior to always-cloud at 5 pts while using 50% of its cost"
    assert agg["settings"]["multiplicity"] == "holm"
    assert better["why"] is None
    assert same["why"] == (
        f"non-inferior on its own (p {same['p_value']:.3f}) but not after Holm's correction over 3 "
        f"comparisons (p {same['p_holm']:.3f})"
    )
    assert same["sentence"].endswith(f"(inconclusive: {same['why']})")


def test_an_inconclusive_comparison_on_four_pairs_says_n_is_too_small() -> None:
    rows = strategy_rows("always-cloud", [True, True, False, True])
    rows += strategy_rows("heuristic", [True, False, True, True])
    (entry,) = analyze(rows, resamples=FAST)["comparisons"]
    assert entry["verdict"] == "inconclusive"
    need = entry["pairs_needed"]
    assert need == stats.pairs_needed(entry["variance"], 0.05)
    assert 1000 < need < 2500  # one pair lost and one won out of four: σ² about 0.5
    assert entry["why"] == (
        "n = 4 pairs is too few for any verdict at a 5-point margin, which needs ≥ 73 even if every pair "
        f"agrees; ≥ {need} pairs, e.g. {need} tasks × 1 seed, needed to resolve a 5-point margin at this "
        "variance"
    )
    assert (
        entry["sentence"]
        == f"heuristic is not shown non-inferior to always-cloud at 5 pts (inconclusive: {entry['why']})"
    )


def test_an_inconclusive_comparison_with_enough_pairs_for_agreement_gives_the_estimate() -> None:
    # 100 tasks × 2 seeds, 10 tasks lost on both seeds: clustered variance, more than 200 pairs needed.
    base = [True] * 100
    worse = [i >= 10 for i in range(100)]
    rows = [
        make_row(f"t{i:03d}", "always-cloud", "pass" if p else "fail", seed=s)
        for i, p in enumerate(base)
        for s in (0, 1)
    ]
    rows += [
        make_row(f"t{i:03d}", "heuristic", "pass" if p else "fail", seed=s)
        for i, p in enumerate(worse)
        for s in (0, 1)
    ]
    (entry,) = analyze(rows, resamples=FAST)["comparisons"]
    assert (entry["pairs"], entry["tasks"], entry["verdict"]) == (200, 100, "inconclusive")
    need = entry["pairs_needed"]
    assert need > 200
    assert entry["why"] == (
        f"n = 200 pairs; ≥ {need} pairs, e.g. {-(-need // 2)} tasks × 2 seeds, needed to resolve a "
        "5-point margin at this variance"
    )


def test_comparisons_pair_only_matching_task_and_seed() -> None:
    rows = strategy_rows("always-cloud", [True] * 10) + strategy_rows("h", [True] * 10)
    rows += [make_row("t999", "h", "fail")]  # no baseline partner: not in the comparison
    (entry,) = analyze(rows, resamples=FAST)["comparisons"]
    assert (entry["pairs"], entry["tasks"]) == (10, 10)
    assert entry["diff"]["point"] == 0.0


def test_a_custom_baseline_and_margin() -> None:
    rows = strategy_rows("always-local", [i % 2 == 0 for i in range(200)])
    rows += strategy_rows("h", [i % 2 == 0 or i % 7 == 0 for i in range(200)])
    agg = analyze(rows, baseline="always-local", margin=0.0, resamples=FAST)
    (entry,) = agg["comparisons"]
    assert entry["baseline"] == "always-local"
    assert entry["diff"]["point"] > 0
    assert entry["verdict"] == "non-inferior"  # with margin 0: superior


# --- Pareto frontier and decision table -----------------------------------------------------------


def _cell(cid: str, rate: float, cost: float | None) -> dict[str, Any]:
    return {
        "id": cid,
        "task_class": "x",
        "pass_rate": {"point": rate},
        "cost_per_task": None if cost is None else {"point": cost},
    }


def test_pareto_frontier_drops_dominated_and_unpriced_cells() -> None:
    cells = [
        _cell("best", 0.9, 1.0),
        _cell("cheap-good", 0.88, 0.1),
        _cell("cheapest", 0.5, 0.01),
        _cell("dominated", 0.8, 2.0),
        _cell("unpriced", 0.95, None),
        _cell("tie", 0.88, 0.1),
    ]
    assert pareto_frontier(cells) == ["cheapest", "cheap-good", "tie", "best"]


def test_decision_table_recommends_the_cheapest_non_inferior_configuration() -> None:
    best = [i % 10 != 0 for i in range(200)]  # 90%
    almost = [i % 10 != 0 and i != 1 for i in range(200)]  # 89.5%, same tasks but one
    rows = strategy_rows("always-cloud", best, cost=1.0)
    rows += strategy_rows("heuristic", almost, cost=0.1)
    rows += strategy_rows("always-local", [i % 2 == 0 for i in range(200)], cost=0.0)  # 50%
    rows += strategy_rows("expensive", [i % 5 != 0 for i in range(200)], cost=2.0)  # 80%, dominated
    agg = analyze(rows, resamples=FAST)
    ids = {c["strategy"]: cid for cid, c in agg["cells"].items()}
    assert agg["pareto"]["puzzles"] == [ids["always-local"], ids["heuristic"], ids["always-cloud"]]
    (decision,) = agg["decisions"]
    assert decision["best"] == ids["always-cloud"]
    assert decision["recommended"] == ids["heuristic"]
    assert [c["non_inferior"] for c in decision["candidates"]] == [False, True]  # cheapest first
    assert decision["reason"].startswith(
        "aider · heuristic (89.5%) is non-inferior to the best, aider · always-cloud (90.0%), at 5 pts "
        "while using 10% of its cost"
    )


def test_decision_table_keeps_the_best_when_nothing_cheaper_is_non_inferior() -> None:
    rows = strategy_rows("always-cloud", [True] * 50, cost=1.0)
    rows += strategy_rows("always-local", [i % 2 == 0 for i in range(50)], cost=0.0)
    (decision,) = analyze(rows, resamples=FAST)["decisions"]
    assert decision["recommended"] == decision["best"]
    assert "none of the 1 cheaper configurations is non-inferior" in decision["reason"]


def test_decision_table_recommends_nothing_when_no_configuration_passed() -> None:
    rows = strategy_rows("always-local", [False] * 4, cost=0.0)
    rows += strategy_rows("always-cloud", [False] * 4, cost=0.02)
    rows += [make_row("t000", "heuristic", "timeout", cost=0.01)]
    (decision,) = analyze(rows, resamples=FAST)["decisions"]
    assert decision["recommended"] is None
    assert decision["best"] is None
    assert decision["reason"] == (
        "no configuration solved any task of this class (0 of 9 trials passed over 3 configurations; "
        "1 timeout); nothing to recommend"
    )
    assert "highest pass rate" not in decision["reason"]


def test_controls_are_never_the_best_or_a_candidate() -> None:
    rows = strategy_rows("always-cloud", [i % 2 == 0 for i in range(20)], cost=1.0)
    oracle = [
        {
            **make_row(f"t{i:03d}", "always-local", "pass", agent="oracle"),
            "models": {"local": None, "cloud": None},
        }
        for i in range(20)
    ]
    (decision,) = analyze(rows + oracle, resamples=FAST)["decisions"]
    agg = analyze(rows + oracle, resamples=FAST)
    assert agg["cells"][decision["best"]]["agent"] == "aider"
    assert all(agg["cells"][c["cell"]]["agent"] != "oracle" for c in decision["candidates"])


def test_a_class_whose_only_cell_timed_out_gets_no_recommendation() -> None:
    (decision,) = analyze([make_row("t000", "always-local", "timeout")], resamples=FAST)["decisions"]
    assert decision["recommended"] is None
    assert decision["reason"].startswith("no configuration solved any task of this class (0 of 1 trial ")


def test_a_cheaper_configuration_that_passed_nothing_is_never_recommended() -> None:
    # 1 pass in 200 against none: on its own a 0.5-point loss is non-inferior at 5 points.
    rows = strategy_rows("always-cloud", [i == 0 for i in range(200)], cost=1.0)
    rows += strategy_rows("always-local", [False] * 200, cost=0.0)
    agg = analyze(rows, baseline="always-cloud", resamples=FAST)
    (comparison,) = agg["comparisons"]
    assert comparison["verdict"] == "non-inferior"  # the paired test alone would pick it
    (decision,) = agg["decisions"]
    assert decision["recommended"] == decision["best"]
    assert agg["cells"][decision["recommended"]]["strategy"] == "always-cloud"
    assert decision["reason"].endswith("; the 1 cheaper configuration solved no task")
    assert decision["family_size"] == 0


def test_decision_on_too_few_pairs_says_how_many_would_decide() -> None:
    rows = strategy_rows("always-cloud", [True, True, True, True], cost=1.0)
    rows += strategy_rows("heuristic", [True, False, True, True], cost=0.1)
    (decision,) = analyze(rows, resamples=FAST)["decisions"]
    assert decision["recommended"] == decision["best"]
    assert "; n = 4 pairs (too few for any verdict): ≥ " in decision["reason"]
    need = decision["candidates"][0]["pairs_needed"]
    assert need > 73  # more than agreeing pairs would need: one of the four disagrees
    assert (
        f"≥ {need} pairs, e.g. {need} tasks × 1 seed, needed to resolve a 5-point margin"
        in decision["reason"]
    )


# --- calibration and curves -----------------------------------------------------------------------


def _decision(score: float, path: str = "agent", strategy: str = "heuristic", **kw: Any) -> dict[str, Any]:
    return {
        "strategy": strategy,
        "choice": "cloud" if score >= 12 else "local",
        "meta": {"score": score, "path": path, "threshold": 12},
        **kw,
    }


def test_calibration_threshold_is_the_one_minus_target_quantile() -> None:
    assert calibrate_threshold(list(range(100)), 0.2) == pytest.approx(79.2)
    records = [_decision(float(s)) for s in range(100)]
    records += [_decision(500.0, forced="cloud"), _decision(1.0, strategy="rules")]  # both ignored
    records += [{"strategy": "heuristic", "meta": {}}]  # no score: ignored
    cal = calibrate(records, "heuristic", 0.2)
    assert cal["records"] == 100
    assert cal["threshold"] == pytest.approx(79.2)
    assert cal["achieved"] == pytest.approx(0.2)
    assert cal["current_cloud"] == pytest.approx(0.88)  # scores 12..99 went to cloud at threshold 12
    assert cal["suggested_spec"] == "heuristic@threshold=79.2"


def test_calibration_per_path_gives_each_path_the_target() -> None:
    records = [_decision(float(s), "agent") for s in range(50)]
    records += [_decision(float(s), "legacy") for s in range(100, 200)]
    cal = calibrate(records, "heuristic@threshold=12", 0.1)
    assert cal["records"] == 0  # a full spec matches only records of exactly that spec
    cal = calibrate(records, "heuristic", 0.1)
    assert cal["by_path"]["agent"]["threshold"] == pytest.approx(44.1)
    assert cal["by_path"]["legacy"]["threshold"] == pytest.approx(189.1)
    assert cal["by_path"]["agent"]["achieved"] == pytest.approx(0.1)
    assert cal["suggested_spec"] == "heuristic@threshold=44.1;legacy_threshold=189"


def test_calibration_without_records_says_so() -> None:
    cal = calibrate([], "cascade", 0.2)
    assert cal["threshold"] is None
    assert "no decision records" in cal["note"]


def test_apgr_and_cpt_on_a_constructed_curve() -> None:
    # Local 20%, cloud 60%; one sweep point at 50% cloud calls with 50% pass -> PGR 0.75 there.
    points = [(0.5, 0.5)]
    assert apgr(points, 0.2, 0.6) == pytest.approx(0.5 * 0.75 / 2 + 0.5 * 1.75 / 2)
    assert cpt(points, 0.2, 0.6, 0.5) == pytest.approx(1 / 3)
    assert cpt(points, 0.2, 0.6, 0.8) == pytest.approx(0.6)
    assert apgr([], 0.2, 0.6) == pytest.approx(0.5)  # the straight line between the anchors
    assert apgr(points, 0.6, 0.6) is None
    assert cpt(points, 0.7, 0.6, 0.5) is None


def test_a_sweep_with_one_point_on_an_anchor_has_too_few_points_for_apgr() -> None:
    n = 20
    rows = strategy_rows("always-local", [i < 4 for i in range(n)], calls=(2, 0))
    rows += strategy_rows("always-cloud", [i < 12 for i in range(n)], calls=(0, 2))
    rows += strategy_rows("heuristic", [i < 4 for i in range(n)], calls=(2, 0))  # every call local
    (curve,) = analyze(rows, resamples=FAST)["curves"]
    assert len(curve["points"]) == 1
    assert curve["operating_points"] == 2
    assert (curve["apgr"], curve["cpt50"], curve["cpt80"]) == (None, None, None)
    assert curve["note"] == "too few points: 2 distinct cloud shares, anchors included (APGR and CPT need 3)"


def test_sweep_curve_from_cascade_threshold_cells() -> None:
    n = 20
    rows = strategy_rows("always-local", [i < 4 for i in range(n)], calls=(2, 0))
    rows += strategy_rows("always-cloud", [i < 12 for i in range(n)], calls=(0, 2))
    rows += strategy_rows("cascade@threshold=5", [i < 10 for i in range(n)], calls=(1, 1))
    agg = analyze(rows, resamples=FAST)
    (curve,) = agg["curves"]
    assert curve["strategy"] == "cascade"
    assert curve["anchors"] == {"local": pytest.approx(0.2), "cloud": pytest.approx(0.6)}
    assert curve["apgr"] == pytest.approx(0.625)
    assert (curve["operating_points"], curve["note"]) == (3, None)
    assert curve["cpt50"] == pytest.approx(1 / 3)
    assert curve["cpt80"] == pytest.approx(0.6)


def test_analyze_includes_calibration_when_asked() -> None:
    rows = strategy_rows("heuristic", [True, False])
    agg = analyze(
        rows,
        resamples=FAST,
        decisions=[_decision(float(s)) for s in range(10)],
        calibrate_strategy="heuristic",
    )
    assert agg["calibration"]["threshold"] == pytest.approx(7.2)


# --- legacy rows ----------------------------------------------------------------------------------


def test_legacy_rows_are_converted_with_the_documented_mapping() -> None:
    rows = load_rows([DATA / "legacy-raw.jsonl"])
    assert len(rows) == 11
    by = {(r["cell"]["task_id"], r["cell"]["agent"], r["cell"]["seed"]): r for r in rows}
    r1 = by[("humaneval-plus/HumanEval_99", "R1", 0)]
    assert r1["cell"]["task_class"] == "A"
    assert r1["cell"]["strategy"] == "none"
    assert r1["models"] == {"local": None, "cloud": "gpt-5.5"}  # the dated snapshot, resolved
    assert r1["outcome"] == "pass"
    assert r1["calls"] == {"total": 1, "local": 0, "cloud": 1}
    assert r1["cost_usd"]["value"] == pytest.approx((175 * 5 + 352 * 30) / 1e6)
    assert r1["wall_s"]["total"] == pytest.approx(5.538)
    # run 07's row (its provenance fields all null) ran R2 on another local model: another cell
    r2 = [
        r
        for r in rows
        if r["cell"]["task_id"] == "humaneval-plus/HumanEval_99" and r["cell"]["agent"] == "R2"
    ]
    assert sorted((r["models"]["local"], r["cell"]["seed"], r["run_id"]) for r in r2) == [
        ("devstral:24b", 0, "legacy:legacy-raw.jsonl"),
        ("qwen3.6:27b-coding-mxfp8", 0, "legacy:v1-qwen"),
    ]
    r3 = by[("humaneval-plus/HumanEval_99", "R3", 0)]
    assert r3["models"] == {"local": "qwen3.6:27b-coding-mxfp8", "cloud": "gpt-5.5"}
    assert r3["tokens"]["local_prompt"] == 6422
    outcomes = {(r["cell"]["task_id"], r["cell"]["agent"]): r["outcome"] for r in rows}
    assert outcomes[("bigcodebench-hard/BigCodeBench/458", "R3")] == "error"
    assert outcomes[("custom-arch/auth-multitenant-design", "R2")] == "skipped"
    # the same C task ran under two variants: two replicates of one cell
    seeds = sorted(
        r["cell"]["seed"] for r in rows if r["cell"]["task_id"] == "bigcodebench-hard/BigCodeBench/214"
    )
    assert seeds == [0, 1]


def test_legacy_rows_analyze() -> None:
    agg = analyze(load_rows([DATA / "legacy-raw.jsonl"]), resamples=FAST)
    cells = {(c["task_class"], c["agent"], c["local_model"]): c for c in agg["cells"].values()}
    assert cells[("A", "R1", None)]["pass_rate"]["point"] == 1.0
    assert cells[("A", "R1", None)]["n"] == 2
    assert cells[("A", "R2", "devstral:24b")]["n"] == 1
    assert cells[("C", "R3", None)]["counts"]["error"] == 1
    assert {d["task_class"] for d in agg["decisions"]} == {"A", "C"}
    json.dumps(agg, allow_nan=False)  # strict JSON as it stands


def test_legacy_strategy_and_seed_come_from_the_sweep_folders(tmp_path: Path) -> None:
    line = (DATA / "legacy-raw.jsonl").read_text().splitlines()[0]
    folder = tmp_path / "cascade-threshold-15" / "seed-7"
    folder.mkdir(parents=True)
    (folder / "raw.jsonl").write_text(line + "\n")
    (row,) = load_rows([tmp_path])
    assert (row["cell"]["strategy"], row["cell"]["seed"]) == ("cascade@threshold=15", 7)


def legacy_row(route: str, task: str, backends: list[str], **kw: Any) -> dict[str, Any]:
    """One row in the replaced system's shape (``route`` and ``quality``, no ``schema``)."""
    tokens = {"local_prompt": 0, "local_completion": 0, "cloud_prompt": 0, "cloud_completion": 0}
    tokens.update(kw.pop("tokens", {}))
    calls = kw.pop("calls", (0, 0))
    return {
        "task_id": task,
        "category": "A",
        "route": route,
        "tokens": {"prompt": 0, "completion": 0, "cached": 0, **tokens},
        "latency": {"wall_ms": 1000},
        "quality": {"functional_pass": kw.pop("passed", True), "tests_passed": 1, "tests_total": 1},
        "routing": {
            "total_calls": sum(calls),
            "local_calls": calls[0],
            "cloud_calls": calls[1],
            "per_call_backends": backends,
        },
        "error": None,
        **kw,
    }


def _write_legacy(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_legacy_route_markers_are_strategies_and_a_route_without_backends_is_priced(tmp_path: Path) -> None:
    path = _write_legacy(
        tmp_path / "raw.jsonl",
        [
            legacy_row("R1", "t1", ["gpt-5.5-2026-04-23"], tokens={"cloud_prompt": 100}, calls=(0, 1)),
            legacy_row("R2", "t1", ["devstral:24b"], tokens={"local_prompt": 100}, calls=(1, 0)),
            # R4 called its models through its own client: no backend named, tokens on both sides.
            legacy_row(
                "R4",
                "t1",
                [],
                tokens={
                    "local_prompt": 358,
                    "local_completion": 143,
                    "cloud_prompt": 2906,
                    "cloud_completion": 1923,
                },
            ),
            # R5 names its cloud model and marks its local calls with the router's route.
            legacy_row(
                "R5",
                "t1",
                ["gpt-5.5", "router/always-local", "gpt-5.5"],
                tokens={"local_prompt": 500, "cloud_prompt": 1000, "cloud_completion": 100},
                calls=(1, 2),
            ),
        ],
    )
    by_route = {r["cell"]["agent"]: r for r in load_rows([path])}
    r4, r5 = by_route["R4"], by_route["R5"]
    assert r4["models"] == {"local": "devstral:24b", "cloud": "gpt-5.5"}
    assert r4["legacy"]["inferred"] == ["local", "cloud"]
    assert r4["cost_usd"]["value"] == pytest.approx((2906 * 5 + 1923 * 30) / 1e6)
    assert r5["cell"]["strategy"] == "always-local"
    assert r5["models"] == {"local": "devstral:24b", "cloud": "gpt-5.5"}  # not "router/always-local"
    assert r5["cost_usd"]["value"] == pytest.approx((1000 * 5 + 100 * 30) / 1e6)
    assert "inferred" not in by_route["R1"]["legacy"]


def test_legacy_route_without_any_named_model_stays_unpriced(tmp_path: Path) -> None:
    path = _write_legacy(tmp_path / "raw.jsonl", [legacy_row("R4", "t1", [], tokens={"cloud_prompt": 2906})])
    (row,) = load_rows([path])
    assert row["models"]["cloud"] is None
    assert row["cost_usd"]["value"] is None


def test_legacy_unscored_and_failed_rows_count_in_the_spend(tmp_path: Path) -> None:
    cloud = {"cloud_prompt": 1_000_000}
    path = _write_legacy(
        tmp_path / "raw.jsonl",
        [
            legacy_row("R1", "t1", ["gpt-5.5"], tokens=cloud, calls=(0, 1)),
            legacy_row("R1", "t2", ["gpt-5.5"], tokens=cloud, calls=(0, 1), passed=None),  # unscored
            legacy_row("R1", "t3", ["gpt-5.5"], tokens=cloud, calls=(0, 1), error="timed out after 600s"),
        ],
    )
    rows = load_rows([path])
    assert sorted(r["outcome"] for r in rows) == ["pass", "skipped", "timeout"]
    (cell,) = analyze(rows, resamples=FAST)["cells"].values()
    assert cell["cost_total"] == pytest.approx(3 * 5.0)  # every row's $5 of prompt tokens
    assert cell["cost_per_task"]["point"] == pytest.approx(5.0)
    assert cell["n"] == 2
