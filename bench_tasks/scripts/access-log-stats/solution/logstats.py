"""Summarise access logs as JSON: python logstats.py <log> [<log> ...] [--top N]."""

import argparse
import json
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

LINE_RE = re.compile(
    r'(?P<client>[^ ]+) (?P<ident>[^ ]+) (?P<user>[^ ]+) '
    r'\[(?P<ts>[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4})\] '
    r'"(?P<method>[^ "]+) (?P<target>[^ "]+) (?P<protocol>[^ "]+)" '
    r'(?P<status>[0-9]{3}) (?P<size>[0-9]+|-)(?: .*)?'
)
MONTHS = {name: i for i, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}


def parse_timestamp(text):
    """Return the UTC datetime for 'DD/Mon/YYYY:HH:MM:SS +HHMM', or None if invalid."""
    date_part, zone = text.split(" ")
    day, month_name, rest = date_part.split("/")
    year, hour, minute, second = rest.split(":")
    if month_name not in MONTHS:
        return None
    sign = 1 if zone[0] == "+" else -1
    offset_minutes = sign * (int(zone[1:3]) * 60 + int(zone[3:5]))
    try:
        local = datetime(int(year), MONTHS[month_name], int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    return (local - timedelta(minutes=offset_minutes)).replace(tzinfo=timezone.utc)


def parse_line(line):
    match = LINE_RE.fullmatch(line)
    if match is None:
        return None
    status = int(match["status"])
    if not 100 <= status <= 599:
        return None
    when = parse_timestamp(match["ts"])
    if when is None:
        return None
    size = 0 if match["size"] == "-" else int(match["size"])
    return {
        "method": match["method"],
        "path": match["target"].split("?", 1)[0],
        "status": match["status"],
        "size": size,
        "hour": when.strftime("%Y-%m-%dT%H"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("logs", nargs="+")
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args(argv)

    requests = malformed = total_bytes = 0
    status, methods, hours, paths = Counter(), Counter(), Counter(), Counter()
    for name in args.logs:
        with open(name, encoding="utf-8") as handle:
            for raw in handle:
                line = raw.rstrip("\r\n")
                if not line.strip():
                    continue
                entry = parse_line(line)
                if entry is None:
                    malformed += 1
                    continue
                requests += 1
                total_bytes += entry["size"]
                status[entry["status"]] += 1
                methods[entry["method"]] += 1
                hours[entry["hour"]] += 1
                paths[entry["path"]] += 1

    top = sorted(paths.items(), key=lambda item: (-item[1], item[0]))[: args.top]
    report = {
        "requests": requests,
        "malformed": malformed,
        "bytes": total_bytes,
        "status": dict(status),
        "methods": dict(methods),
        "hours": dict(hours),
        "top_paths": [[path, count] for path, count in top],
    }
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
