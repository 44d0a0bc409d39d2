"""Run one cell end to end and turn what happened into a :class:`Row`. No pytest imports.

Steps: copy ``workspace/`` → run the agent (its own budget, its own process group) → score in a
fresh directory → score the earlier rounds of an agent that works in rounds (``rounds.py``) → diff
the agent's edit (``review.py``) → collect router usage → build the row. Anything that breaks on the
harness side (agent crash, sandbox missing, a suite that cannot judge) becomes an *error* row with a
kind and a message; only a suite that ran and found failures makes a *fail*.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pytest_hybridarena.agents.base import Agent, AgentEndpoint, AgentRequest, AgentResult
from pytest_hybridarena.pricing import PriceTable, load_prices
from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.rounds import rounds_object
from pytest_hybridarena.results.rows import (
    Calls,
    Cost,
    Models,
    Row,
    Tests,
    Timing,
    Tokens,
    now_iso,
    priced_as,
)
from pytest_hybridarena.router.specs import parse_spec
from pytest_hybridarena.run.review import diff_workspaces, review_object, write_diff
from pytest_hybridarena.run.rounds import score_rounds
from pytest_hybridarena.run.sandbox import Sandbox, SandboxUnavailable
from pytest_hybridarena.run.scoring import ScoreResult, copy_workspace, score_workspace
from pytest_hybridarena.run.tasks import TaskSpec

__all__ = ["CellContext", "CellRun", "error_row", "exception_text", "run_cell"]

UsageFn = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class CellContext:
    """What the plugin knows about a cell before it runs. Paths are absolute; ``artifacts_ref`` is
    the artifact folder as the row records it (relative to the run's report folder)."""

    run_id: str
    cell: Cell
    spec: TaskSpec
    task_sha: str
    config_sha: str
    workdir: Path
    artifacts_dir: Path
    artifacts_ref: str
    pricing_sha: str | None = None
    price_as: str | None = None
    #: The run's price table (``--arena-pricing``); None: the pinned one.
    prices: PriceTable | None = None
    worker: str | None = None
    attempt: int = 1
    versions: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CellRun:
    """A finished cell: the row plus what a failure report wants to show."""

    row: Row
    score: ScoreResult | None
    agent_result: AgentResult | None
    workspace: Path


def base_row(ctx: CellContext, started_at: str) -> Row:
    return Row(
        run_id=ctx.run_id,
        cell=ctx.cell,
        outcome="error",
        artifacts=ctx.artifacts_ref,
        config_sha=ctx.config_sha,
        pricing_sha=ctx.pricing_sha,
        task_sha=ctx.task_sha,
        started_at=started_at,
        finished_at=started_at,
        versions=dict(ctx.versions),
        worker=ctx.worker,
        attempt=ctx.attempt,
    )


def error_row(
    ctx: CellContext, kind: str, message: str, *, outcome: str = "error", started_at: str = ""
) -> Row:
    """A row for a cell that broke before it could be judged (also used by the plugin for setup
    failures and pytest-timeout's last-resort stop)."""
    row = base_row(ctx, started_at or now_iso())
    return row.replace(
        outcome=outcome, error={"kind": kind, "message": message[-2000:]}, finished_at=now_iso()
    )


def exception_text(exc: BaseException) -> str:
    """``Type: message``, what an error row says about an exception that broke its cell."""
    return f"{type(exc).__name__}: {exc}"[-2000:]


def run_cell(
    ctx: CellContext,
    agent: Agent,
    sandbox: Sandbox,
    endpoint: AgentEndpoint | None = None,
    usage: UsageFn | None = None,
) -> CellRun:
    """Run the cell. Never raises for agent, sandbox or scoring trouble: those become error rows."""
    started_at, t0 = now_iso(), time.monotonic()
    row = base_row(ctx, started_at)
    workspace = ctx.workdir / "workspace"
    try:
        copy_workspace(ctx.spec.workspace, workspace)
        ctx.artifacts_dir.mkdir(parents=True, exist_ok=True)
    except Exception as exc:  # an unreadable task file, a full disk: this cell's error, not the session's
        row = row.replace(error={"kind": "setup", "message": exception_text(exc)}, finished_at=now_iso())
        row = _with_usage_of(row, usage, ctx.price_as, ctx.prices)
        return CellRun(row=row, score=None, agent_result=None, workspace=workspace)
    _, params = parse_spec(ctx.cell.agent)
    request = AgentRequest(
        workspace=workspace,
        instruction=ctx.spec.instruction,
        endpoint=endpoint,
        timeout_s=ctx.spec.timeout_s,
        seed=ctx.cell.seed,
        log_dir=ctx.artifacts_dir,
        params=params,
        reference=ctx.spec.solution if agent.name == "oracle" else None,
        mode=ctx.spec.mode,
        artifact=ctx.spec.artifact,
    )
    agent_result: AgentResult | None = None
    score: ScoreResult | None = None
    try:
        try:
            agent_result = agent.run(request)
        except Exception as exc:  # an adapter bug must cost one cell, not the session
            agent_result = AgentResult("error", error=f"{type(exc).__name__}: {exc}")
        t_agent = time.monotonic() - t0
        versions = {**row.versions, "agent": agent_result.version}
        row = row.replace(versions=versions, wall_s=Timing(agent=round(t_agent, 3)))
        if agent_result.status == "timeout":
            row = row.replace(
                outcome="timeout",
                error={
                    "kind": "agent-timeout",
                    "message": f"agent exceeded its {ctx.spec.timeout_s:g}s budget",
                },
            )
        elif agent_result.status == "error":
            row = row.replace(
                error={"kind": "agent", "message": (agent_result.error or "agent failed")[-2000:]}
            )
        else:
            row, score = _score(ctx, row, workspace, sandbox)
        try:
            row = _review(ctx, row, agent_result, workspace, sandbox, score)
        except Exception as exc:  # a harness bug after the cell was judged: the row says so
            row = row.replace(outcome="error", error={"kind": "harness", "message": exception_text(exc)})
    finally:
        row = _with_usage_of(row, usage, ctx.price_as, ctx.prices)
    total = time.monotonic() - t0
    row = row.replace(wall_s=replace(row.wall_s, total=round(total, 3)), finished_at=now_iso())
    return CellRun(row=row, score=score, agent_result=agent_result, workspace=workspace)


def _with_usage_of(
    row: Row, usage: UsageFn | None, price_as: str | None, prices: PriceTable | None = None
) -> Row:
    """The row with the router's usage for the cell; a router that cannot report makes it an error."""
    if usage is None:
        return row
    try:
        return _with_usage(row, usage(), price_as, prices)
    except Exception as exc:
        return row.replace(outcome="error", error={"kind": "router", "message": exception_text(exc)})


# Exit statuses of a command that never ran: the shell's "not found" (the process sandbox's status for
# any program it cannot start) and "not executable". A custom score command exiting so judged nothing.
_NOT_EXECUTED = (126, 127)


def _unstartable(spec: TaskSpec, workspace: Path) -> str | None:
    """Why a custom score command given by a relative path (``tests/run.sh``, ``./check``) cannot
    start, or None. The scoring folder is the agent's workspace plus the task's ``tests/``, so that is
    where it must be, as an executable file; sandboxes report an exec failure each their own way
    (bwrap exits 1). Absolute paths and names on ``PATH`` are checked at collection."""
    program = spec.score_command[0] if spec.score_command else "{python}"
    if program == "{python}" or os.path.isabs(program) or "/" not in program:
        return None
    parts = Path(program).parts
    path = (spec.path if parts and parts[0] == "tests" else workspace) / Path(*parts)
    if not path.is_file():
        return f"{program!r} is not a file of the scoring folder (the workspace and the task's tests/)"
    if not os.access(path, os.X_OK):
        return f"{program!r} is not executable (chmod +x it)"
    return None


def _score(ctx: CellContext, row: Row, workspace: Path, sandbox: Sandbox) -> tuple[Row, ScoreResult | None]:
    command = ctx.spec.score_command
    unstartable = _unstartable(ctx.spec, workspace)
    if unstartable is not None:
        message = f"the score command {list(command or ())} cannot be executed: {unstartable}"
        return row.replace(error={"kind": "score", "message": message}), None
    try:
        score = score_workspace(ctx.spec, workspace, ctx.workdir, sandbox, log_dir=ctx.artifacts_dir)
    except SandboxUnavailable as exc:
        return row.replace(error={"kind": "sandbox", "message": str(exc)}), None
    except Exception as exc:  # e.g. FileNotFoundError for the command: this cell's error row
        program = command[0] if command else None
        if isinstance(exc, OSError) and program is not None and exc.filename == program:
            message = f"the score command {list(command or ())} cannot be executed: {exception_text(exc)}"
        else:
            message = f"scoring broke: {exception_text(exc)}"
        return row.replace(error={"kind": "score", "message": message}), None
    row = row.replace(
        tests=Tests.from_wire(score.tests),
        sandbox=dict(score.isolation),
        wall_s=replace(row.wall_s, score=round(score.duration_s, 3)),
    )
    error = None if score.problem is None else {"kind": score.problem_kind, "message": score.problem}
    outcome, code = score.outcome, score.exit_code
    if command is not None and score.problem is None and code is not None and code in _NOT_EXECUTED:
        message = (
            f"the score command {list(command)} could not be executed (exit {code}: not found or "
            "not executable); its output is in score.log"
        )
        outcome, error = "error", {"kind": "score", "message": message}
    return row.replace(outcome=outcome, error=error), score


def _review(
    ctx: CellContext,
    row: Row,
    result: AgentResult,
    workspace: Path,
    sandbox: Sandbox,
    score: ScoreResult | None,
) -> Row:
    """Add ``review`` (and ``workspace.diff``) for any agent that ran, and ``rounds`` for an agent
    that reports round snapshots. Earlier rounds are scored only when the final workspace was (an
    agent error or timeout is not judged at all), and only now: the agent has finished."""
    snapshots = result.round_snapshots
    used = len(snapshots) or None
    try:
        diff = diff_workspaces(ctx.spec.workspace, workspace)
        write_diff(diff, ctx.artifacts_dir)
        row = row.replace(review=review_object(used, diff))
    except OSError:  # an unreadable file the agent left: the row keeps its outcome, without review
        row = row.replace(review={"rounds": used, "lines_changed": None, "files_changed": None})
    if not snapshots:
        return row
    outcomes: list[str] = []
    seconds = 0.0
    if score is not None:
        outcomes, seconds = score_rounds(
            ctx.spec, snapshots, row.outcome, ctx.workdir, sandbox, log_dir=ctx.artifacts_dir
        )
    return row.replace(rounds=rounds_object(len(snapshots), outcomes, seconds))


def _with_usage(
    row: Row, usage: dict[str, Any], price_as: str | None = None, prices: PriceTable | None = None
) -> Row:
    """Fold the router's per-cell totals into the row.

    An agent that failed while the router recorded backend errors on its cell failed *because of*
    the backend (a dead local server, a 5xx from the cloud): the error kind says so.
    """
    calls, tokens, models = usage_parts(usage)
    errors = usage.get("errors") or []
    row = row.replace(
        calls=calls,
        tokens=tokens,
        models=models,
        cost_usd=_cost(usage, tokens, price_as, prices),
        decisions_ref=usage.get("decisions_ref", row.decisions_ref),
        sampling=usage.get("sampling", row.sampling),
    )
    # Calls cancelled because the cell closed under them did not make the agent fail.
    errors = [e for e in errors if not str(e.get("kind", "")).endswith("_cancelled")]
    cut = next((e for e in errors if str(e.get("kind", "")).endswith("_budget")), None)
    if row.outcome == "error" and row.error and row.error["kind"] == "agent" and cut is not None:
        # The agent failed because a model call was cut by the cell's budget: it ran out of time.
        message = f"{cut.get('kind')}: {cut.get('message', '')} (agent: {row.error['message']})"
        row = row.replace(outcome="timeout", error={"kind": "agent-timeout", "message": message[-2000:]})
    elif row.outcome == "error" and row.error and row.error["kind"] == "agent" and errors:
        first = errors[0]
        message = (
            f"{first.get('kind', 'backend')}: {first.get('message', '')} (agent: {row.error['message']})"
        )
        kind = "replay-miss" if str(first.get("kind", "")).endswith("replay_miss") else "backend"
        row = row.replace(error={"kind": kind, "message": message[-2000:]})
    return row


def usage_parts(usage: dict[str, Any]) -> tuple[Calls, Tokens, Models]:
    """The router's usage report as the row's typed parts: the one place its dicts become a row's.

    The router reports a mid tier (``models.mid``) only when it has one, and only then do the parts
    carry mid fields (:meth:`Models.from_wire` decides). Counts are ints, ``estimated`` a bool,
    ``errors`` and ``escalated`` always present."""
    models = Models.from_wire(usage.get("models") or {})
    mid = models.has_mid
    calls = usage.get("calls") or {}
    tokens = usage.get("tokens") or {}
    return (
        Calls(
            total=int(calls.get("total", 0)),
            local=int(calls.get("local", 0)),
            cloud=int(calls.get("cloud", 0)),
            mid=int(calls.get("mid", 0)) if mid else None,
            errors=int(calls.get("errors", 0)),
            escalated=int(calls.get("escalated", 0)),
        ),
        Tokens(
            **{k: int(tokens.get(k, 0)) for k in _TOKEN_KEYS},
            mid_prompt=int(tokens.get("mid_prompt", 0)) if mid else None,
            mid_completion=int(tokens.get("mid_completion", 0)) if mid else None,
            estimated=bool(tokens.get("estimated", False)),
        ),
        models,
    )


_TOKEN_KEYS = ("local_prompt", "local_completion", "cloud_prompt", "cloud_completion", "cached")


def _cost(
    usage: dict[str, Any], tokens: Tokens, price_as: str | None, prices: PriceTable | None = None
) -> Cost:
    """The cell's cost: the router's list-price cost of the real cloud model, or the cloud side's
    tokens priced as if billed at ``price_as`` from ``prices`` (None: the pinned table), by the one
    repricing rule (:func:`rows.priced_as`; local tokens are always $0).

    With a mid tier (``mid_cost_usd`` in the usage) the mid tier is always priced at its own
    model's list price ($0 when it runs locally) and kept apart as ``mid``, so a later
    ``--price-as`` can reprice the cloud side alone (``analysis.reprice_rows``).
    """
    mid = "mid_cost_usd" in usage
    listed = Cost("list-price", usage.get("cost_usd"), mid=usage.get("mid_cost_usd"), has_mid=mid)
    if price_as is None:
        return listed
    return priced_as(tokens, price_as, prices or load_prices(), listed)
