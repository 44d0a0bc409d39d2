"""The row's ``sampling`` part: carried through the wire, absent (None) in rows written before it."""

from __future__ import annotations

import json

from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.rows import Row

CELL = Cell("puzzles", "t", "builtin", "always-local", 42)
SAMPLING = {
    "local": {
        "calls": 2,
        "temperature": [0.2],
        "top_p": [None],
        "seed": [42],
        "repeat_penalty": None,
        "max_tokens_cap": None,
        "capped_calls": 0,
        "tool_nudge": False,
    }
}


def test_sampling_round_trips_through_json() -> None:
    row = Row(run_id="r", cell=CELL, outcome="fail", sampling=SAMPLING)
    wire = json.loads(json.dumps(row.to_wire()))
    assert wire["sampling"] == SAMPLING
    assert Row.from_wire(wire) == row


def test_a_row_written_before_sampling_existed_still_loads() -> None:
    wire = Row(run_id="r", cell=CELL, outcome="pass").to_wire()
    del wire["sampling"]
    row = Row.from_wire(wire)
    assert row.sampling is None
    assert row.to_wire()["sampling"] is None
