"""Command line (``python -m logstats ACCESS_LOG [--top N]``) and the text report it prints."""

import argparse
import sys
from collections.abc import Sequence

from logstats.aggregate import summarize
from logstats.parser import Record, parse_lines


def render(records: Sequence[Record], malformed: Sequence[int] = (), top: int = 3) -> str:
    """The text report printed by the CLI."""
    s = summarize(records, top)
    lines = [f"requests: {s.requests}", f"bytes: {s.bytes_total}", f"errors (5xx): {s.error_rate:.1%}"]
    if s.p50_ms is not None:
        lines.append(f"latency ms: p50={s.p50_ms} p95={s.p95_ms} mean={s.mean_ms:.1f}")
    lines.append("status: " + ", ".join(f"{name}={count}" for name, count in s.classes.items()))
    lines.append("top paths:")
    lines += [f"  {count:>6}  {path}" for path, count in s.top]
    lines.append("per hour (UTC):")
    lines += [f"  {hour}  {count}" for hour, count in s.per_hour.items()]
    if malformed:
        lines.append("malformed lines: " + ", ".join(str(n) for n in malformed))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="logstats")
    parser.add_argument("log", help="access log file")
    parser.add_argument("--top", type=int, default=3, help="how many paths to list (default 3)")
    args = parser.parse_args(argv)
    try:
        with open(args.log, encoding="utf-8") as handle:
            records, malformed = parse_lines(handle)
    except OSError as exc:
        print(f"error: cannot read {args.log}: {exc.strerror}", file=sys.stderr)
        return 2
    sys.stdout.write(render(records, malformed, args.top))
    return 0
