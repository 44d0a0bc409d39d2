"""How an item's outcome reads on its reports (``shell/item.py``), without a pytest session."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from pytest_hybridarena.shell.item import row_of, status_of


def report(when: str = "call", failed: bool = True, **attrs: Any) -> Any:
    return SimpleNamespace(when=when, failed=failed, **attrs)


def test_row_of_reads_only_dict_attributes() -> None:
    row = {"outcome": "pass"}
    assert row_of(report(arena_row=row)) is row
    assert row_of(report(arena_cell={"agent": "oracle"}), "arena_cell") == {"agent": "oracle"}
    assert row_of(report()) is None
    assert row_of(report(arena_row="not a row")) is None


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("error", ("error", "E", "ERROR")), ("timeout", ("timeout", "T", "TIMEOUT")), ("fail", None)],
)
def test_error_and_timeout_cells_get_their_own_status_words(
    outcome: str, status: tuple[str, str, str] | None
) -> None:
    assert status_of(report(arena_row={"outcome": outcome}), validate=False) == status


def test_status_words_are_pytests_own_otherwise() -> None:
    error = {"outcome": "error"}
    assert status_of(report(arena_row=error), validate=True) is None  # a broken invariant is a failure
    assert status_of(report(when="setup", arena_row=error), validate=False) is None
    assert status_of(report(failed=False, arena_row=error), validate=False) is None
    assert status_of(report(), validate=False) is None  # no row: not a cell
