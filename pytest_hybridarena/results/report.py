"""The offline report: load rows, analyze them, write ``aggregate.json`` and ``summary.md``.

``python -m pytest_hybridarena report <run dir | results.jsonl | raw.jsonl ...>`` recomputes
everything from the rows alone, so a sweep can be repriced (``--price-as``) or re-analyzed (another
baseline or margin) without running anything. Several inputs merge into one analysis. The command,
the artifacts and the aggregate's schema are described in ``docs/report.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from tabulate import tabulate

from pytest_hybridarena.pricing import load_prices
from pytest_hybridarena.results.analysis import analyze, reprice_rows
from pytest_hybridarena.results.fmt import (
    DASH,
    cost_cell,
    duration_ci,
    money,
    percent_ci,
    points_ci,
    settings_line,
    tokens_ci,
)
from pytest_hybridarena.results.legacy import convert_legacy, is_legacy, legacy_models
from pytest_hybridarena.results.rows import TIERS, Models, Row
from pytest_hybridarena.results.stats import DEFAULT_RESAMPLES
from pytest_hybridarena.results.table import render_run_summary

__all__ = [
    "ReportWarning",
    "add_arguments",
    "dedupe_rows",
    "load_decisions",
    "load_rows",
    "render_markdown",
    "render_text",
    "run",
    "write_artifacts",
]


class ReportWarning(UserWarning):
    """Something in the inputs was skipped (a torn last line); the report still ran."""


def _row_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such file or folder (give a run folder or a results.jsonl)")
    for name in ("results.jsonl", "raw.jsonl"):
        if (path / name).is_file():
            return [path / name]
    found = sorted([*path.rglob("results.jsonl"), *path.rglob("raw.jsonl")])
    if not found:
        raise FileNotFoundError(f"{path}: no results.jsonl or raw.jsonl in this folder or below it")
    return found


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            if i == last:
                warnings.warn(
                    f"{path}:{i + 1}: skipped a torn last line (an interrupted write): {exc}",
                    ReportWarning,
                    stacklevel=3,
                )
                continue
            raise ValueError(f"{path}:{i + 1}: not JSON ({exc}); only the last line may be torn") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path}:{i + 1}: expected a JSON object, got {type(data).__name__}")
        yield i + 1, data


def load_rows(paths: Sequence[str | Path], *, dedupe: bool = True) -> list[dict[str, Any]]:
    """Rows from run folders, ``results.jsonl`` files and legacy ``raw.jsonl`` files, merged.

    A folder contributes its ``results.jsonl`` (else ``raw.jsonl``; else every one below it). Rows
    of the replaced system are recognised by shape and converted (:mod:`pytest_hybridarena.results.legacy`).
    A torn last line is skipped with a :class:`ReportWarning`; any other bad line raises
    ValueError naming the file and line. A cell that appears more than once (the same run folder
    given twice, overlapping runs, a retried attempt) is kept once, with a :class:`ReportWarning`
    saying which copy (:func:`dedupe_rows`); ``dedupe=False`` keeps every copy.
    """
    prices = load_prices()
    read: list[tuple[Path, int, dict[str, Any]]] = []
    for given in paths:
        for path in _row_files(Path(given)):
            read.extend((path, lineno, data) for lineno, data in _read_jsonl(path))
    legacy = [(path, data) for path, _, data in read if is_legacy(data)]
    defaults = legacy_models(legacy, prices) if legacy else {}
    replicates: dict[tuple[Any, ...], int] = {}
    rows: list[dict[str, Any]] = []
    for path, lineno, data in read:
        if is_legacy(data):
            data = convert_legacy(
                data, source=path, prices=prices, replicates=replicates, defaults=defaults.get(path)
            )
        try:
            normalized = Row.from_wire(data).to_wire()
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{lineno}: not a result row: {exc}") from exc
        rows.append({**data, **normalized, _SOURCE: str(path)})
    kept, dropped = dedupe_rows(rows) if dedupe else (rows, [])
    if dropped:
        warnings.warn(_duplicates_message(kept, dropped), ReportWarning, stacklevel=2)
    for row in rows:
        row.pop(_SOURCE, None)
    return kept


_SOURCE = "__source"  # where a row was read from, while loading only


def _dedupe_key(row: dict[str, Any]) -> tuple[Any, ...]:
    cell, models = row["cell"], Models.from_wire(row.get("models"))
    return (
        cell["task_class"],
        cell["task_id"],
        cell["agent"],
        cell["strategy"],
        int(cell["seed"]),
        *(models.of(tier) for tier in TIERS),
    )


def dedupe_rows(rows: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per cell and models (class, task, agent, strategy, seed, local/mid/cloud model):
    ``(kept, dropped)``, kept in input order.

    The copy kept is the latest: the one that finished last (``finished_at``), then the highest
    ``attempt``, then the later input. That is the latest run's row when runs overlap, and the
    retried attempt within a resumed run (which is also what that run's own summary counted).
    Without duplicates ``kept`` is ``rows`` and ``dropped`` is empty.
    """
    best: dict[tuple[Any, ...], int] = {}
    for i, row in enumerate(rows):
        key = _dedupe_key(row)
        j = best.get(key)
        if j is None or _recency(row, i) >= _recency(rows[j], j):
            best[key] = i
    keep = set(best.values())
    if len(keep) == len(rows):
        return list(rows), []
    return [r for i, r in enumerate(rows) if i in keep], [r for i, r in enumerate(rows) if i not in keep]


