"""``python -m pytest_hybridarena compare RUN_A RUN_B``: cells paired across two runs, with the live
paired comparison's statistics, verdicts and reasons; clear errors for unusable inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.__main__ import main
from pytest_hybridarena.results.analysis import analyze
from pytest_hybridarena.results.compare import compare_runs
from tests.test_analysis import make_row, strategy_rows
from tests.test_report_cli import write_rows

FAST = 1_000


def _run(rows: list[dict[str, Any]], run_id: str) -> list[dict[str, Any]]:
    return [{**r, "run_id": run_id} for r in rows]


def two_runs(tmp_path: Path) -> tuple[Path, Path]:
    """Run B: heuristic unchanged on 200 tasks, always-local much worse, cascade on only 4 tasks."""
    a = strategy_rows("heuristic", [i % 5 != 0 for i in range(200)], cost=0.01)
    a += strategy_rows("always-local", [i % 2 == 0 for i in range(100)], cost=0.0)
    a += strategy_rows("cascade", [True, True, False, True], cost=0.02)
    a += strategy_rows("turbo", [True])
    b = strategy_rows("heuristic", [i % 5 != 0 for i in range(200)], cost=0.005)
    b += strategy_rows("always-local", [False] * 100, cost=0.0)
    b += strategy_rows("cascade", [True, False, True, True], cost=0.02)
    b += strategy_rows("rules", [True])
    return (
        write_rows(tmp_path / "run-a" / "results.jsonl", _run(a, "run-a")).parent,
        write_rows(tmp_path / "run-b" / "results.jsonl", _run(b, "run-b")).parent,
    )


def test_compare_pairs_cells_across_runs_and_gives_each_a_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_a, run_b = two_runs(tmp_path)
    assert main(["compare", str(run_a), str(run_b), "--resamples", str(FAST)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[2]: line for line in out.splitlines() if line.startswith("puzzles  aider")}
    assert set(lines) == {"always-local", "cascade", "heuristic"}
    assert lines["heuristic"].split()[3:6] == ["200", "80.0%", "80.0%"]
    assert " non-inferior " in lines["heuristic"]
    assert lines["heuristic"].endswith(" 50%")  # B costs half of A on the same pairs
    assert " inferior " in lines["always-local"]
    assert "-50.0 [" in lines["always-local"]
    assert " inconclusive " in lines["cascade"]
    assert "  inconclusive, puzzles · aider · cascade: n = 4 pairs is too few for any verdict" in out
    assert "Holm over 3 cells" in out
    assert "only in A (1): puzzles · aider · turbo" in out
    assert "only in B (1): puzzles · aider · rules" in out


def test_compare_uses_the_live_paired_comparison() -> None:
    # The same outcomes as a baseline comparison within one run give the same Δ, interval and p.
    base = [i % 4 != 0 for i in range(60)]
    new = [i % 4 != 0 or i % 8 == 0 for i in range(60)]
    rows_a = strategy_rows("heuristic", base, cost=1.0)
    rows_b = strategy_rows("heuristic", new, cost=0.5)
    (entry,) = compare_runs(rows_a, rows_b, resamples=FAST)["comparisons"]
    live = strategy_rows("always-cloud", base, cost=1.0) + strategy_rows("heuristic", new, cost=0.5)
    (reference,) = analyze(live, resamples=FAST)["comparisons"]
    assert entry["diff"] == reference["diff"]
    assert entry["p_value"] == reference["p_value"]
    assert entry["cost_ratio"] == reference["cost_ratio"]
    assert entry["verdict"] == reference["verdict"]
    assert entry["sentence"].startswith("heuristic in B is ")
    assert entry["sentence"].split(" to ", 1)[1].startswith("heuristic in A at 5 pts")


def test_compare_shows_the_models_when_the_runs_used_different_ones() -> None:
    rows_a = strategy_rows("heuristic", [True] * 10)
    rows_b = [
        {**r, "models": {"local": "ollama:new", "cloud": "openai:gpt-5.5"}}
        for r in strategy_rows("heuristic", [True] * 10)
    ]
    result = compare_runs(rows_a, rows_b, resamples=FAST)
    (entry,) = result["comparisons"]
    assert (entry["models_a"], entry["models_b"]) == (
        ["ollama:q", "openai:gpt-5.5"],
        ["ollama:new", "openai:gpt-5.5"],
    )
    assert entry["pairs"] == 10


def test_compare_refuses_a_missing_run_and_runs_without_a_common_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_a, _ = two_runs(tmp_path)
    assert main(["compare", str(run_a), str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "compare: RUN_B" in err
    assert "no such file or folder" in err
    other = write_rows(
        tmp_path / "other" / "results.jsonl", [make_row("x", "rules", "pass", cls="refactors")]
    )
    assert main(["compare", str(run_a), str(other)]) == 2
    err = capsys.readouterr().err
    assert "have no cell in common (class, agent, strategy)" in err
    assert "B has refactors · aider · rules" in err
    assert main(["compare", str(run_a), str(run_a), "--margin", "150"]) == 2


def test_compare_runs_as_a_command(tmp_path: Path) -> None:
    run_a, run_b = two_runs(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pytest_hybridarena", "compare", str(run_a), str(run_b), "--resamples", "300"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Δ B−A (pts) [95% CI]" in done.stdout
