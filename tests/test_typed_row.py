"""The typed row: every stored row loads, and writes back byte for byte; one rule each for outcomes,
tiers and repricing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_hybridarena.pricing import load_prices
from pytest_hybridarena.results.analysis import reprice_rows
from pytest_hybridarena.results.report import load_rows
from pytest_hybridarena.results.rows import (
    OUTCOMES,
    Calls,
    Cost,
    Models,
    Row,
    Tokens,
    counts_as_error,
    counts_as_judged,
    counts_as_passed,
    has_mid_tier,
    priced_as,
)

DATA = Path(__file__).parent / "data"


def _lines(name: str) -> list[str]:
    return [line for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("line", _lines("rows-schema1.jsonl"))
def test_stored_rows_write_back_byte_for_byte(line: str) -> None:
    """Rows as live runs wrote them (with and without ``estimated``, ``errors``/``escalated``, a mid
    tier): read and written again, the JSON line is the same bytes."""
    row = Row.from_wire(json.loads(line))
    assert json.dumps(row.to_wire(), separators=(",", ":")) == line


def test_a_row_written_before_the_optional_parts_existed_loads() -> None:
    (line,) = _lines("rows-schema1-old.jsonl")
    data = json.loads(line)
    row = Row.from_wire(data)
    assert (row.rounds, row.review, row.sampling, row.attempt) == (None, None, None, 1)
    assert row.tokens.estimated is None
    assert "estimated" not in row.to_wire()["tokens"]
    assert row.calls.errors is None
    assert "errors" not in row.to_wire()["calls"]
    again = row.to_wire()
    assert Row.from_wire(again).to_wire() == again
    for part in ("tests", "calls", "tokens", "cost_usd", "models", "wall_s"):
        assert again[part] == data[part]


def test_legacy_rows_load_as_typed_rows() -> None:
    rows = load_rows([DATA / "legacy-raw.jsonl"])
    typed = [Row.from_wire(r) for r in rows]
    assert typed
    assert all(isinstance(r.tokens, Tokens) and isinstance(r.calls, Calls) for r in typed)
    assert [r.to_wire()["tokens"] for r in typed] == [r["tokens"] for r in rows]


def test_per_tier_accessors() -> None:
    tokens = Tokens.from_wire(
        {"local_prompt": 1, "local_completion": 2, "mid_prompt": 3, "mid_completion": 4}
        | {"cloud_prompt": 5, "cloud_completion": 6, "cached": 7}
    )
    assert (tokens.local, tokens.mid, tokens.cloud, tokens.total) == (3, 7, 11, 21)
    assert [tokens.of(t) for t in ("local", "mid", "cloud")] == [3, 7, 11]
    assert tokens.billed_cached == 7
    assert Tokens(cached=7).billed_cached == 0  # no cloud prompt: cached tokens are not billed
    calls = Calls.from_wire({"total": 5, "local": 1, "mid": 2, "cloud": 1})
    assert (calls.served, calls.of("mid"), calls.has_mid) == (4, 2, True)
    assert Calls.from_wire({"total": 1, "local": 1, "cloud": 0}).has_mid is False


def test_tier_detection_is_the_models_object() -> None:
    two = Row.from_wire(json.loads(_lines("rows-schema1.jsonl")[0]))
    three = Row.from_wire(json.loads(_lines("rows-schema1.jsonl")[-1]))
    assert (two.has_mid_tier, three.has_mid_tier) == (False, True)
    assert three.models.of("mid") == "openai:gpt-5-mini"
    assert has_mid_tier([two.to_wire(), three])
    assert not has_mid_tier([two])
    assert Models.from_wire({"local": "a", "mid": None, "cloud": "c"}).has_mid  # named, even if unset


def test_the_outcome_rule() -> None:
    assert [o for o in OUTCOMES if counts_as_judged(o)] == ["pass", "fail", "error", "timeout"]
    assert [o for o in OUTCOMES if counts_as_passed(o)] == ["pass"]
    assert [o for o in OUTCOMES if counts_as_error(o)] == ["error", "timeout"]
    row = Row.from_wire(json.loads(_lines("rows-schema1.jsonl")[0]))
    assert (row.judged, row.passed, row.is_error) == (True, row.outcome == "pass", False)


def test_one_repricing_rule_for_live_runs_and_reports() -> None:
    prices = load_prices()
    tokens = Tokens(cloud_prompt=2000, cloud_completion=200, cached=100)
    expected = prices.cost_usd("gpt-5.5", 2000, 200, 100)
    assert expected is not None
    assert priced_as(tokens, "gpt-5.5", prices) == Cost("as:gpt-5.5", round(expected, 8))
    mid = Cost("list-price", 1.0, mid=0.25, has_mid=True)
    assert priced_as(tokens, "gpt-5.5", prices, mid).to_wire() == {
        "scenario": "as:gpt-5.5",
        "value": round(round(expected, 8) + 0.25, 8),
        "mid": 0.25,
    }
    row = Row.from_wire(json.loads(_lines("rows-schema1.jsonl")[-1])).to_wire()
    (repriced,) = reprice_rows([row], "gpt-5.5")
    typed = Row.from_wire(row)
    assert repriced["cost_usd"] == priced_as(typed.tokens, "gpt-5.5", prices, typed.cost).to_wire()
