"""The session's rules as plain functions: where the results go, what ``run.json`` says, and the
exit status a sweep ends with. The hooks in ``plugin.py`` and ``terminal.py`` only call these, so
each rule is tested without starting pytest (``tests/test_session.py``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.results.rows import counts_as_error, counts_as_judged, counts_as_passed
from pytest_hybridarena.shell.settings import ArenaSettings

__all__ = [
    "RESULTS_NAME",
    "exit_status",
    "overall_rate",
    "results_path",
    "run_manifest",
    "write_manifest",
]

RESULTS_NAME = "results.jsonl"


def results_path(settings: ArenaSettings, rootpath: Path, run_id: str) -> Path:
    """The results file of a new run: ``--arena-out``, else the file of the run being resumed
    (``--arena-resume`` continues its own file), else ``<rootdir>/reports/<run id>/results.jsonl``.
    The run folder (decisions, artifacts, ``run.json``) is this file's folder."""
    if settings.out:
        return Path(settings.out)
    if settings.resume:
        return Path(settings.resume)
    return rootpath / "reports" / run_id / RESULTS_NAME


def run_manifest(
    settings: ArenaSettings,
    *,
    run_id: str,
    started_at: str,
    args: Sequence[str],
    config_sha: str,
    pricing_sha: str | None,
    plugin_version: str,
) -> dict[str, Any]:
    """What ``run.json`` records: what was asked for, and the hashes rows are checked against."""
    return {
        "run_id": run_id,
        "started_at": started_at,
        "args": list(args),
        "resumed_from": settings.resume,
        "settings": {
            "agents": settings.agents,
            "strategies": settings.strategies,
            "seeds": settings.seeds,
            "sandbox": settings.sandbox,
            "local": settings.local,
            "cloud": settings.cloud,
            **({"mid": settings.mid} if settings.mid else {}),
            **({"roles": str(settings.roles.path)} if settings.roles else {}),
            "validate": settings.validate,
        },
        "config_sha": config_sha,
        "pricing_sha": pricing_sha,
        "plugin_version": plugin_version,
    }


def write_manifest(run_dir: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``run.json`` into the run folder; a resumed run (the folder has one already) writes
    ``run.<run id>.json`` beside it, so every session that added rows is on record."""
    run_dir.mkdir(parents=True, exist_ok=True)
    name = "run.json" if not (run_dir / "run.json").exists() else f"run.{manifest['run_id']}.json"
    path = run_dir / name
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def overall_rate(rows: Sequence[Mapping[str, Any]]) -> float:
    """Passed cells over judged cells (skipped ones are not judged); 0.0 when nothing was judged."""
    judged = [r for r in rows if counts_as_judged(r["outcome"])]
    return sum(counts_as_passed(r["outcome"]) for r in judged) / len(judged) if judged else 0.0


def exit_status(
    current: int | pytest.ExitCode,
    rows: Sequence[Mapping[str, Any]],
    *,
    other_failures: int,
    collect_errors: int,
    validate: bool,
    fail_under: float | None,
) -> int | pytest.ExitCode:
    """The session's exit status once every cell has its row.

    A sweep that ran every cell is a successful measurement even when cells are unsolved: pytest's
    ``TESTS_FAILED`` becomes ``OK`` when the only failures are unsolved cells (no error or timeout
    cell, no other failing test, no collection error). ``--arena-fail-under`` then turns ``OK``
    into ``TESTS_FAILED`` when the overall pass rate is below the floor (in percent). Under
    ``--arena-validate`` (or with no rows) pytest's own status stands: a broken invariant fails.
    """
    if validate or not rows:
        return current
    arena_errors = sum(counts_as_error(r["outcome"]) for r in rows)
    clean = not (arena_errors or other_failures or collect_errors)
    status = current
    if status == pytest.ExitCode.TESTS_FAILED and clean:
        status = pytest.ExitCode.OK
    if fail_under is not None and 100 * overall_rate(rows) < fail_under and status == pytest.ExitCode.OK:
        status = pytest.ExitCode.TESTS_FAILED
    return status
