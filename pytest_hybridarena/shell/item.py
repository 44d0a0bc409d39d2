"""What one item does when pytest runs it: resolve the agent and sandbox, run the cell, attach the
row to the report, and turn the outcome into pytest's terms (pass, failed item, error, skip)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.agents.base import AgentEndpoint
from pytest_hybridarena.results.rows import Row, now_iso
from pytest_hybridarena.router.server import RouterServer
from pytest_hybridarena.run.runner import CellContext, CellRun, error_row, exception_text, run_cell
from pytest_hybridarena.shell.collect import ArenaItem, CellOutcome, row_key
from pytest_hybridarena.shell.progress import router_cell_key
from pytest_hybridarena.shell.state import ArenaState, state_key

__all__ = ["attach_row", "run_item"]

TAIL_LINES = 15
_phase_key = pytest.StashKey[str]()  # the error kind of an exception escaping the item now


def run_item(item: ArenaItem, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Run the item's cell. Whatever breaks in the harness (setup, scoring, building the row) becomes
    this cell's error row, with the exception's type and message: the row is never lost and the
    session goes on. pytest's own outcomes (skip, pytest-timeout's stop) pass through."""
    item.stash[_phase_key] = "setup"
    try:
        _run_item(item, request, tmp_path)
    except CellOutcome:
        raise
    except Exception as exc:
        _harness_broke(item, item.stash.get(_phase_key, "harness"), exc)


def _harness_broke(item: ArenaItem, kind: str, exc: Exception) -> None:
    """Report an exception that escaped the cell: on the row already attached (then only the failure
    report broke), else on a new error row of ``kind``."""
    key = item.cell.key
    stored = item.stash.get(row_key, None)
    if stored is not None:
        outcome = stored["outcome"]
        if outcome == "pass":
            return
        text = f"{outcome.upper()} {key} (the failure report could not be built: {exception_text(exc)})"
        raise CellOutcome(outcome, text) from None
    message = exception_text(exc)
    attach_row(item, _bare_row(item, kind, message))
    raise CellOutcome("error", f"ERROR {key}: {kind}: {message}") from None


def _bare_row(item: ArenaItem, kind: str, message: str) -> Row:
    """An error row from what is known without running anything (the cell's context may be what broke)."""
    state = item.config.stash[state_key]
    now = now_iso()
    return Row(
        run_id=state.run_id,
        cell=item.cell,
        outcome="error",
        error={"kind": kind, "message": message[-2000:]},
        config_sha=state.config_sha,
        pricing_sha=state.pricing_sha,
        started_at=now,
        finished_at=now,
        versions={"plugin": state.plugin_version},
        worker=state.worker,
    )


