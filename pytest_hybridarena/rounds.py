"""Per-round outcomes: after which round of an agent's feedback loop the hidden suite passed.

An agent that works in rounds (``builtin@rounds=N``) snapshots the workspace's changed files at
the end of every round and sees only the checks the task exposes. After it has finished, the
harness scores the final workspace (the row's outcome, as for every agent) and then each earlier
*distinct* snapshot with the same hidden suite. The row's ``rounds`` object records the result;
``pass@round-k`` of a cell is the share of its judged rows whose ``pass_round`` is at most k
(``docs/rounds.md``). Scoring never feeds back into the agent: it runs after the agent is done.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_hybridarena.agents.base import RoundSnapshot
from pytest_hybridarena.sandbox import Sandbox, SandboxUnavailable
from pytest_hybridarena.scoring import ScoreResult, copy_workspace, score_workspace
from pytest_hybridarena.tasks import TaskSpec

__all__ = [
    "max_rounds_used",
    "pass_at_round",
    "pass_round",
    "restore_round",
    "rounds_object",
    "row_pass_round",
    "score_rounds",
]

ScoreFn = Callable[..., ScoreResult]


def pass_round(outcomes: Sequence[str]) -> int | None:
    """The round after which the suite passed and kept passing to the end; None unless the last
    round passed. ``["fail", "pass"]`` → 2; ``["pass", "fail"]`` (a later round broke it) → None,
    so pass@round-N always equals the row's own pass/fail."""
    k = len(outcomes)
    while k > 0 and outcomes[k - 1] == "pass":
        k -= 1
    return k + 1 if k < len(outcomes) else None


def rounds_object(used: int, outcomes: Sequence[str], score_s: float = 0.0) -> dict[str, Any]:
    """The row's ``rounds``: rounds used, ``pass_round``, one outcome per scored round (empty when
    the row was not scored: an agent error or timeout) and the seconds spent scoring earlier rounds."""
    return {
        "used": used,
        "pass_round": pass_round(outcomes),
        "outcomes": list(outcomes),
        "score_s": round(score_s, 3),
    }


def restore_round(pristine: Path, snapshot: RoundSnapshot, dest: Path) -> None:
    """Rebuild a round's workspace in ``dest``: the task's ``workspace/`` with the snapshot on top."""
    copy_workspace(pristine, dest)
    for rel, data in snapshot.items():
        target = dest / rel
        if data is None:
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.is_dir():
                shutil.rmtree(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_bytes(data)


def score_rounds(
    spec: TaskSpec,
    snapshots: Sequence[RoundSnapshot],
    final_outcome: str,
    workdir: Path,
    sandbox: Sandbox,
    log_dir: Path | None = None,
    score: ScoreFn = score_workspace,
) -> tuple[list[str], float]:
    """One outcome per round and the seconds spent scoring.

    The last round is the final workspace, already scored: its outcome is ``final_outcome``. Each
    earlier snapshot is rebuilt under ``workdir/round-<k>/`` and scored (its log goes to
    ``log_dir/round-<k>/score.log``), except that a snapshot equal to one already judged (a round
    whose edits changed nothing) reuses that round's outcome. A sandbox that became unavailable
    makes the round an ``error``.
    """
    if not snapshots:
        return [], 0.0
    started = time.monotonic()
    known: list[tuple[Mapping[str, bytes | None], str]] = [(snapshots[-1], final_outcome)]
    outcomes: list[str] = []
    for k, snap in enumerate(snapshots[:-1], start=1):
        outcome = next((o for seen, o in known if seen == snap), None)
        if outcome is None:
            folder = workdir / f"round-{k}"
            restore_round(spec.workspace, snap, folder / "workspace")
            logs = None
            if log_dir is not None:
                logs = log_dir / f"round-{k}"
                logs.mkdir(parents=True, exist_ok=True)
            try:
                outcome = score(spec, folder / "workspace", folder, sandbox, log_dir=logs).outcome
            except SandboxUnavailable:
                outcome = "error"
            known.append((snap, outcome))
        outcomes.append(outcome)
    outcomes.append(final_outcome)
    return outcomes, time.monotonic() - started


# --- pass@round over rows -------------------------------------------------------------------------


def row_pass_round(row: Mapping[str, Any]) -> int | None:
    """A row's ``rounds.pass_round``; a row without a rounds object counts as one round (1 when it
    passed, else None)."""
    rounds = row.get("rounds")
    if isinstance(rounds, Mapping):
        value = rounds.get("pass_round")
        return int(value) if value is not None else None
    return 1 if row.get("outcome") == "pass" else None


def max_rounds_used(rows: Iterable[Mapping[str, Any]]) -> int:
    """The most rounds any row used; 0 when no row reports rounds."""
    return max((int((r.get("rounds") or {}).get("used") or 0) for r in rows), default=0)


def pass_at_round(rows: Sequence[Mapping[str, Any]], k: int) -> float | None:
    """Share of the judged (non-skipped) rows whose pass round is at most ``k``; None for no rows.
    Errors and timeouts count as not passed (intention-to-treat, as the pass rate)."""
    judged = [r for r in rows if r.get("outcome") != "skipped"]
    if not judged:
        return None
    hits = sum(1 for r in judged if (p := row_pass_round(r)) is not None and p <= k)
    return hits / len(judged)
