"""What the agent changed: its final workspace diffed against the task's pristine ``workspace/``.

This gives the row's ``review`` object (rounds used, lines changed, files changed) and the cell's
``workspace.diff``; :mod:`pytest_hybridarena.promotion.promote` turns them into review pain
(``docs/promotion.md``). Lines are counted as :func:`roles.reference_lines` counts the reference
solution's, so "excess lines" compares like with like.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_hybridarena.agents.base import read_files

__all__ = ["DIFF_CAP_BYTES", "DIFF_NAME", "WorkspaceDiff", "diff_workspaces", "review_object", "write_diff"]

DIFF_NAME = "workspace.diff"
DIFF_CAP_BYTES = 1 << 20  # a generated data file must not fill the report folder


@dataclass(frozen=True)
class WorkspaceDiff:
    """``text`` is a unified diff (``a/``/``b/`` paths, ``/dev/null`` for added or deleted files).
    ``lines_changed`` counts added + removed lines of text files; a binary file (not UTF-8, or
    holding a NUL byte) adds no lines but counts in ``files_changed``, as every changed file does."""

    text: str
    lines_changed: int
    files_changed: int


def _as_text(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def diff_workspaces(before: Path, after: Path) -> WorkspaceDiff:
    """Diff two workspace folders (tool caches left out, as :func:`agents.base.read_files` does)."""
    old, new = read_files(before), read_files(after)
    chunks: list[str] = []
    lines = files = 0
    for path in sorted(old.keys() | new.keys()):
        a, b = old.get(path), new.get(path)
        if a == b:
            continue
        files += 1
        a_text, b_text = _as_text(a), _as_text(b)
        if a_text is None or b_text is None:
            chunks.append(f"Binary files a/{path} and b/{path} differ\n")
            continue
        diff = list(
            difflib.unified_diff(
                a_text,
                b_text,
                f"a/{path}" if a is not None else "/dev/null",
                f"b/{path}" if b is not None else "/dev/null",
                lineterm="",
            )
        )
        lines += sum(1 for d in diff[2:] if d[:1] in "+-")
        chunks.append("".join(f"{d}\n" for d in diff))
    return WorkspaceDiff("".join(chunks), lines, files)


def write_diff(diff: WorkspaceDiff, folder: Path, cap: int = DIFF_CAP_BYTES) -> Path:
    """Write ``workspace.diff`` into ``folder``, cut at ``cap`` bytes with a note saying so (the
    row's ``review.lines_changed`` still counts the whole diff)."""
    data = diff.text.encode("utf-8")
    if len(data) > cap:
        note = f"\n… truncated at {cap} of {len(data)} bytes; the row's review object counts all of it\n"
        data = data[:cap].decode("utf-8", "ignore").encode("utf-8") + note.encode("utf-8")
    path = folder / DIFF_NAME
    path.write_bytes(data)
    return path


def review_object(rounds: int | None, diff: WorkspaceDiff) -> dict[str, Any]:
    """The row's ``review``: rounds used (None for agents that do not work in rounds), and the size of
    the agent's final edit."""
    return {"rounds": rounds, "lines_changed": diff.lines_changed, "files_changed": diff.files_changed}
