"""One benchmark cell as a pytest item: the item class, what it keeps in its stash, what it does when
pytest runs it (resolve the agent and sandbox, run the cell, attach the row) and how its outcome
reads in pytest's terms (pass, failed item, error, timeout, skip) on its reports.

Collection (``collect.py``) builds the items; nothing here knows about task folders or the plan.
The run itself is :func:`pytest_hybridarena.run.runner.run_cell`, imported on first use so that
collecting (``pytest --co``) loads no agent, sandbox or router code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.rows import (
    Calls,
    Cost,
    Models,
    Row,
    Tests,
    Tokens,
    counts_as_passed,
    now_iso,
)
from pytest_hybridarena.run.tasks import TaskSpec
from pytest_hybridarena.shell.state import ArenaState, state_key

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from pytest_hybridarena.router.server import RouterServer
    from pytest_hybridarena.run.runner import CellRun

__all__ = [
    "ArenaItem",
    "CellOutcome",
    "attach_row",
    "carry_on_report",
    "cell_key",
    "describe",
    "router_session_key",
    "row_key",
    "row_of",
    "run_item",
    "spec_key",
    "status_of",
]

TAIL_LINES = 15

# -- what an item keeps in its stash -------------------------------------------------------------
cell_key = pytest.StashKey[Cell]()
spec_key = pytest.StashKey[TaskSpec]()
row_key = pytest.StashKey[dict[str, Any]]()  # the row, in wire form, once the cell has one
#: The running cell's router and router session id, set once the session is open (the live
#: status line in ``progress.py`` reads its usage).
router_session_key = pytest.StashKey[tuple[Any, str]]()
_phase_key = pytest.StashKey[str]()  # the error kind of an exception escaping the item now


class CellOutcome(Exception):
    """Raised by an item whose cell did not pass; carries the text of the short failure report."""

    def __init__(self, outcome: str, text: str) -> None:
        super().__init__(text)
        self.outcome = outcome
        self.text = text


def _run_arena_cell(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The item's test function (``callobj``), so the cell gets real fixtures."""
    item = request.node
    assert isinstance(item, ArenaItem)
    run_item(item, request, tmp_path)


class ArenaItem(pytest.Function):
    """One benchmark cell: a ``pytest.Function`` whose call runs the cell (:func:`run_item`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # pytest 9.2 builds a structured NodeId; for a name with "[...]" but no parametrize
        # callspec it keeps the bracket inside ``names``, while ids read back from strings
        # (the --lf cache, --deselect) put it in ``params``, so --lf never matched our items.
        # Re-parse our own string form so both agree (older pytest has no ``_id``: nothing to do).
        node_id = getattr(self, "_id", None)
        if node_id is not None and hasattr(type(node_id), "parse"):
            self._id = type(node_id).parse(str(node_id))

    @classmethod
    def for_cell(cls, parent: pytest.Collector, cell: Cell, spec: TaskSpec) -> ArenaItem:
        item: ArenaItem = cls.from_parent(parent, name=cell.item_name, callobj=_run_arena_cell)
        item.stash[cell_key] = cell
        item.stash[spec_key] = spec
        return item

    @property
    def cell(self) -> Cell:
        return self.stash[cell_key]

    @property
    def spec(self) -> TaskSpec:
        return self.stash[spec_key]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"arena: {self.cell.key}"

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, CellOutcome):
            return excinfo.value.text
        return super().repr_failure(excinfo)


# -- the item's reports --------------------------------------------------------------------------
def row_of(
    report: pytest.TestReport | pytest.CollectReport, name: str = "arena_row"
) -> dict[str, Any] | None:
    """The row (``arena_row``) or cell (``arena_cell``) an item put on a report, if any.

    They are report attributes, not ``user_properties``, so JUnit XML gets flat properties and
    xdist carries them with the rest of the report (it copies the report's ``__dict__``).
    """
    value = getattr(report, name, None)
    return value if isinstance(value, dict) else None


def carry_on_report(item: pytest.Item, report: pytest.TestReport) -> None:
    """``pytest_runtest_makereport``: the cell on every phase's report, its row on the call's."""
    if isinstance(item, ArenaItem):
        report.arena_cell = item.cell.to_wire()  # type: ignore[attr-defined]
        row = item.stash.get(row_key, None)
        if row is not None and report.when == "call":
            report.arena_row = row  # type: ignore[attr-defined]


def status_of(report: pytest.TestReport, validate: bool) -> tuple[str, str, str] | None:
    """``pytest_report_teststatus``: error and timeout cells get their own status words, apart
    from unsolved (failed) cells; under ``--arena-validate`` every broken invariant is a failure."""
    if report.when != "call" or not report.failed:
        return None
    row = row_of(report)
    if row is None or validate:
        return None
    if row["outcome"] == "error":
        return "error", "E", "ERROR"
    if row["outcome"] == "timeout":
        return "timeout", "T", "TIMEOUT"
    return None


# -- the run -------------------------------------------------------------------------------------
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
    from pytest_hybridarena.run.runner import exception_text

    key = item.cell.key
    stored = item.stash.get(row_key, None)
    if stored is not None:
        outcome = stored["outcome"]
        if counts_as_passed(outcome):
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
    from pytest_hybridarena.agents.base import AgentEndpoint
    from pytest_hybridarena.run.runner import CellContext, error_row, run_cell

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
        prices=state.prices,
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
        item.stash[router_session_key] = (router, handle.id)  # the live status line reads its usage

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
    if counts_as_passed(outcome) or (state.settings.validate and _invariant_holds(item.cell.agent, outcome)):
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
    from pytest_hybridarena.run.runner import exception_text

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
    tokens, tests = Tokens.from_wire(wire.get("tokens")), Tests.from_wire(wire.get("tests"))
    models, calls = Models.from_wire(wire.get("models")), Calls.from_wire(wire.get("calls"))
    cell = wire["cell"]
    item.user_properties.extend(
        [
            ("arena.agent", cell["agent"]),
            ("arena.strategy", cell["strategy"]),
            ("arena.seed", cell["seed"]),
            ("arena.outcome", wire["outcome"]),
            ("arena.tests", f"{tests.passed}/{tests.total}"),
            ("arena.model.local", models.local),
            ("arena.model.cloud", models.cloud),
            ("arena.calls", calls.total),
            ("arena.tokens.local", tokens.local),
            ("arena.tokens.cloud", tokens.cloud),
            ("arena.cost_usd", Cost.from_wire(wire.get("cost_usd")).value),
        ]
    )


def _judge(item: ArenaItem, state: ArenaState, run: CellRun) -> None:
    row = run.row
    if state.settings.validate:
        _judge_invariant(item, run)
        return
    if counts_as_passed(row.outcome):
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
    if tests.total:
        lines.append(f"acceptance tests: {tests.passed}/{tests.total} passed")
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
