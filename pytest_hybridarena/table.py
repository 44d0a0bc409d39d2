"""The end-of-run summary: rows grouped into cells (task class × agent × strategy), as a table.

Plain functions over row dicts, no pytest: ``pytest_terminal_summary`` and any offline report use
the same code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import tabulate as tabulate_module
from tabulate import tabulate

from pytest_hybridarena.stats import RateEstimate, median, pass_rate_ci

__all__ = ["CellSummary", "render_summary", "render_validation", "summarize"]

# Short headers keep a typical table within 120 columns; the legend line under it spells them out.
HEADERS = (
    "class",
    "agent",
    "strategy",
    "n",
    "pass",
    "fail",
    "err",
    "t/o",
    "skip",
    "pass rate [95% CI]",
    "cloud",
    "calls",
    "$/cell",
    "wall",
)


@dataclass(frozen=True)
class CellSummary:
    task_class: str
    agent: str
    strategy: str
    counts: dict[str, int]
    rate: RateEstimate | None
    median_wall_s: float | None
    cloud_token_fraction: float | None = None
    calls_per_cell: float = 0.0
    cost_per_cell: float | None = None

    @property
    def n(self) -> int:
        """Cells that count toward the pass rate: everything but skipped (errors count as not passed)."""
        return sum(v for k, v in self.counts.items() if k != "skipped")


def summarize(rows: Iterable[dict[str, Any]], *, resamples: int = 10_000) -> list[CellSummary]:
    """Group rows by (class, agent, strategy) and estimate each group's pass rate.

    The pass rate is intention-to-treat: error and timeout cells count as not passed. The CI
    resamples tasks (seeds of a task stay together) with an RNG seeded from the group key.
    """
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        cell = row["cell"]
        groups[(cell["task_class"], cell["agent"], cell["strategy"])].append(row)
    summaries = []
    for (task_class, agent, strategy), members in sorted(groups.items()):
        counts = {k: 0 for k in ("pass", "fail", "error", "timeout", "skipped")}
        per_task: dict[str, list[bool]] = defaultdict(list)
        walls = []
        for row in members:
            counts[row["outcome"]] += 1
            if row["outcome"] != "skipped":
                per_task[row["cell"]["task_id"]].append(row["outcome"] == "pass")
                walls.append(float(row["wall_s"]["total"]))
        key = f"{task_class}|{agent}|{strategy}"
        rate = pass_rate_ci(per_task, key=key, resamples=resamples) if per_task else None
        judged = [r for r in members if r["outcome"] != "skipped"]
        summaries.append(
            CellSummary(
                task_class,
                agent,
                strategy,
                counts,
                rate,
                median(walls),
                cloud_token_fraction=_cloud_fraction(judged),
                calls_per_cell=sum(r["calls"]["total"] for r in judged) / len(judged) if judged else 0.0,
                cost_per_cell=_mean_cost(judged),
            )
        )
    return summaries


def _cloud_fraction(rows: list[dict[str, Any]]) -> float | None:
    """Cloud share of all tokens (prompt + completion) over the group; None when no tokens flowed."""
    cloud = sum(r["tokens"]["cloud_prompt"] + r["tokens"]["cloud_completion"] for r in rows)
    local = sum(r["tokens"]["local_prompt"] + r["tokens"]["local_completion"] for r in rows)
    return cloud / (cloud + local) if cloud + local else None


def _mean_cost(rows: list[dict[str, Any]]) -> float | None:
    """Mean cost per cell; None when any cell's cost is unknown (an unpriced model), so a partial
    sum is never shown as the cost."""
    values = [r["cost_usd"]["value"] for r in rows]
    if not values or any(v is None for v in values):
        return None
    return float(sum(values)) / len(values)


def _rate_text(rate: RateEstimate | None) -> str:
    if rate is None:
        return "–"
    return f"{100 * rate.point:5.1f}% [{100 * rate.low:.1f}–{100 * rate.high:.1f}]"


def render_summary(summaries: Sequence[CellSummary]) -> str:
    table = [
        (
            s.task_class,
            s.agent,
            s.strategy,
            s.n,
            s.counts["pass"],
            s.counts["fail"],
            s.counts["error"],
            s.counts["timeout"],
            s.counts["skipped"],
            _rate_text(s.rate),
            "–" if s.cloud_token_fraction is None else f"{100 * s.cloud_token_fraction:.0f}%",
            f"{s.calls_per_cell:.1f}",
            "–" if s.cost_per_cell is None else f"${s.cost_per_cell:.4f}",
            "–" if s.median_wall_s is None else f"{s.median_wall_s:.1f}s",
        )
        for s in summaries
    ]
    # tabulate pads every column to its header + MIN_PADDING (2); with 14 columns that alone pushed
    # the table past 120 characters. It has no parameter for it, so set it for this call only.
    saved, tabulate_module.MIN_PADDING = tabulate_module.MIN_PADDING, 0
    try:
        return tabulate(table, headers=HEADERS, tablefmt="simple", disable_numparse=True)
    finally:
        tabulate_module.MIN_PADDING = saved


def render_validation(rows: Iterable[dict[str, Any]]) -> str:
    """One line per task for ``--arena-validate``: did the oracle pass and nop fail?"""
    by_task: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        cell = row["cell"]
        by_task[f"{cell['task_class']}/{cell['task_id']}"][cell["agent"]] = row
    table = []
    for task, agents in sorted(by_task.items()):
        oracle, nop = agents.get("oracle"), agents.get("nop")
        ok = bool(oracle and nop and oracle["outcome"] == "pass" and nop["outcome"] == "fail")
        table.append((task, _validation_cell(oracle), _validation_cell(nop), "ok" if ok else "BROKEN"))
    return tabulate(table, headers=("task", "oracle", "nop", "invariant"), tablefmt="simple")


def _validation_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "not run"
    tests = row["tests"]
    return f"{row['outcome']} ({tests['passed']}/{tests['total']})"