def _recency(row: dict[str, Any], index: int) -> tuple[str, int, int]:
    return (str(row.get("finished_at") or ""), int(row.get("attempt", 1)), index)


def _where(row: dict[str, Any]) -> str:
    attempt = int(row.get("attempt", 1))
    where = f"run {row.get('run_id')}" + (f" attempt {attempt}" if attempt > 1 else "")
    return where + (f" ({row[_SOURCE]})" if row.get(_SOURCE) else "")


def _duplicates_message(kept: Sequence[dict[str, Any]], dropped: Sequence[dict[str, Any]]) -> str:
    by_key = {_dedupe_key(r): r for r in kept}
    keys = sorted({_dedupe_key(r) for r in dropped}, key=str)
    example = keys[0]
    kept_row = by_key[example]
    others = [r for r in dropped if _dedupe_key(r) == example]
    cell = kept_row["cell"]
    name = f"{cell['task_class']}/{cell['task_id']}[{cell['agent']}-{cell['strategy']}-s{cell['seed']}]"
    runs = sorted({str(by_key[k].get("run_id")) for k in keys})
    return (
        f"{len(keys)} cell{'s' if len(keys) != 1 else ''} appear more than once in the inputs (same "
        f"class, task, agent, strategy, seed and models); kept the latest copy of each (latest "
        f"finished_at, then highest attempt, then the later input) and dropped {len(dropped)} "
        f"row{'s' if len(dropped) != 1 else ''}. Kept copies are from {', '.join(runs)}. "
        f"E.g. {name}: kept {_where(kept_row)}, dropped {', '.join(_where(r) for r in others)}"
    )


