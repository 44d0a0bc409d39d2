"""Per-task pass rates of the two anchors: which bundled task each model solves, over several seeds.

Reads one or more ``results.jsonl`` files of runs with the anchor strategies (``always-local``: every
call to the local model; ``always-cloud``: every call to the cloud model) and prints, per task, how
many judged seeds each model passed, with the errors and timeouts named apart (they are not failures
of the model: a dead backend or a budget). Rows of other strategies are ignored; a task that ran with
several agent specs gets one line per spec. The last column places the task on the ladder from these
figures alone:

* ``easy`` — the local model passes at least two thirds of its seeds;
* ``medium`` — the local model does not, the cloud model does;
* ``above`` — neither does (the hybrid can only lose time on it);
* ``inverted`` — the local model does and the cloud model does not (worth reading the transcripts).

Example (the figures in ``docs/task-ladder.md``)::

    python bench/per_task.py reports/<run>/results.jsonl reports/<other-run>/results.jsonl --markdown

It reads the JSONL directly (no plugin import), so it works on rows of any run folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ANCHORS = {"always-local": "local", "always-cloud": "cloud"}
CONTROLS = ("nop", "oracle")  # agents that call no model: never a model's column
SOLVED = 2 / 3  # "solves it most of the time"


@dataclass
class Tally:
    """One (task, agent, model) over its seeds."""

    passed: int = 0
    judged: int = 0  # pass + fail: the model produced something that was scored
    errors: int = 0  # error and timeout rows: neither a pass nor a failure of the model
    seeds: set[int] = field(default_factory=set)
    wall_s: list[float] = field(default_factory=list)
    tests_passed: int = 0  # acceptance tests passed, over the judged seeds
    tests_total: int = 0

    def add(self, row: dict[str, Any]) -> None:
        outcome = row["outcome"]
        if outcome == "skipped":
            return
        self.seeds.add(int(row["cell"]["seed"]))
        self.wall_s.append(float((row.get("wall_s") or {}).get("total") or 0.0))
        if outcome in ("pass", "fail"):
            self.judged += 1
            self.passed += outcome == "pass"
            tests = row.get("tests") or {}
            self.tests_passed += int(tests.get("passed") or 0)
            self.tests_total += int(tests.get("total") or 0)
        else:
            self.errors += 1

    @property
    def rate(self) -> float | None:
        return self.passed / self.judged if self.judged else None

    @property
    def test_share(self) -> str | None:
        """``83%``: acceptance tests passed over the judged seeds (None without any test)."""
        return f"{100 * self.tests_passed / self.tests_total:.0f}%" if self.tests_total else None

    def text(self, test_share: bool = False) -> str:
        if not self.judged and not self.errors:
            return "–"
        out = f"{self.passed}/{self.judged}"
        if test_share and self.test_share:
            out += f" · {self.test_share}"
        if self.errors:
            out += f" (+{self.errors} err/t-o)"
        return out


def anchor_model(row: dict[str, Any]) -> str:
    """The model the row's anchor strategy called (``always-local``: the local one), else the tier."""
    tier = ANCHORS.get(row["cell"]["strategy"], "")
    return str((row.get("models") or {}).get(tier) or tier)


