"""Count change-list entries per type: python tally.py <changes.txt>."""

import sys
from collections import Counter


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    counts: Counter[str] = Counter()
    with open(args[0], encoding="utf-8") as handle:
        for line in handle:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            kind, colon, _ = text.partition(":")
            kind = kind.strip().lower()
            counts[kind if colon and kind else "other"] += 1
    for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"{kind}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
