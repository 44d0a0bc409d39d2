"""Rows cross process boundaries as builtins, and come back intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.rows import Row

CELL = Cell("puzzles", "t", "oracle", "always-local", 42)


def test_round_trip_through_json() -> None:
    row = Row(
        run_id="r",
        cell=CELL,
        outcome="pass",
        tests={"passed": 2, "failed": 0, "errors": 0, "skipped": 0, "total": 2},
    )
    wire = json.loads(json.dumps(row.to_wire()))
    assert Row.from_wire(wire) == row
    assert wire["schema"] == 1
    assert set(wire) >= set(
        "run_id cell models outcome error tests calls tokens cost_usd wall_s decisions_ref config_sha "
        "pricing_sha task_sha host started_at finished_at versions".split()
    )


def test_a_path_is_refused_before_execnet_sees_it() -> None:
    row = Row(run_id="r", cell=CELL, outcome="pass", sandbox={"cwd": Path("/x")})
    with pytest.raises(TypeError, match=r"row\.sandbox\.cwd holds a PosixPath"):
        row.to_wire()


def test_unknown_schema_and_outcome_are_refused() -> None:
    wire = Row(run_id="r", cell=CELL, outcome="fail").to_wire()
    with pytest.raises(ValueError, match="schema 2 is not supported"):
        Row.from_wire({**wire, "schema": 2})
    with pytest.raises(ValueError, match="outcome 'solved'"):
        Row.from_wire({**wire, "outcome": "solved"})
