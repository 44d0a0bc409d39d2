"""The end-of-run summary: rows grouped into cells (task class × agent × strategy), as a table.

Plain functions over row dicts, no pytest: ``pytest_terminal_summary`` and any offline report use
the same code.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import tabulate as tabulate_module
from tabulate import tabulate

from pytest_hybridarena.results.rounds import max_rounds_used, pass_at_round
from pytest_hybridarena.results.stats import RateEstimate, median, pass_rate_ci

__all__ = [
    "CellSummary",
    "has_mid_tier",
    "render_legend",
    "render_rounds",
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


@dataclass(frozen=True)
class CellSummary:
    task_class: str
    agent: str
    strategy: str
    counts: dict[str, int]
    rate: RateEstimate | None
    median_wall_s: float | None
    #: Cloud share of tokens and of calls over every row of the group (skipped rows included: what
    #: the router saw was spent); None when no tokens (calls) flowed.
    cloud_token_fraction: float | None = None
    cloud_call_fraction: float | None = None
    #: Means over every row of the group, skipped rows included (``rows``).
    calls_per_row: float = 0.0
    cost_per_row: float | None = None
    rows: int = 0
    #: Mid-tier share of tokens; None when the group's rows had no mid tier (or no tokens flowed).
    mid_token_fraction: float | None = None
    has_mid: bool = False
    rounds_used: int = 0  # the most rounds a row of the group used; 0: no row reports rounds
    pass_at_round: tuple[float, ...] = ()  # pass@round-k for k = 1 … rounds_used (rounds.py)

    @property
    def n(self) -> int:
        """Cells that count toward the pass rate: everything but skipped (errors count as not passed)."""
        return sum(v for k, v in self.counts.items() if k != "skipped")


def summarize(rows: Iterable[dict[str, Any]], *, resamples: int = 10_000) -> list[CellSummary]:
    """Group rows by (class, agent, strategy) and estimate each group's pass rate.

    The pass rate is intention-to-treat: error and timeout cells count as not passed. The CI
    resamples tasks (seeds of a task stay together) with an RNG seeded from the group key. What the
    group spent (cloud shares, calls and cost per row) counts every row, skipped ones included: a
    timeout, an error or an unscored row spent its tokens too.
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
        used = max_rounds_used(judged)
        by_round = tuple(pass_at_round(judged, k) or 0.0 for k in range(1, used + 1))
        summaries.append(
            CellSummary(
                task_class,
                agent,
                strategy,
                counts,
                rate,
                median(walls),
                cloud_token_fraction=_side_fraction(members, "cloud"),
                cloud_call_fraction=_call_fraction(members, "cloud"),
                mid_token_fraction=_side_fraction(members, "mid") if has_mid_tier(members) else None,
                has_mid=has_mid_tier(members),
                calls_per_row=sum(r["calls"]["total"] for r in members) / len(members),
                cost_per_row=_mean_cost(members),
                rows=len(members),
                rounds_used=used,
                pass_at_round=by_round,
            )
        )
    return summaries


def has_mid_tier(rows: Iterable[dict[str, Any]]) -> bool:
    """True when any row was served by a router with a mid tier (its ``models`` name one)."""
    return any("mid" in (r.get("models") or {}) for r in rows)


def _side_fraction(rows: list[dict[str, Any]], side: str) -> float | None:
    """One side's share of all tokens (prompt + completion, every tier) over the group; None when
    no tokens flowed. Rows without a mid tier have no ``mid_*`` tokens and count them as 0."""
    totals = {
        s: sum(r["tokens"].get(f"{s}_prompt", 0) + r["tokens"].get(f"{s}_completion", 0) for r in rows)
        for s in ("local", "mid", "cloud")
    }
    everything = sum(totals.values())
    return totals[side] / everything if everything else None


def _call_fraction(rows: list[dict[str, Any]], side: str) -> float | None:
    """One side's share of the calls that went to a model (local + mid + cloud); None without calls."""
    sides = {s: sum(int(r["calls"].get(s, 0)) for r in rows) for s in ("local", "mid", "cloud")}
    everything = sum(sides.values())
    return sides[side] / everything if everything else None


def _mean_cost(rows: list[dict[str, Any]]) -> float | None:
    """Mean cost per row; None when any row's cost is unknown (an unpriced model), so a partial
    sum is never shown as the cost."""
    values = [r["cost_usd"]["value"] for r in rows]
    if not values or any(v is None for v in values):
        return None
    return float(sum(values)) / len(values)


def _rate_text(rate: RateEstimate | None) -> str:
    if rate is None:
        return "–"
    return f"{100 * rate.point:5.1f}% [{100 * rate.low:.1f}–{100 * rate.high:.1f}]"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _calls_tokens(calls: float | None, tokens: float | None) -> str:
    """``calls/tokens%``, e.g. ``100/97%``; a side that is unknown shows ``–``."""
    if calls is None and tokens is None:
        return "–"
    c = "–" if calls is None else f"{100 * calls:.0f}"
    return f"{c}/{_pct(tokens)}"


def render_summary(summaries: Sequence[CellSummary]) -> str:
    """The cell table (its columns are spelled out by :func:`render_legend`). A run with a mid tier
    gets a ``mid`` column (mid-tier share of tokens) before ``cloud``."""
    with_mid = any(s.has_mid for s in summaries)
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
            *((_pct(s.mid_token_fraction),) if with_mid else ()),
            _calls_tokens(s.cloud_call_fraction, s.cloud_token_fraction),
            f"{s.calls_per_row:.1f}",
            "–" if s.cost_per_row is None else f"${s.cost_per_row:.4f}",
            "–" if s.median_wall_s is None else f"{s.median_wall_s:.1f}s",
        )
        for s in summaries
    ]
    # tabulate pads every column to its header + MIN_PADDING (2); with 14 columns that alone pushed
    # the table past 120 characters. It has no parameter for it, so set it for this call only.
    headers: tuple[str, ...] = HEADERS
    if with_mid:
        at = HEADERS.index("cloud")
        headers = (*HEADERS[:at], "mid", *HEADERS[at:])
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


def render_rounds(summaries: Sequence[CellSummary]) -> str:
    """pass@round per cell (groups whose rows report rounds), for runs where a row used more than
    one: how much one round of visible-check feedback gains. A group that stopped before round k
    keeps its last value (nothing changed after it stopped)."""
    shown = [s for s in summaries if s.rounds_used]
    last = max(s.rounds_used for s in shown)
    ks = sorted({1, 2, last})

    def at(s: CellSummary, k: int) -> float:
        return s.pass_at_round[min(k, s.rounds_used) - 1]

    table = [
        (
            s.task_class,
            s.agent,
            s.strategy,
            s.n,
            s.rounds_used,
            *(f"{100 * at(s, k):.1f}%" for k in ks),
            f"{100 * (at(s, last) - at(s, 1)):+.1f}",
        )
        for s in shown
    ]
    headers = ("class", "agent", "strategy", "n", "rounds", *(f"pass@r{k}" for k in ks), f"r1→r{last} pts")
    title = "pass by round (pass@rk: share of cells whose hidden suite passed after round k and later)"
    return title + "\n" + tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)


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
