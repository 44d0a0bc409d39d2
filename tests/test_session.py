"""The session's rules (``shell/session.py``) as plain functions: no pytester, no pytest session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.shell.session import (
    exit_status,
    overall_rate,
    results_path,
    run_manifest,
    write_manifest,
)
from pytest_hybridarena.shell.settings import ArenaSettings

OK, FAILED = pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED


def settings(**changes: Any) -> ArenaSettings:
    base: dict[str, Any] = {
        "agents": ("oracle",),
        "strategies": ("always-local",),
        "seeds": (42,),
        "sandbox": "process",
        "local": "openai:small@http://127.0.0.1:1/v1",
        "cloud": "openai:large@http://127.0.0.1:2/v1",
        "price_as": None,
        "out": None,
        "resume": None,
        "retry": None,
        "fail_under": None,
        "validate": False,
    }
    return ArenaSettings(**{**base, **changes})


def rows(*outcomes: str) -> list[dict[str, Any]]:
    return [{"outcome": outcome} for outcome in outcomes]


# -- where the results go --------------------------------------------------------------------------
def test_results_go_under_reports_of_the_rootdir_by_default(tmp_path: Path) -> None:
    path = results_path(settings(), tmp_path, "20261206-101010-abcd")
    assert path == tmp_path / "reports" / "20261206-101010-abcd" / "results.jsonl"


def test_out_wins_over_resume_and_resume_continues_its_own_file(tmp_path: Path) -> None:
    both = settings(out="elsewhere/r.jsonl", resume="old/results.jsonl")
    assert results_path(both, tmp_path, "id") == Path("elsewhere/r.jsonl")
    assert results_path(settings(resume="old/results.jsonl"), tmp_path, "id") == Path("old/results.jsonl")


# -- run.json --------------------------------------------------------------------------------------
def manifest(run_id: str = "run-1", **changes: Any) -> dict[str, Any]:
    return run_manifest(
        settings(**changes),
        run_id=run_id,
        started_at="2026-12-06T10:10:10Z",
        args=("bench_tasks", "-x"),
        config_sha="c" * 64,
        pricing_sha=None,
        plugin_version="0.1.0",
    )


def test_the_manifest_records_what_was_asked_for() -> None:
    info = manifest(resume="old/results.jsonl")
    assert info["args"] == ["bench_tasks", "-x"]
    assert info["resumed_from"] == "old/results.jsonl"
    assert info["settings"]["agents"] == ("oracle",)
    assert "mid" not in info["settings"]
    assert "roles" not in info["settings"]
    assert manifest(mid="openai:mid@http://127.0.0.1:3/v1")["settings"]["mid"].startswith("openai:mid")
    json.dumps(info)  # it is written as JSON


def test_a_second_session_in_the_same_folder_keeps_the_first_manifest(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    first = write_manifest(run_dir, manifest("run-1"))
    second = write_manifest(run_dir, manifest("run-2"))
    assert (first.name, second.name) == ("run.json", "run.run-2.json")
    assert json.loads(first.read_text())["run_id"] == "run-1"
    assert json.loads(second.read_text())["run_id"] == "run-2"


# -- the exit status -------------------------------------------------------------------------------
def status(current: int, outcomes: list[dict[str, Any]], **changes: Any) -> int:
    options: dict[str, Any] = {
        "other_failures": 0,
        "collect_errors": 0,
        "validate": False,
        "fail_under": None,
    }
    return exit_status(current, outcomes, **{**options, **changes})


def test_unsolved_cells_alone_are_a_successful_measurement() -> None:
    assert status(FAILED, rows("pass", "fail", "skipped")) == OK


@pytest.mark.parametrize(
    ("outcomes", "changes"),
    [
        (rows("pass", "error"), {}),
        (rows("pass", "timeout"), {}),
        (rows("pass", "fail"), {"other_failures": 1}),
        (rows("pass", "fail"), {"collect_errors": 1}),
        (rows("pass", "fail"), {"validate": True}),  # a broken invariant fails the session
    ],
)
def test_anything_but_unsolved_cells_keeps_the_failure(
    outcomes: list[dict[str, Any]], changes: dict[str, Any]
) -> None:
    assert status(FAILED, outcomes, **changes) == FAILED


def test_no_rows_leave_pytests_status_alone() -> None:
    assert status(FAILED, []) == FAILED
    assert status(pytest.ExitCode.INTERRUPTED, rows("pass")) == pytest.ExitCode.INTERRUPTED


def test_fail_under_compares_the_pass_rate_of_judged_cells() -> None:
    outcomes = rows("pass", "fail", "skipped", "skipped")  # 50 % of the judged cells
    assert overall_rate(outcomes) == 0.5
    assert status(FAILED, outcomes, fail_under=50) == OK
    assert status(FAILED, outcomes, fail_under=50.1) == FAILED
    assert status(OK, rows("pass"), fail_under=100) == OK
    assert overall_rate(rows("skipped")) == 0.0


def test_fail_under_never_masks_an_error() -> None:
    assert status(FAILED, rows("pass", "error"), fail_under=10) == FAILED