def read_rows(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Rows of every file; for a cell that appears more than once (a retried error), the last row.

    A cell is its task, agent, strategy and seed *and the model of the anchor's tier*: two runs of
    ``always-local`` with different local models (``--arena-local=``) are two cells, not a retry.
    """
    latest: dict[tuple[str, str, str, str, int, str], dict[str, Any]] = {}
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not a JSON row ({exc.msg})") from None
            cell = row["cell"]
            key = (
                cell["task_class"],
                cell["task_id"],
                cell["agent"],
                cell["strategy"],
                int(cell["seed"]),
                anchor_model(row),
            )
            latest[key] = row
    yield from latest.values()


def tally(rows: Iterable[dict[str, Any]]) -> tuple[dict[tuple[str, str, str], dict[str, Tally]], list[str]]:
    """``{(class, task, agent): {model label: Tally}}`` and the model labels (local first)."""
    table: dict[tuple[str, str, str], dict[str, Tally]] = defaultdict(dict)
    models: dict[str, str] = {}
    for row in rows:
        cell = row["cell"]
        tier = ANCHORS.get(cell["strategy"])
        if tier is None or cell["agent"] in CONTROLS:
            continue
        model = anchor_model(row)
        models.setdefault(model, tier)
        key = (cell["task_class"], cell["task_id"], cell["agent"])
        table[key].setdefault(model, Tally()).add(row)
    ordered = sorted(models, key=lambda m: (models[m] != "local", m))
    return dict(table), ordered


def untouched(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], Tally]:
    """``{(class, task): Tally}`` of the ``nop`` control's rows: what the untouched workspace scores.

    With ``--test-share`` this is the floor to read a model's share against: a bug-fix task whose
    shipped code already passes half of its tests gives 50% to an agent that changed nothing.
    """
    found: dict[tuple[str, str], Tally] = {}
    for row in rows:
        cell = row["cell"]
        if cell["agent"] == "nop":
            found.setdefault((cell["task_class"], cell["task_id"]), Tally()).add(row)
    return found


def place(local: Tally | None, cloud: Tally | None) -> str:
    """The task's ladder tier from the two anchors' pass rates (see the module docstring)."""
    lo = local.rate if local else None
    hi = cloud.rate if cloud else None
    if lo is None or hi is None:
        return "?"
    if lo >= SOLVED:
        return "easy" if hi >= SOLVED else "inverted"
    return "medium" if hi >= SOLVED else "above"


def render(
    table: dict[tuple[str, str, str], dict[str, Tally]],
    models: Sequence[str],
    markdown: bool,
    test_share: bool = False,
    floor: dict[tuple[str, str], Tally] | None = None,
) -> str:
    show_floor = bool(test_share and floor)
    header = ["class", "task", "agent", *models, *(["untouched"] if show_floor else []), "tier"]
    lines: list[list[str]] = []
    totals: dict[str, dict[str, Tally]] = defaultdict(lambda: {m: Tally() for m in models})
    for (task_class, task_id, agent), by_model in sorted(table.items()):
        local = by_model.get(models[0]) if models else None
        cloud = by_model.get(models[1]) if len(models) > 1 else None
        cells = [by_model[m].text(test_share) if m in by_model else "–" for m in models]
        if show_floor:
            base = (floor or {}).get((task_class, task_id))
            cells.append((base and base.test_share) or "–")
        lines.append([task_class, task_id, agent, *cells, place(local, cloud)])
        for m, t in by_model.items():
            total = totals[task_class][m]
            total.passed += t.passed
            total.judged += t.judged
            total.errors += t.errors
    summary = [
        [task_class, "(all)", "", *[_rate_text(by[m]) for m in models], *([""] if show_floor else []), ""]
        for task_class, by in sorted(totals.items())
    ]
    rows = lines + summary
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*r) for r in [header, *rows])


def _rate_text(t: Tally) -> str:
    if not t.judged:
        return "–"
    return f"{t.passed}/{t.judged} ({100 * t.passed / t.judged:.0f}%)" + (
        f" +{t.errors} err/t-o" if t.errors else ""
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="+", type=Path, help="results.jsonl files")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    parser.add_argument(
        "--test-share",
        action="store_true",
        help="after each task's passes, the share of its acceptance tests passed over the judged "
        "seeds (`0/3 · 83%%`: no seed passed, but most tests did); with rows of the nop control "
        "in the files, an `untouched` column: the share the unchanged workspace passes",
    )
    parser.add_argument(
        "--models",
        help="the columns, comma-separated, the small (local) model first; default: the models seen, "
        "those that ran as the local tier first, then by name (rows where both ran as always-local "
        "cannot say which is the small one)",
    )
    args = parser.parse_args(argv)
    for path in args.results:
        if not path.is_file():
            parser.error(f"{path}: no such results file")
    rows = list(read_rows(args.results))
    table, models = tally(rows)
    if args.models:
        chosen = [m.strip() for m in args.models.split(",") if m.strip()]
        unknown = [m for m in chosen if m not in models]
        if unknown:
            parser.error(f"--models: {', '.join(unknown)} not in these rows (they have: {', '.join(models)})")
        models = chosen
    if not table:
        print("no always-local / always-cloud rows in these files", file=sys.stderr)
        return 1
    print(render(table, models, args.markdown, args.test_share, untouched(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
