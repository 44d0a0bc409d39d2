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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pytest_hybridarena.agents.base import RoundSnapshot
from pytest_hybridarena.run.sandbox import Sandbox, SandboxUnavailable
from pytest_hybridarena.run.scoring import ScoreResult, copy_workspace, score_workspace
from pytest_hybridarena.run.tasks import TaskSpec

__all__ = ["restore_round", "score_rounds"]

ScoreFn = Callable[..., ScoreResult]


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
