"""Per-region sales summary: python report.py <sales.csv> [--top N]."""

import argparse
import csv
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def average(total: Decimal, count: int) -> str:
    return money(total / count) if count else "0.00"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=None)
    args = parser.parse_args(argv)

    totals: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    with open(args.path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = row["region"]
            totals[region] = totals.get(region, Decimal(0)) + Decimal(row["amount"])
            counts[region] = counts.get(region, 0) + 1

    regions = sorted(totals, key=lambda r: (-totals[r], r))
    if args.top is not None:
        regions = regions[: args.top]
    lines = ["region,orders,total,average"]
    for region in regions:
        lines.append(f"{region},{counts[region]},{money(totals[region])},{average(totals[region], counts[region])}")
    grand_total = sum(totals.values(), Decimal(0))
    grand_count = sum(counts.values())
    lines.append(f"TOTAL,{grand_count},{money(grand_total)},{average(grand_total, grand_count)}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
