"""Parse access log lines (format: see README.md)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

_LINE = re.compile(
    r"(?P<ts>\S+) (?P<client>\S+) (?P<method>[A-Z]+) (?P<path>/\S*) "
    r"(?P<status>[1-5][0-9]{2}) (?P<size>[0-9]+|-) (?P<duration>[0-9]+)ms"
)


@dataclass(frozen=True)
class Record:
    ts: datetime  # timezone-aware, UTC
    client: str
    method: str
    path: str
    status: int
    size: int
    duration_ms: int


def _timestamp(text: str) -> datetime:
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    ts = datetime.fromisoformat(text)
    if ts.tzinfo is None:
        raise ValueError(f"timestamp without UTC offset: {text!r}")
    return ts.replace(tzinfo=timezone.utc)


def parse_line(line: str) -> Record | None:
    """Parse one line. None for a blank or ``#`` comment line; ValueError if malformed."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    match = _LINE.fullmatch(text)
    if match is None:
        raise ValueError(f"malformed log line: {text!r}")
    size = match["size"]
    return Record(
        ts=_timestamp(match["ts"]),
        client=match["client"],
        method=match["method"],
        path=match["path"].split("?", 1)[0],
        status=int(match["status"]),
        size=0 if size == "-" else int(size),
        duration_ms=int(match["duration"]),
    )


def parse_lines(lines: Iterable[str]) -> tuple[list[Record], list[int]]:
    """Parse every line; return (records, 1-based numbers of the malformed lines)."""
    records: list[Record] = []
    bad: list[int] = []
    for number, line in enumerate(lines):
        try:
            record = parse_line(line)
        except ValueError:
            bad.append(number)
            continue
        if record is not None:
            records.append(record)
    return records, bad
