"""Merge two inventory JSON files.

python merge_inventory.py <base.json> <update.json> --output <merged.json> [--prefer base|update]
"""

import argparse
import json
import sys


class DuplicateSku(Exception):
    pass


def load_items(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    items = {}
    for item in data["items"]:
        if item["sku"] in items:
            raise DuplicateSku(f"duplicate sku {item['sku']!r} in {path}")
        items[item["sku"]] = item
    return items


def normalised(record, qty, tags):
    return {
        "sku": record["sku"],
        "name": record["name"],
        "qty": qty,
        "price": record["price"],
        "updated": record["updated"],
        "tags": sorted(set(tags)),
    }


def merge(base, update, prefer):
    counts = {"base": 0, "update": 0, "both": 0, "dropped": 0}
    merged = []
    for sku in sorted(set(base) | set(update)):
        old, new = base.get(sku), update.get(sku)
        if old is not None and new is not None:
            counts["both"] += 1
            if old["updated"] > new["updated"] or (old["updated"] == new["updated"] and prefer == "base"):
                winner = old
            else:
                winner = new
            qty = old["qty"] + new["qty"]
            tags = list(old.get("tags", [])) + list(new.get("tags", []))
        else:
            winner = old if old is not None else new
            counts["base" if old is not None else "update"] += 1
            qty = winner["qty"]
            tags = winner.get("tags", [])
        if winner.get("discontinued", False):
            counts["dropped"] += 1
            continue
        merged.append(normalised(winner, qty, tags))
    return merged, counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base")
    parser.add_argument("update")
    parser.add_argument("--output", required=True)
    parser.add_argument("--prefer", choices=["base", "update"], default="update")
    args = parser.parse_args(argv)
    try:
        base = load_items(args.base)
        update = load_items(args.update)
    except DuplicateSku as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    items, counts = merge(base, update, args.prefer)
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"items": items}, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(
        f"merged: {len(items)} items ({counts['base']} base only, {counts['update']} update only, "
        f"{counts['both']} both, {counts['dropped']} discontinued)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
