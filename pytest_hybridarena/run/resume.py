"""Resume and retry: which cells of an earlier results file can be reused, and which must run again.

A row is reused when its cell key, ``config_sha`` and ``task_sha`` all match the cell about to run,
so a changed task or a changed model/sandbox setting is always measured afresh. With
``retry="errors"`` a stored error or timeout row is *not* reused: the cell runs again as the next
``attempt``, and the earlier attempt's row and artifacts stay where they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_hybridarena.results.rows import counts_as_error

__all__ = ["ResumeIndex", "latest_attempts", "read_jsonl"]


def read_jsonl(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of a results file, and a description of every line that could not be read.

    A run killed mid-write leaves a torn last line: it is skipped and reported, never fatal.
    """
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    with path.open("rb") as handle:
        data = handle.read()
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except ValueError:
            where = "torn last line" if number == len(lines) else "unreadable line"
            problems.append(f"{path}:{number}: {where} ({len(raw)} bytes) skipped")
            continue
        if not isinstance(row, dict) or "cell" not in row:
            problems.append(f"{path}:{number}: not a result row, skipped")
            continue
        rows.append(row)
    return rows, problems


def cell_key_of(row: dict[str, Any]) -> str:
    cell = row["cell"]
    return f"{cell['task_class']}/{cell['task_id']}[{cell['agent']}-{cell['strategy']}-s{cell['seed']}]"


def latest_attempts(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The last row per cell key (highest attempt; for equal attempts the later line)."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = cell_key_of(row)
        if key not in latest or int(row.get("attempt", 1)) >= int(latest[key].get("attempt", 1)):
            latest[key] = row
    return latest


@dataclass(frozen=True)
class ResumeIndex:
    """Rows of an earlier run, by cell key, and how to treat them."""

    path: Path
    rows: dict[str, dict[str, Any]]
    problems: tuple[str, ...]
    retry_errors: bool

    @classmethod
    def load(cls, path: Path, *, retry_errors: bool) -> ResumeIndex:
        rows, problems = read_jsonl(path) if path.is_file() else ([], [])
        return cls(path, latest_attempts(rows), tuple(problems), retry_errors)

    def lookup(self, cell_key: str, config_sha: str, task_sha: str) -> tuple[dict[str, Any] | None, int]:
        """``(row to reuse, None)``-or-``(None, attempt number to run)``."""
        row = self.rows.get(cell_key)
        if row is None or row.get("config_sha") != config_sha or row.get("task_sha") != task_sha:
            return None, 1
        attempt = int(row.get("attempt", 1))
        if counts_as_error(str(row.get("outcome"))) and self.retry_errors:
            return None, attempt + 1
        return row, attempt
