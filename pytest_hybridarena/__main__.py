"""``python -m pytest_hybridarena <command>``: tools that work on tasks and results offline.

Commands:
    tasks [PATH]   list the tasks under PATH (default bench_tasks) by class, with acceptance-test
                   counts, tags and reference-solution size
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_hybridarena.catalog import find_tasks, render_catalog, task_entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytest_hybridarena", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    tasks = sub.add_parser("tasks", help="list the benchmark's tasks")
    tasks.add_argument("path", nargs="?", default="bench_tasks", type=Path)
    args = parser.parse_args(argv)
    if args.command == "tasks":
        if not args.path.is_dir():
            parser.error(f"{args.path} is not a folder")
        entries = [task_entry(folder) for folder in find_tasks(args.path)]
        print(render_catalog(entries))
        return 1 if any(e.spec is None or e.tests is None for e in entries) else 0
    return 2  # pragma: no cover (argparse enforces the command)


if __name__ == "__main__":
    sys.exit(main())
