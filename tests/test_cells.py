"""Cell planning and ids: deterministic order, and the id builder's inverse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_hybridarena.results.cells import Cell, cell_id, marker_name, parse_cell_id, plan_cells
from pytest_hybridarena.router.specs import parse_spec


def test_plan_is_the_full_sorted_grid_whatever_the_input_order() -> None:
    a = plan_cells("puzzles", "t", ["nop", "oracle"], ["cascade", "always-local"], [7, 42])
    b = plan_cells("puzzles", "t", ["oracle", "nop"], ["always-local", "cascade"], [42, 7])
    assert a == b
    assert len(a) == 8
    assert a == sorted(a)
    assert a[0] == Cell("puzzles", "t", "nop", "always-local", 7)


def test_item_name_and_key() -> None:
    cell = Cell("refactors", "auth", "aider", "cascade", 42)
    assert cell.item_name == "auth[aider-cascade-s42]"
    assert cell.key == "refactors/auth[aider-cascade-s42]"
    assert Cell.from_wire(cell.to_wire()) == cell


def test_parse_cell_id_splits_hyphenated_names_with_the_known_lists() -> None:
    agents = ["mini-swe-agent", "mini", "builtin@rounds=2"]
    strategies = ["always-local", "local", "cascade@threshold=5"]
    assert parse_cell_id("mini-swe-agent-always-local-s7", agents, strategies) == (
        "mini-swe-agent",
        "always-local",
        7,
    )
    assert parse_cell_id("builtin@rounds=2-cascade@threshold=5-s-1", agents, strategies) == (
        "builtin@rounds=2",
        "cascade@threshold=5",
        -1,
    )
    with pytest.raises(ValueError, match="matches no known agent"):
        parse_cell_id("aider-cascade-s1", agents, strategies)


names = st.text(alphabet="abcxyz-@=;", min_size=1, max_size=12).filter(lambda s: not s.startswith("-"))


@given(agent=names, strategy=names, seed=st.integers(-5, 10**6))
def test_parse_cell_id_inverts_cell_id(agent: str, strategy: str, seed: int) -> None:
    assert parse_cell_id(cell_id(agent, strategy, seed), [agent], [strategy]) == (agent, strategy, seed)


def test_parse_spec() -> None:
    assert parse_spec("cascade") == ("cascade", {})
    assert parse_spec("cascade@threshold=10;k=2") == ("cascade", {"threshold": "10", "k": "2"})
    with pytest.raises(ValueError, match="must look like key=value"):
        parse_spec("cascade@threshold")


def test_marker_names_are_identifiers() -> None:
    assert marker_name("always-cloud") == "always_cloud"
    assert marker_name("cascade@threshold=5") == "cascade"
    assert marker_name("mini-swe-agent") == "mini_swe_agent"
