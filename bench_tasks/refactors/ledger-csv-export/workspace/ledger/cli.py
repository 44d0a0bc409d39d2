"""Command line interface.

    python -m ledger table  FILE.csv [--columns a,b,c]   # print a text table
    python -m ledger export FILE.csv                     # print CSV

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
    table = sub.add_parser("table", help="print a text table")
    table.add_argument("file", help="expenses CSV file")
    table.add_argument("--columns", help="comma-separated column names")
    export = sub.add_parser("export", help="print CSV")
    export.add_argument("file", help="expenses CSV file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        expenses = load_expenses_file(args.file)
        if args.command == "table":
            columns = None
            if args.columns is not None:
                columns = [name.strip() for name in args.columns.split(",")]
            output = render_table(expenses, columns)
        else:
            output = export_csv(expenses)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(output)
    return 0
