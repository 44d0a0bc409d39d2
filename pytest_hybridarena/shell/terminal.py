"""The controller-side sink: rows → JSONL (one writer, flushed per row) and the summary table.

Registered only where reports converge — a plain session or the xdist controller, never a worker —
and not under ``--collect-only``. Rows arrive as the ``arena_row`` attribute of reports; reports without a
row (a failed setup, a crashed xdist worker) are turned into *error* rows here, so no cell is lost.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Any

import pytest

from pytest_hybridarena.results.cells import Cell, parse_cell_id
from pytest_hybridarena.results.rows import Row, counts_as_judged, counts_as_passed, now_iso
from pytest_hybridarena.results.table import render_run_summary, render_validation
from pytest_hybridarena.router.specs import runs_locally
from pytest_hybridarena.shell.item import row_of
from pytest_hybridarena.shell.reruns import remember_selection
from pytest_hybridarena.shell.session import exit_status, overall_rate
from pytest_hybridarena.shell.settings import ArenaSettings

__all__ = ["ArenaReporter"]


class ArenaReporter:
    def __init__(self, config: pytest.Config, settings: ArenaSettings, run_id: str, out_path: Path) -> None:
        self.config = config
        self.settings = settings
        self.run_id = run_id
        self.out_path = out_path
        self.rows: list[dict[str, Any]] = []
        self.collect_errors = 0
        self.other_failures = 0
        self._file: IO[str] | None = None
        resume = settings.resume
        self._resuming_in_place = resume is not None and Path(resume).resolve() == out_path.resolve()

    # -- rows ---------------------------------------------------------------------------------
    def _write(self, row: dict[str, Any]) -> None:
        if self._file is None:
            self.out_path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.out_path.open("a", encoding="utf-8", buffering=1)  # line-buffered: tail -f
            if self._file.tell() and not _ends_with_newline(self.out_path):
                self._file.write("\n")  # a killed run's torn last line stays on a line of its own
        self._file.write(json.dumps(row, separators=(",", ":")) + "\n")
        self._file.flush()
        self.rows.append(row)

    def _synthesized(
        self, report: pytest.TestReport, outcome: str, kind: str, message: str
    ) -> dict[str, Any]:
        cell_wire = row_of(report, "arena_cell")
        cell = Cell.from_wire(cell_wire) if cell_wire else self._cell_from_nodeid(report.nodeid)
        if cell is None:
            return {}
        now = now_iso()
        row = Row(run_id=self.run_id, cell=cell, outcome=outcome, started_at=now, finished_at=now)  # type: ignore[arg-type]
        return row.replace(error={"kind": kind, "message": message[-2000:]}, worker=_worker(report)).to_wire()

    def _cell_from_nodeid(self, nodeid: str) -> Cell | None:
        """Crash path only (the report has no properties): invert the item id with the known names.
        The task class is the task folder's parent folder name here."""
        match = re.match(r"(?P<path>.*)/task\.toml::(?P<task>[^\[]+)\[(?P<cid>.*)\](@.*)?$", nodeid)
        if not match:
            return None
        try:
            agent, strategy, seed = parse_cell_id(
                match["cid"], self.settings.agents, self.settings.strategies
            )
        except ValueError:
            return None
        task_class = Path(match["path"]).parent.name
        return Cell(task_class, match["task"], agent, strategy, seed)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = row_of(report)
        if report.when == "call" and row is not None:
            if row.get("resumed") and self._resuming_in_place:
                self.rows.append(row)  # already in the file: count it, don't write it twice
            else:
                self._write(row)
            outcome = row["outcome"]
            if report.failed and not (counts_as_judged(outcome) and not counts_as_passed(outcome)):
                self.other_failures += 1
            return
        if str(report.when) == "???":  # an xdist worker died while running this item
            crash = self._synthesized(report, "error", "worker-crash", str(report.longrepr))
            if crash:
                self._write(crash)
            else:
                self.other_failures += 1
            return
        if report.when == "setup" and (report.failed or report.skipped) and row_of(report, "arena_cell"):
            outcome, kind = ("skipped", "skipped") if report.skipped else ("error", "setup")
            self._write(self._synthesized(report, outcome, kind, _longrepr_text(report)))
            return
        if report.failed:
            self.other_failures += 1

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors += 1

    # -- end of run -----------------------------------------------------------------------------
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        tr = terminalreporter
        self._write_timeouts(tr)
        if not self.rows or self.settings.summary == "none":
            return
        tr.write_sep("=", "hybridarena validation" if self.settings.validate else "hybridarena summary")
        if not self.settings.validate:
            tr.write_line(models_line(self.settings))
        text = render_validation(self.rows) if self.settings.validate else render_run_summary(self.rows)
        for line in text.splitlines():
            tr.write_line(line)
        if not self.settings.validate and self.settings.summary == "full":
            self._write_analysis(tr)
        tr.write_line(f"results: {self.out_path} ({len(self.rows)} rows)")
        floor = self.settings.fail_under
        if floor is not None:
            tr.write_line(
                f"overall pass rate {100 * self.overall_rate():.1f}% (--arena-fail-under={floor:g}%)"
            )

    def _write_timeouts(self, tr: Any) -> None:
        """A TIMEOUTS section like pytest's FAILURES (and under the same ``--tb`` rule): a timeout
        cell's report (what ran out, where its artifacts are) is in no category pytest prints.
        Error cells need nothing here: pytest prints them in its ERRORS section."""
        reports = [r for r in tr.stats.get("timeout", []) if getattr(r, "longrepr", None) is not None]
        if not reports or self.config.option.tbstyle == "no":
            return
        tr.write_sep("=", "TIMEOUTS")
        for report in reports:
            tr.write_sep("_", report.head_line or report.nodeid, red=True, bold=True)
            report.toterminal(tr._tw)

    def _write_analysis(self, tr: Any) -> None:
        """Paired comparisons and the decision table, and the run's aggregate.json / summary.md
        (and report.html with --arena-html). Analysis trouble is reported, never raised: the rows
        are already safe on disk and ``python -m pytest_hybridarena report`` can redo this."""
        from pytest_hybridarena.results.report import render_text, write_artifacts

        run_dir = self.out_path.parent
        try:
            aggregate, paths = write_artifacts(
                run_dir, self.rows, baseline=self.settings.baseline, margin=self.settings.margin / 100
            )
            tr.write_line("")
            for line in render_text(aggregate).splitlines():
                tr.write_line(line)
            written = [paths["aggregate"], paths["summary"]]
            if self.settings.html:
                from pytest_hybridarena.results.html import write_html

                written.append(write_html(aggregate, self.rows, run_dir))
            tr.write_line("artifacts: " + ", ".join(str(p) for p in written))
        except Exception as exc:  # a summary must never take the session down
            rerun = f"python -m pytest_hybridarena report {run_dir}"
            tr.write_line(f"analysis failed ({type(exc).__name__}: {exc}); rerun: {rerun}")

    def overall_rate(self) -> float:
        return overall_rate(self.rows)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self.rows:
            remember_selection(self.config, self.settings, self.run_id)  # for the next --lf / --sw
        session.exitstatus = exit_status(
            session.exitstatus,
            self.rows,
            other_failures=self.other_failures,
            collect_errors=self.collect_errors,
            validate=self.settings.validate,
            fail_under=self.settings.fail_under,
        )


def models_line(settings: ArenaSettings) -> str:
    """Which models served the two sides, and how the cost column is priced."""
    stand_in = (
        " (an embedded stand-in for a frontier model)" if settings.cloud.startswith("embedded:") else ""
    )
    if settings.price_as:
        pricing = f"cloud tokens priced as {settings.price_as} list prices"
    else:
        pricing = "cloud tokens at the cloud model's list prices"
    if settings.mid:
        mid_price = "mid $0" if runs_locally(settings.mid) else "mid at its list prices"
        return (
            f"local: {settings.local} | mid: {settings.mid} | cloud: {settings.cloud}{stand_in} | "
            f"cost: {pricing}, {mid_price}, local $0"
        )
    if settings.roles is not None:
        return f"role sweep ({settings.roles.path.name}): local = the model named in each strategy; local $0"
    return f"local: {settings.local} | cloud: {settings.cloud}{stand_in} | cost: {pricing}, local $0"


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) == b"\n"


def _worker(report: pytest.TestReport) -> str | None:
    node = getattr(report, "node", None)
    gateway = getattr(node, "gateway", None)
    return getattr(gateway, "id", None)


def _longrepr_text(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        return str(longrepr[2])
    return str(longrepr)
