"""Command line interface.

    python -m shop receipt --catalog CATALOG.json ORDER.json   # print the receipt
    python -m shop total   --catalog CATALOG.json ORDER.json   # print only the total, e.g. "135.00"

Exit status 0 on success. Invalid or unreadable input prints ``error: <message>``
to stderr and exits with status 1.
"""

import argparse
import json
import sys
from collections.abc import Sequence

from shop.catalog import load_catalog_file
from shop.errors import ShopError
from shop.orders import load_order_file
from shop.pricing import price_order
from shop.receipt import render_receipt


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shop")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("receipt", "print a receipt"), ("total", "print the order total")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--catalog", required=True, help="catalog JSON file")
        cmd.add_argument("order", help="order JSON file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        catalog = load_catalog_file(args.catalog)
        order = load_order_file(args.order, catalog)
    except (ShopError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    priced = price_order(order)
    if args.command == "receipt":
        sys.stdout.write(render_receipt(priced))
    else:
        print(priced.total)
    return 0