def load_decisions(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    """Decision records next to the given inputs: ``decisions/*.jsonl`` and ``decisions.jsonl`` of
    each run folder (of a results file's folder); a ``.jsonl`` given directly is read as is."""
    records: list[dict[str, Any]] = []
    for given in paths:
        path = Path(given)
        if path.is_file() and path.name not in ("results.jsonl", "raw.jsonl"):
            files = [path]
        else:
            folder = path.parent if path.is_file() else path
            files = [*sorted((folder / "decisions").glob("*.jsonl")), folder / "decisions.jsonl"]
        for file in files:
            if file.is_file():
                records.extend(data for _, data in _read_jsonl(file))
    return records


# --- rendering -----------------------------------------------------------------------------------


def _cells_table(aggregate: dict[str, Any], fmt: str) -> str:
    """One line per cell; runs with a mid tier get its shares of tokens and calls before the cloud's."""
    with_mid = any("mid_fraction_tokens" in c for c in aggregate["cells"].values())
    headers = (
        "class",
        "agent",
        "strategy",
        "local",
        "cloud",
        "n",
        "err",
        "tmo",
        "pass rate [95% CI]",
        "excl. errors",
        "cost/task",
        "spent",
        *(("mid tok", "mid calls") if with_mid else ()),
        "cloud tok",
        "cloud calls",
        "tokens/task",
        "wall/task",
    )
    table = [
        (
            c["task_class"],
            c["agent"],
            c["strategy"],
            c["local_model"] or DASH,
            c["cloud_model"] or DASH,
            c["n"],
            c["counts"]["error"],
            c["counts"]["timeout"],
            percent_ci(c["pass_rate"]),
            percent_ci(c["pass_rate_error_adjusted"]),
            cost_cell(c["cost_per_task"], c["cost_unpriced"]),
            money(c.get("cost_total")),
            *(
                (percent_ci(c.get("mid_fraction_tokens"), 0), percent_ci(c.get("mid_fraction_calls"), 0))
                if with_mid
                else ()
            ),
            percent_ci(c["cloud_fraction_tokens"], 0),
            percent_ci(c["cloud_fraction_calls"], 0),
            tokens_ci(c["tokens_per_task"]),
            duration_ci(c["wall_s_per_task"]),
        )
        for c in aggregate["cells"].values()
    ]
    return tabulate(table, headers=headers, tablefmt=fmt, disable_numparse=True)


def _rounds_table(aggregate: dict[str, Any], fmt: str) -> str:
    """pass@round per cell that reports rounds, columns up to the most rounds any cell used."""
    shown = [c for c in aggregate["cells"].values() if c.get("pass_at_round")]
    last = max(len(c["pass_at_round"]) for c in shown)
    table = [
        (
            c["task_class"],
            c["agent"],
            c["strategy"],
            c["n"],
            *(
                percent_ci(c["pass_at_round"][min(k, len(c["pass_at_round"])) - 1])
                for k in range(1, last + 1)
            ),
        )
        for c in shown
    ]
    headers = ("class", "agent", "strategy", "n", *(f"pass@r{k} [95% CI]" for k in range(1, last + 1)))
    return tabulate(table, headers=headers, tablefmt=fmt, disable_numparse=True)


def _comparisons_table(aggregate: dict[str, Any], fmt: str) -> str:
    headers = (
        "class",
        "agent",
        "strategy",
        "vs",
        "pairs",
        "Δ pass (pts) [95% CI]",
        "p",
        "p (Holm)",
        "verdict",
        "cost ratio",
    )
    table = [
        (
            e["task_class"],
            e["agent"],
            e["strategy"],
            e["baseline"],
            e["pairs"],
            points_ci(e["diff"]),
            f"{e['p_value']:.4f}",
            f"{e['p_holm']:.4f}",
            e["verdict"],
            percent_ci(e["cost_ratio"], 0),
        )
        for e in aggregate["comparisons"]
    ]
    return tabulate(table, headers=headers, tablefmt=fmt, disable_numparse=True)


def _decisions_table(aggregate: dict[str, Any], fmt: str) -> str:
    cells = aggregate["cells"]

    def label(cell_id: str | None) -> str:
        return DASH if cell_id is None else _label(cells[cell_id])

    table = [
        (d["task_class"], label(d["recommended"]), label(d["best"]), d["reason"])
        for d in aggregate["decisions"]
    ]
    return tabulate(
        table, headers=("class", "recommended", "best", "why"), tablefmt=fmt, disable_numparse=True
    )


def _label(cell: dict[str, Any]) -> str:
    return f"{cell['agent']} · {cell['strategy']}"


def _curves_table(aggregate: dict[str, Any], fmt: str) -> str:
    def f(x: float | None, pct: bool = False) -> str:
        return "–" if x is None else (f"{100 * x:.0f}%" if pct else f"{x:.3f}")

    noted = any(c.get("note") for c in aggregate["curves"])
    table = [
        (
            c["task_class"],
            c["agent"],
            c["strategy"],
            len(c["points"]),
            f(c["anchors"]["local"], True),
            f(c["anchors"]["cloud"], True),
            f(c["apgr"]),
            f(c["cpt50"], True),
            f(c["cpt80"], True),
            *((c.get("note") or "",) if noted else ()),
        )
        for c in aggregate["curves"]
    ]
    headers = (
        "class",
        "agent",
        "sweep",
        "points",
        "always-local",
        "always-cloud",
        "APGR",
        "CPT(50%)",
        "CPT(80%)",
        *(("note",) if noted else ()),
    )
    return tabulate(table, headers=headers, tablefmt=fmt, disable_numparse=True)


def _calibration_text(cal: dict[str, Any]) -> str:
    target = f"{100 * cal['target_cloud']:g}% cloud calls"
    head = f"calibration of {cal['strategy']} for {target} ({cal['records']} records)"
    if cal.get("threshold") is None:
        return f"{head}: {cal.get('note')}"
    lines = [
        f"{head}: threshold {cal['threshold']:.3f} (sends {100 * cal['achieved']:.1f}% to cloud; "
        f"currently {100 * cal['current_cloud']:.1f}%)"
    ]
    for path, v in cal["by_path"].items():
        lines.append(
            f"  path {path}: threshold {v['threshold']:.3f} ({v['records']} records, "
            f"{100 * v['achieved']:.1f}% cloud; now {v['current_threshold']})"
        )
    if cal.get("suggested_spec"):
        lines.append(f"  try: --arena-strategies={cal['suggested_spec']}")
    return "\n".join(lines)


def render_markdown(aggregate: dict[str, Any]) -> str:
    """``summary.md``: settings, the cell table, the comparisons, the decision table, the Pareto
    frontiers, the threshold sweeps and the calibration (when present), all from the aggregate."""
    parts = [
        "# hybridarena report",
        "",
        settings_line(aggregate),
        "",
        "## Cells",
        "",
        _cells_table(aggregate, "github"),
    ]
    parts += [
        "",
        "Pass rate is intention-to-treat (errors and timeouts count as not passed); *excl. errors* "
        "leaves them out. Every interval is a 95% task-clustered bootstrap (docs/statistics.md).",
    ]
    if any(len(c.get("pass_at_round") or ()) > 1 for c in aggregate["cells"].values()):
        parts += ["", "## Pass by round", "", _rounds_table(aggregate, "github"), ""]
        parts.append(
            "pass@rk: share of cells whose hidden suite passed after round k and after every later "
            "round (intention-to-treat); a cell that stopped early keeps its last value (docs/rounds.md)."
        )
    parts += ["", f"## Paired comparisons vs {aggregate['settings']['baseline']}", ""]
    if aggregate["comparisons"]:
        parts += [_comparisons_table(aggregate, "github"), ""]
        parts += [f"- {e['agent']}, {e['task_class']}: {e['sentence']}" for e in aggregate["comparisons"]]
        parts += [
            "",
            "Verdicts are Holm-corrected over the strategies compared with the baseline within each "
            "(class, agent, models) family.",
        ]
    else:
        parts.append("No cell shares (task, seed) pairs with a baseline cell.")
    parts += [
        "",
        "## Decision table",
        "",
        _decisions_table(aggregate, "github"),
        "",
        "## Pareto frontier",
        "",
    ]
    cells = aggregate["cells"]
    for tc, ids in aggregate["pareto"].items():
        front = ", ".join(
            f"{_label(c)} ({percent_ci(c['pass_rate'], 0)}, {money(c['cost_per_task']['point'])})"
            for c in (cells[i] for i in ids)
        )
        parts.append(f"- **{tc}**: {front or 'no priced cells'}")
    if aggregate["curves"]:
        parts += ["", "## Threshold sweeps", "", _curves_table(aggregate, "github")]
    if aggregate.get("calibration"):
        parts += ["", "## Calibration", "", "```", _calibration_text(aggregate["calibration"]), "```"]
    return "\n".join(parts) + "\n"


def _why_lines(comparisons: Sequence[dict[str, Any]]) -> list[str]:
    """One line per inconclusive comparison saying why (``pareto.inconclusive_reason``)."""
    return [
        f"  inconclusive, {e['task_class']} · {e['agent']} · {e['strategy']}: {e['why']}"
        for e in comparisons
        if e.get("why")
    ]


def render_text(aggregate: dict[str, Any]) -> str:
    """The comparisons, decision table, sweeps and calibration for a terminal (the cell table the live
    run printed comes from :func:`table.render_summary`)."""
    s = aggregate["settings"]
    out = [
        f"paired comparisons vs {s['baseline']} (margin {100 * s['margin']:g} pts, Holm within each agent):"
    ]
    out.append(
        _comparisons_table(aggregate, "simple") if aggregate["comparisons"] else "  (no baseline pairs)"
    )
    out += _why_lines(aggregate["comparisons"])
    out += [
        "",
        "decision table (cheapest configuration non-inferior to the best):",
        _decisions_table(aggregate, "simple"),
    ]
    if aggregate["curves"]:
        out += ["", "threshold sweeps:", _curves_table(aggregate, "simple")]
    if aggregate.get("calibration"):
        out += ["", _calibration_text(aggregate["calibration"])]
    return "\n".join(out)


def _clean(value: Any) -> Any:
    """NaN/inf → None, recursively, so ``aggregate.json`` is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_artifacts(
    run_dir: str | Path,
    rows: Iterable[dict[str, Any]],
    decisions: Iterable[dict[str, Any]] | None = None,
    *,
    inputs: Sequence[str] = (),
    **opts: Any,
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Analyze ``rows`` (``opts`` go to :func:`analysis.analyze`) and write ``aggregate.json`` and
    ``summary.md`` into ``run_dir``; returns the aggregate and the written paths."""
    out = Path(run_dir)
    out.mkdir(parents=True, exist_ok=True)
    aggregate = _clean(analyze(rows, decisions=decisions, **opts))
    aggregate["inputs"] = [str(p) for p in inputs]
    paths = {"aggregate": out / "aggregate.json", "summary": out / "summary.md"}
    paths["aggregate"].write_text(json.dumps(aggregate, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    paths["summary"].write_text(render_markdown(aggregate), encoding="utf-8")
    return aggregate, paths


# --- the command ---------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", type=Path, help="run folders, results.jsonl or legacy raw.jsonl files"
    )
    parser.add_argument("--price-as", metavar="MODEL", help="price cloud tokens at this model's list prices")
    parser.add_argument(
        "--baseline", default="always-cloud", help="strategy to compare against (always-cloud)"
    )
    parser.add_argument(
        "--margin", type=float, default=5.0, metavar="PTS", help="non-inferiority margin in points (5)"
    )
    parser.add_argument(
        "--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples (10000)"
    )
    parser.add_argument("--out", type=Path, help="where to write (default: next to the first input)")
    parser.add_argument(
        "--decisions",
        nargs="*",
        type=Path,
        default=None,
        help="decision logs (default: found next to the inputs)",
    )
    parser.add_argument("--calibrate", metavar="STRATEGY", help="calibrate this strategy's threshold")
    parser.add_argument(
        "--target-cloud", type=float, default=0.2, metavar="F", help="target cloud fraction of calls (0.2)"
    )
    parser.add_argument("--html", action="store_true", help="also write a self-contained report.html")
    parser.add_argument(
        "--promote",
        action="store_true",
        help="apply the model promotion policy; writes local-model-benchmark-<date>.md (docs/promotion.md)",
    )
    parser.add_argument(
        "--roles", type=Path, default=Path("roles.toml"), help="roles file for --promote (roles.toml)"
    )


def run(
    args: argparse.Namespace, promote: Callable[[list[Any], argparse.Namespace], int] | None = None
) -> int:
    """The ``report`` command; 0 on success, 2 for unusable inputs (the message says which).
    ``--promote`` hands the rows to ``promote`` (the CLI passes ``promotion.promote``'s command:
    results/ never imports promotion/)."""
    if not 0.0 <= args.margin < 100.0:
        print(f"report: --margin is in points (0-100), got {args.margin}", file=sys.stderr)
        return 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReportWarning)
        try:
            rows = load_rows(args.inputs)
            decisions = load_decisions(args.decisions if args.decisions is not None else args.inputs)
            shown = reprice_rows(rows, args.price_as)
        except (OSError, ValueError) as exc:
            print(f"report: {exc}", file=sys.stderr)
            return 2
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    if not rows:
        print(f"report: no rows in {', '.join(map(str, args.inputs))}", file=sys.stderr)
        return 2
    first = args.inputs[0]
    out = args.out or (first if first.is_dir() else first.parent)
    print(render_run_summary(shown, resamples=args.resamples))
    aggregate, paths = write_artifacts(
        out,
        rows,
        decisions,
        inputs=[str(p) for p in args.inputs],
        baseline=args.baseline,
        margin=args.margin / 100.0,
        price_as=args.price_as,
        resamples=args.resamples,
        calibrate_strategy=args.calibrate,
        target_cloud=args.target_cloud,
    )
    print()
    print(render_text(aggregate))
    print()
    print(f"wrote {paths['aggregate']} and {paths['summary']}")
    if args.html:
        from pytest_hybridarena.results.html import write_html  # imports matplotlib; only when asked

        print(f"wrote {write_html(aggregate, shown, out)}")
    if args.promote:
        if promote is None:
            print("report: --promote is not available here (run python -m pytest_hybridarena report)")
            return 2
        return promote(rows, args)
    return 0
