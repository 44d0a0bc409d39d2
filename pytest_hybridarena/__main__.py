"""``python -m pytest_hybridarena <command>``: tools that work on tasks and results offline.

Commands:
    tasks [PATH]   list the tasks under PATH (default bench_tasks) by class, with acceptance-test
                   counts, tags and reference-solution size
    report IN...   re-analyze run folders / results.jsonl / legacy raw.jsonl offline: print the
                   tables, write aggregate.json and summary.md (docs/report.md)
    compare A B    pair the cells two runs share and print B − A per cell with its interval and
                   verdict (docs/report.md)
    provision HOST make a host ready for xdist workers over ssh: same version, same task tree
                   (docs/scaling.md)
    serve-model NAME
                   serve an embedded model (catalogue name or .gguf) with llama-cpp-python's
                   OpenAI-compatible server, for the openai: backend of many hosts (docs/scaling.md)
    pricing refresh
                   rebuild the price table from LiteLLM's bundled cost map and print the diff
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pytest_hybridarena import pricing_refresh, provision, serve_model
from pytest_hybridarena.results import compare, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytest_hybridarena", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    tasks = sub.add_parser("tasks", help="list the benchmark's tasks")
    tasks.add_argument("path", nargs="?", default="bench_tasks", type=Path)
    report.add_arguments(sub.add_parser("report", help="re-analyze results offline"))
    compare.add_arguments(sub.add_parser("compare", help="compare two runs cell by cell"))
    pricing_refresh.add_arguments(sub.add_parser("pricing", help="maintain the price table"))
    provision.add_arguments(sub.add_parser("provision", help="make a host ready for ssh workers"))
    serve_model.add_arguments(sub.add_parser("serve-model", help="serve an embedded model over HTTP"))
    args = parser.parse_args(argv)
    if args.command == "report":
        return report.run(args, promote=_promote)
    if args.command == "compare":
        return compare.run(args)
    if args.command == "serve-model":
        return serve_model.run(args)
    if args.command == "provision":
        return provision.run(args)
    if args.command == "pricing":
        return pricing_refresh.run(args)
    if args.command == "tasks":
        from pytest_hybridarena.run.catalog import find_tasks, render_catalog, task_entry  # scoring, sandbox

        if not args.path.is_dir():
            parser.error(f"{args.path} is not a folder")
        entries = [task_entry(folder) for folder in find_tasks(args.path)]
        print(render_catalog(entries))
        return 1 if any(e.spec is None or e.tests is None for e in entries) else 0
    return 2  # pragma: no cover (argparse enforces the command)


def _promote(rows: list[Any], args: argparse.Namespace) -> int:
    """``report --promote``: the promotion step on the rows the report just read."""
    from pytest_hybridarena.promotion.promote import PromotionSettings, promote_command

    settings = PromotionSettings(margin=args.margin / 100.0, resamples=args.resamples)
    return promote_command(rows, args.inputs, args.roles, args.out or Path("reports"), settings)


if __name__ == "__main__":
    sys.exit(main())