def _run_item(item: ArenaItem, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    state = item.config.stash[state_key]
    cell, spec = item.cell, item.spec
    digest, attempt = state.task_sha(spec.path), 1
    if state.resume_index is not None:
        stored, attempt = state.resume_index.lookup(cell.key, state.config_sha, digest)
        if stored is not None:
            _reuse(item, state, stored)
            return
    suffix = f".attempt{attempt}" if attempt > 1 else ""
    artifacts_dir = state.run_dir / "cells" / f"{cell.slug}{suffix}"
    ctx = CellContext(
        run_id=state.run_id,
        cell=cell,
        spec=spec,
        task_sha=digest,
        config_sha=state.config_sha,
        attempt=attempt,
        workdir=tmp_path,
        artifacts_dir=artifacts_dir,
        artifacts_ref=os.path.relpath(artifacts_dir, state.run_dir),
        pricing_sha=state.pricing_sha,
        price_as=state.settings.price_as,
        worker=state.worker,
        versions={"plugin": state.plugin_version},
    )
    agent = state.agent(cell.agent)
    for ok, reason in (agent.available(), state.sandbox_available()):
        if not ok:
            attach_row(item, error_row(ctx, "unavailable", reason, outcome="skipped"))
            pytest.skip(reason)
    endpoint, usage = None, None
    if agent.uses_llm:
        down = state.breaker.open_reason()
        if down is not None:  # the backend failed every call of several cells in a row: fail fast
            attach_row(item, error_row(ctx, "backend-down", down))
            raise CellOutcome("error", f"ERROR {cell.key}: {down}")
        local = state.pinned_local(cell.strategy)  # always-local@model=… (role sweeps): its own router
        decisions = state.decisions_ref_for(local) if local else state.decisions_ref
        try:
            router: RouterServer = (
                request.getfixturevalue("arena_pinned_routers").get(local)
                if local
                else request.getfixturevalue("arena_router")
            )
            handle = router.open_cell(cell.key, cell.strategy, cell.seed, budget_s=spec.timeout_s)
        except Exception as exc:  # a router that cannot start costs its cells, not the session
            row = error_row(ctx, "router", f"{type(exc).__name__}: {exc}")
            attach_row(item, row)
            raise CellOutcome(
                "error", f"ERROR {cell.key}: the router could not serve this cell: {exc}"
            ) from None
        endpoint = AgentEndpoint(handle.base_url, handle.anthropic_base_url)
        item.stash[router_cell_key] = (router, handle.id)  # the live status line reads its usage

        def usage() -> dict[str, Any]:
            return {**router.close_cell(handle.id), "decisions_ref": f"{decisions}#cell={cell.key}"}

    item.stash[_phase_key] = "harness"  # run_cell turns agent, scoring and setup trouble into rows
    try:
        run = run_cell(ctx, agent, state.sandbox, endpoint, usage)
    except pytest.fail.Exception as exc:
        # pytest-timeout (signal method) raises Failed("Timeout ...") wherever the cell was; the
        # agent's own process group is already killed by its ``finally``.
        if "Timeout" not in str(exc):
            raise
        row = error_row(ctx, "pytest-timeout", str(exc), outcome="timeout")
        attach_row(item, row)
        text = f"TIMEOUT {cell.key}: {exc}\nartifacts: {artifacts_dir}"  # what the agent left
        raise CellOutcome("timeout", text) from None
    if agent.uses_llm:
        state.breaker.record(run.row)
    wire = attach_row(item, run.row)
    if (wire["error"] or {}).get("kind") == "row":
        raise CellOutcome("error", f"ERROR {cell.key}: row: {wire['error']['message']}")
    _judge(item, state, run)


def _reuse(item: ArenaItem, state: ArenaState, stored: dict[str, Any]) -> None:
    """Report a finished cell of the run being resumed as this item's result, without running it."""
    _attach_wire(item, {**stored, "resumed": True})
    outcome = stored["outcome"]
    if outcome == "skipped":
        pytest.skip(f"resumed: {(stored.get('error') or {}).get('message', 'skipped')}")
    if outcome == "pass" or (state.settings.validate and _invariant_holds(item.cell.agent, outcome)):
        return
    tests = stored.get("tests") or {}
    detail = f"acceptance tests: {tests.get('passed', 0)}/{tests.get('total', 0)} passed"
    if stored.get("error"):
        detail = f"{stored['error']['kind']}: {stored['error']['message']}"
    raise CellOutcome(
        outcome, f"{outcome.upper()} {item.cell.key} (resumed, attempt {stored.get('attempt', 1)})\n{detail}"
    )


def _invariant_holds(agent: str, outcome: str) -> bool:
    return (agent == "oracle" and outcome == "pass") or (agent == "nop" and outcome == "fail")


def attach_row(item: pytest.Item, row: Row) -> dict[str, Any]:
    """Put the row on the item's call report (``pytest_runtest_makereport`` in the plugin copies
    it there): the one channel from an xdist worker to the controller.

    A row that cannot travel or be written (a ``pytest_arena_update_row`` hook that raises or adds a
    non-builtin) becomes an error row of kind ``row`` naming the exception, never a lost row.
    """
    try:
        wire = row.to_wire()
        item.config.hook.pytest_arena_update_row(row=wire, item=item)
        json.dumps(wire)  # what the controller will write: fail here, on this cell, not there
    except Exception as exc:
        message = f"the row could not be built: {exception_text(exc)}"
        broken = row.replace(outcome="error", error={"kind": "row", "message": message[-2000:]})
        try:
            wire = broken.to_wire()
        except TypeError:  # the row itself holds a non-builtin (e.g. an adapter's version)
            assert isinstance(item, ArenaItem)
            wire = _bare_row(item, "row", message).to_wire()
    _attach_wire(item, wire)
    return wire


def _attach_wire(item: pytest.Item, wire: dict[str, Any]) -> None:
    item.stash[row_key] = wire
    # Flat properties for JUnit XML consumers (CI dashboards): one value per property.
    tokens = wire.get("tokens") or {}
    tests = wire.get("tests") or {}
    models = wire.get("models") or {}
    cell = wire["cell"]
    item.user_properties.extend(
        [
            ("arena.agent", cell["agent"]),
            ("arena.strategy", cell["strategy"]),
            ("arena.seed", cell["seed"]),
            ("arena.outcome", wire["outcome"]),
            ("arena.tests", f"{tests.get('passed', 0)}/{tests.get('total', 0)}"),
            ("arena.model.local", models.get("local")),
            ("arena.model.cloud", models.get("cloud")),
            ("arena.calls", (wire.get("calls") or {}).get("total", 0)),
            ("arena.tokens.local", tokens.get("local_prompt", 0) + tokens.get("local_completion", 0)),
            ("arena.tokens.cloud", tokens.get("cloud_prompt", 0) + tokens.get("cloud_completion", 0)),
            ("arena.cost_usd", (wire.get("cost_usd") or {}).get("value")),
        ]
    )


def _judge(item: ArenaItem, state: ArenaState, run: CellRun) -> None:
    row = run.row
    if state.settings.validate:
        _judge_invariant(item, run)
        return
    if row.outcome == "pass":
        return
    raise CellOutcome(row.outcome, describe(run, state.run_dir))


def _judge_invariant(item: ArenaItem, run: CellRun) -> None:
    row, agent = run.row, item.cell.agent
    if _invariant_holds(agent, row.outcome):
        return
    if agent == "oracle":
        raise CellOutcome("fail", "INVARIANT oracle must pass every acceptance test\n" + describe(run, None))
    if agent == "nop":
        why = (
            "nop passes every acceptance test: the suite does not test the change"
            if row.outcome == "pass"
            else ""
        )
        raise CellOutcome("fail", f"INVARIANT nop must fail at least one test. {why}\n" + describe(run, None))


def describe(run: CellRun, run_dir: Path | None) -> str:
    """The short failure text: outcome, failing acceptance tests, agent log tail, where to look."""
    row = run.row
    lines = [f"{row.outcome.upper()} {row.cell.key}"]
    tests = row.tests
    if tests["total"]:
        lines.append(f"acceptance tests: {tests['passed']}/{tests['total']} passed")
    if row.error:
        lines.append(f"{row.error['kind']}: {row.error['message']}")
    if run.score is not None and run.score.failed_tests:
        shown = run.score.failed_tests[:10]
        more = len(run.score.failed_tests) - len(shown)
        lines += ["not passed:", *(f"  {name}" for name in shown)]
        if more > 0:
            lines.append(f"  … and {more} more")
    transcript = run.agent_result.transcript_path if run.agent_result else None
    if transcript is not None and transcript.is_file():
        tail = transcript.read_text(encoding="utf-8", errors="replace").splitlines()[-TAIL_LINES:]
        lines += [f"agent log (last {len(tail)} lines of {transcript.name}):", *(f"  {t}" for t in tail)]
    lines.append(f"workspace: {run.workspace}")
    if run_dir is not None and row.artifacts:
        lines.append(f"artifacts: {run_dir / row.artifacts}")
    return "\n".join(lines)
