"""Alternative solution for access-log-stats, written from the ticket alone.

Parses each line with plain string operations (no whole-line regex) and converts
timestamps with datetime.strptime's %z.
"""

import json
import sys
from collections import defaultdict
from datetime import datetime, timezone

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ascii_digits(text, length=None):
    return bool(text) and all("0" <= ch <= "9" for ch in text) and (length is None or len(text) == length)


def _utc_hour(stamp):
    # stamp: 'DD/Mon/YYYY:HH:MM:SS +HHMM'
    if len(stamp) != 26 or stamp[20] != " " or stamp[21] not in "+-":
        return None
    date_time, zone = stamp[:20], stamp[21:]
    parts = [date_time[0:2], date_time[3:6], date_time[7:11], date_time[12:14], date_time[15:17], date_time[18:20]]
    separators = (date_time[2], date_time[6], date_time[11], date_time[14], date_time[17])
    if separators != ("/", "/", ":", ":", ":") or parts[1] not in MONTHS:
        return None
    if not all(_ascii_digits(p) for i, p in enumerate(parts) if i != 1) or not _ascii_digits(zone[1:], 4):
        return None
    try:
        moment = datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")


def parse(line):
    """Return (method, path, status, size, hour) or None if malformed."""
    head, sep, rest = line.partition(" [")
    if not sep:
        return None
    who = head.split(" ")
    if len(who) != 3 or any(not part for part in who):
        return None
    stamp, sep, rest = rest.partition("] \"")
    if not sep:
        return None
    hour = _utc_hour(stamp)
    if hour is None:
        return None
    request, sep, rest = rest.partition("\" ")
    if not sep or '"' in request:
        return None
    pieces = request.split(" ")
    if len(pieces) != 3 or not all(pieces):
        return None
    method, target, _protocol = pieces
    tail = rest.split(" ", 2)
    if len(tail) < 2:
        return None
    status, size = tail[0], tail[1]
    if not _ascii_digits(status, 3) or not 100 <= int(status) <= 599:
        return None
    if size == "-":
        nbytes = 0
    elif _ascii_digits(size):
        nbytes = int(size)
    else:
        return None
    return method, target.split("?")[0], status, nbytes, hour


def main(argv):
    files, top = [], 3
    i = 0
    while i < len(argv):
        if argv[i] == "--top":
            top = int(argv[i + 1])
            i += 2
        elif argv[i].startswith("--top="):
            top = int(argv[i].split("=", 1)[1])
            i += 1
        else:
            files.append(argv[i])
            i += 1
    if not files or top < 1:
        print("usage: logstats.py <logfile> [<logfile> ...] [--top N]", file=sys.stderr)
        return 2

    tallies = {key: defaultdict(int) for key in ("status", "methods", "hours", "paths")}
    requests = malformed = total = 0
    for name in files:
        with open(name, encoding="utf-8") as fh:
            for raw in fh.read().splitlines():
                if raw.strip() == "":
                    continue
                entry = parse(raw)
                if entry is None:
                    malformed += 1
                    continue
                method, path, status, nbytes, hour = entry
                requests += 1
                total += nbytes
                tallies["status"][status] += 1
                tallies["methods"][method] += 1
                tallies["hours"][hour] += 1
                tallies["paths"][path] += 1

    ranked = sorted(tallies["paths"].items(), key=lambda kv: (-kv[1], kv[0]))
    report = {
        "bytes": total,
        "hours": dict(tallies["hours"]),
        "malformed": malformed,
        "methods": dict(tallies["methods"]),
        "requests": requests,
        "status": dict(tallies["status"]),
        "top_paths": [list(kv) for kv in ranked[:top]],
    }
    sys.stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
