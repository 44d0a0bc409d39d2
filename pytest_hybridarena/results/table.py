"""The end-of-run summary: rows grouped into cells (task class × agent × strategy), as a table.

Plain functions over row dicts, no pytest: ``pytest_terminal_summary`` and any offline report use
the same code.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import tabulate as tabulate_module
from tabulate import tabulate

from pytest_hybridarena.results.figures import CellFigures, cell_figures, group_cells
from pytest_hybridarena.results.fmt import DASH, cloud_share, duration, money, percent, percent_ci
from pytest_hybridarena.results.rows import Row, as_row, has_mid_tier
from pytest_hybridarena.results.stats import DEFAULT_RESAMPLES, WeightCache

__all__ = [
    "CellSummary",
    "has_mid_tier",
    "render_legend",
    "render_rounds",
    "render_run_summary",
    "render_summary",
    "render_validation",
    "summarize",
]

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
    "$/row",
    "wall",
)


#: One line of the table: the cell's figures, computed by :func:`figures.cell_figures`.
CellSummary = CellFigures


def summarize(rows: Iterable[dict[str, Any]], *, resamples: int = DEFAULT_RESAMPLES) -> list[CellFigures]:
    """Rows grouped into cells and every cell's figures, in key order: the same grouping, seed and
    arithmetic as ``aggregate.json`` (:mod:`pytest_hybridarena.results.figures`).

    The pass rate is intention-to-treat: error and timeout cells count as not passed. The CI
    resamples tasks (seeds of a task stay together) with an RNG seeded from the cell's key. What the
    cell spent (cloud shares, calls and cost per row) counts every row, skipped ones included: a
    timeout, an error or an unscored row spent its tokens too.
    """
    cache: WeightCache = {}
    return [
        cell_figures(key, members, resamples=resamples, cache=cache) for key, members in group_cells(rows)
    ]


def render_run_summary(rows: Iterable[dict[str, Any]], *, resamples: int = DEFAULT_RESAMPLES) -> str:
    """The end-of-run table and its legend, as the live run and ``python -m pytest_hybridarena
    report`` print them."""
    rows = list(rows)
    summaries = summarize(rows, resamples=resamples)
    return render_summary(summaries) + "\n" + render_legend(with_mid=has_mid_tier(rows))


def _vary(summaries: Sequence[CellFigures]) -> bool:
    """More than one (local, cloud) model pair: the table then names each line's models."""
    return len({(s.local_model, s.cloud_model) for s in summaries}) > 1


def _models(s: CellFigures) -> str:
    return f"{s.local_model or DASH} + {s.cloud_model or DASH}"


def render_summary(summaries: Sequence[CellFigures]) -> str:
    """The cell table (its columns are spelled out by :func:`render_legend`). A run with a mid tier
    gets a ``mid`` column (mid-tier share of tokens) before ``cloud``."""
    with_mid = any(s.has_mid for s in summaries)
    vary = _vary(summaries)
    table = [
        (
            s.task_class,
            s.agent,
            s.strategy,
            *((_models(s),) if vary else ()),
            s.n,
            s.counts["pass"],
            s.counts["fail"],
            s.counts["error"],
            s.counts["timeout"],
            s.counts["skipped"],
            percent_ci(s.rate),
            *((percent(s.point("mid_fraction_tokens"), 0),) if with_mid else ()),
            cloud_share(s.point("cloud_fraction_calls"), s.point("cloud_fraction_tokens")),
            f"{s.point('calls_per_task') or 0.0:.1f}",
            money(s.point("cost_per_task")),
            duration(s.median_wall_s),
        )
        for s in summaries
    ]
    # tabulate pads every column to its header + MIN_PADDING (2); with 14 columns that alone pushed
    # the table past 120 characters. It has no parameter for it, so set it for this call only.
    headers: tuple[str, ...] = HEADERS
    if with_mid:
        at = headers.index("cloud")
        headers = (*headers[:at], "mid", *headers[at:])
    if vary:
        at = headers.index("n")
        headers = (*headers[:at], "models", *headers[at:])
    saved, tabulate_module.MIN_PADDING = tabulate_module.MIN_PADDING, 0
    try:
        text = tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)
    finally:
        tabulate_module.MIN_PADDING = saved
    if any(s.rounds_used > 1 for s in summaries):
        text += "\n\n" + render_rounds(summaries)
    return text


def render_legend(*, with_mid: bool = False, width: int = 120) -> str:
    """The lines under the cell table that spell out its short headers, wrapped at ``width``;
    ``with_mid`` when the table has a ``mid`` column (:func:`has_mid_tier`)."""
    mid = "mid: mid-tier share of tokens; " if with_mid else ""
    text = (
        "pass rate: intention-to-treat (errors and timeouts count as not passed), 95% CI by "
        "task-clustered bootstrap with a Wilson floor (docs/statistics.md); err: error, t/o: timeout; "
        f"{mid}cloud: cloud share of calls / of tokens (100/97%: all calls, 97% of tokens); "
        "calls, $/row: mean per row over every row "
        "of the cell (errors, timeouts and skipped rows included: every spend counts); wall: median"
    )
    return textwrap.fill(text, width=width, break_on_hyphens=False)


def render_rounds(summaries: Sequence[CellFigures]) -> str:
    """pass@round per cell (groups whose rows report rounds), for runs where a row used more than
    one: how much one round of visible-check feedback gains. A group that stopped before round k
    keeps its last value (nothing changed after it stopped)."""
    shown = [s for s in summaries if s.rounds_used]
    last = max(s.rounds_used for s in shown)
    ks = sorted({1, 2, last})

    def at(s: CellFigures, k: int) -> float:
        point = s.pass_at_round[min(k, s.rounds_used) - 1].point
        return 0.0 if math.isnan(point) else point

    table = [
        (
            s.task_class,
            s.agent,
            s.strategy,
            s.n,
            s.rounds_used,
            *(percent(at(s, k)) for k in ks),
            f"{100 * (at(s, last) - at(s, 1)):+.1f}",
        )
        for s in shown
    ]
    headers = ("class", "agent", "strategy", "n", "rounds", *(f"pass@r{k}" for k in ks), f"r1→r{last} pts")
    title = "pass by round (pass@rk: share of cells whose hidden suite passed after round k and later)"
    return title + "\n" + tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)


def render_validation(rows: Iterable[Row | dict[str, Any]]) -> str:
    """One line per task for ``--arena-validate``: did the oracle pass and nop fail?"""
    by_task: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in map(as_row, rows):
        cell = row.cell
        by_task[f"{cell.task_class}/{cell.task_id}"][cell.agent] = row
    table = []
    for task, agents in sorted(by_task.items()):
        oracle, nop = agents.get("oracle"), agents.get("nop")
        ok = bool(oracle and nop and oracle.passed and nop.outcome == "fail")
        table.append((task, _validation_cell(oracle), _validation_cell(nop), "ok" if ok else "BROKEN"))
    return tabulate(table, headers=("task", "oracle", "nop", "invariant"), tablefmt="simple")


def _validation_cell(row: Row | None) -> str:
    if row is None:
        return "not run"
    return f"{row.outcome} ({row.tests.passed}/{row.tests.total})"
