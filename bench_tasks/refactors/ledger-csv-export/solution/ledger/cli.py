"""Command line interface.

    python -m ledger table  FILE.csv [--columns a,b,c]   # print a text table
    python -m ledger export FILE.csv [--columns a,b,c]   # print CSV

``--columns`` is a comma-separated list of column names (spaces around names are
ignored). Invalid input prints ``error: <message>`` to stderr and returns 1.
"""

import argparse
import sys
from collections.abc import Sequence

from ledger.csv_export import export_csv
from ledger.records import load_expenses_file
from ledger.table import render_table


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ledger")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("table", "print a text table"), ("export", "print CSV")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("file", help="expenses CSV file")
        cmd.add_argument("--columns", help="comma-separated column names")
    return parser


def _parse_columns(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    return [name.strip() for name in raw.split(",")]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        expenses = load_expenses_file(args.file)
        columns = _parse_columns(args.columns)
        if args.command == "table":
            output = render_table(expenses, columns)
        else:
            output = export_csv(expenses, columns)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(output)
    return 0
