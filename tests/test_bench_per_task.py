"""bench/per_task.py: the per-task anchor table read from result rows (constructed rows, no model)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.bench_modules import load_bench


@pytest.fixture(scope="module")
def per_task() -> ModuleType:
    return load_bench("per_task")


def _row(task: str, strategy: str, seed: int, outcome: str) -> dict[str, Any]:
    return {
        "cell": {
            "task_class": "ladder",
            "task_id": task,
            "agent": "builtin",
            "strategy": strategy,
            "seed": seed,
        },
        "models": {"local": "small", "cloud": "big"},
        "outcome": outcome,
        "wall_s": {"total": 1.0},
    }


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_tiers_counts_and_errors_apart(
    per_task: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = []
    for seed in (1, 2, 3):
        rows += [_row("easy", "always-local", seed, "pass"), _row("easy", "always-cloud", seed, "pass")]
        rows += [_row("mid", "always-local", seed, "fail"), _row("mid", "always-cloud", seed, "pass")]
        rows += [_row("top", "always-local", seed, "fail"), _row("top", "always-cloud", seed, "fail")]
        rows.append(_row("mid", "escalate", seed, "pass"))  # not an anchor: ignored
    rows[-2] = _row("top", "always-cloud", 3, "timeout")
    assert per_task.main([str(_write(tmp_path / "r.jsonl", rows))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["class", "task", "agent", "small", "big", "tier"]
    lines = {line.split()[1]: line.split() for line in out[1:]}
    assert lines["easy"][3:] == ["3/3", "3/3", "easy"]
    assert lines["mid"][3:] == ["0/3", "3/3", "medium"]
    assert lines["top"][3:] == ["0/3", "0/2", "(+1", "err/t-o)", "above"]
    assert lines["(all)"][2:] == ["3/9", "(33%)", "6/8", "(75%)", "+1", "err/t-o"]


def test_a_retried_cell_counts_once_with_its_last_row(per_task: ModuleType, tmp_path: Path) -> None:
    first = _write(tmp_path / "a.jsonl", [_row("t", "always-local", 1, "timeout")])
    retry = _write(tmp_path / "b.jsonl", [_row("t", "always-local", 1, "pass")])
    table, models = per_task.tally(per_task.read_rows([first, retry]))
    tally = table[("ladder", "t", "builtin")]["small"]
    assert (tally.passed, tally.judged, tally.errors) == (1, 1, 0)
    assert models == ["small"]


def test_inverted_when_only_the_local_model_solves_it(per_task: ModuleType) -> None:
    solved, failed = per_task.Tally(passed=3, judged=3), per_task.Tally(passed=0, judged=3)
    assert per_task.place(solved, failed) == "inverted"
    assert per_task.place(None, failed) == "?"


def test_a_broken_line_names_file_and_line(per_task: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_row("t", "always-local", 1, "pass")) + "\n{oops\n")
    with pytest.raises(SystemExit, match=r"bad\.jsonl:2: not a JSON row"):
        list(per_task.read_rows([path]))


def test_the_same_anchor_with_another_model_is_another_cell(per_task: ModuleType, tmp_path: Path) -> None:
    """Both models run as ``always-local`` (``--arena-local=`` per run): neither file hides the other."""
    small = _row("digit-sum", "always-local", 42, "pass")
    big = _row("digit-sum", "always-local", 42, "fail") | {"models": {"local": "big", "cloud": "big"}}
    rows = list(
        per_task.read_rows([_write(tmp_path / "a.jsonl", [small]), _write(tmp_path / "b.jsonl", [big])])
    )
    assert len(rows) == 2
    table, models = per_task.tally(rows)
    assert models == ["big", "small"]
    assert table["ladder", "digit-sum", "builtin"]["small"].text() == "1/1"
    assert table["ladder", "digit-sum", "builtin"]["big"].text() == "0/1"


def test_models_option_orders_the_columns_and_names_unknown_models(
    per_task: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path / "r.jsonl", [_row("t", "always-local", 1, "pass"), _row("t", "always-cloud", 1, "fail")]
    )
    assert per_task.main([str(path), "--models", "big,small"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split()
    assert header[3:5] == ["big", "small"]
    with pytest.raises(SystemExit):
        per_task.main([str(path), "--models", "small,huge"])
    assert "--models: huge not in these rows (they have: small, big)" in capsys.readouterr().err


def test_test_share_adds_the_acceptance_tests_passed_over_judged_seeds(
    per_task: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        _row("t", "always-local", 1, "fail") | {"tests": {"passed": 3, "total": 4}},
        _row("t", "always-local", 2, "fail") | {"tests": {"passed": 2, "total": 4}},
        _row("t", "always-local", 3, "timeout") | {"tests": {"passed": 0, "total": 0}},
        _row("t", "always-cloud", 1, "pass") | {"tests": {"passed": 4, "total": 4}},
    ]
    path = _write(tmp_path / "r.jsonl", rows)
    assert per_task.main([str(path), "--test-share"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert "0/2 · 62% (+1 err/t-o)" in line
    assert "1/1 · 100%" in line
    assert per_task.main([str(path)]) == 0
    assert "·" not in capsys.readouterr().out


def test_the_nop_control_gives_the_untouched_share_and_no_line_of_its_own(
    per_task: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nop = _row("t", "always-local", 42, "fail") | {"tests": {"passed": 1, "total": 2}}
    nop["cell"] = nop["cell"] | {"agent": "nop"}
    nop["models"] = {"local": None, "cloud": None}  # a control calls no model
    rows = [
        nop,
        _row("t", "always-local", 1, "fail") | {"tests": {"passed": 1, "total": 2}},
        _row("t", "always-cloud", 1, "pass") | {"tests": {"passed": 2, "total": 2}},
    ]
    path = _write(tmp_path / "r.jsonl", rows)
    assert per_task.main([str(path), "--test-share", "--markdown"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "| class | task | agent | small | big | untouched | tier |"
    assert out[2] == "| ladder | t | builtin | 0/1 · 50% | 1/1 · 100% | 50% | medium |"
    assert not any("| nop |" in line for line in out)
