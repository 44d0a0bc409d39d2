"""Parse access log lines (format: see README.md)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class Record:
    ts: datetime  # timezone-aware, UTC
    client: str
    method: str
    path: str
    status: int
    size: int
    duration_ms: int


def _utc(text: str) -> datetime:
    ts = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    offset = ts.utcoffset()
    if offset is None:
        raise ValueError(f"timestamp without UTC offset: {text!r}")
    # Subtract the offset explicitly, then mark the result as UTC.
    return (ts.replace(tzinfo=None) - offset).replace(tzinfo=timezone.utc)


def _digits(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"not a number: {text!r}")
    return int(text)


def parse_line(line: str) -> Record | None:
    """Parse one line. None for a blank or ``#`` comment line; ValueError if malformed."""
    text = line.strip()
    if text == "" or text[0] == "#":
        return None
    fields = text.split(" ")
    if len(fields) != 7:
        raise ValueError(f"malformed log line: {text!r}")
    stamp, client, method, path, status, size, duration = fields
    if not client or not (method.isascii() and method.isalpha() and method.isupper()):
        raise ValueError(f"malformed log line: {text!r}")
    if not path.startswith("/") or len(status) != 3 or status[0] not in "12345":
        raise ValueError(f"malformed log line: {text!r}")
    if not duration.endswith("ms"):
        raise ValueError(f"malformed log line: {text!r}")
    return Record(
        ts=_utc(stamp),
        client=client,
        method=method,
        path=path.partition("?")[0],
        status=_digits(status),
        size=0 if size == "-" else _digits(size),
        duration_ms=_digits(duration[:-2]),
    )


def parse_lines(lines: Iterable[str]) -> tuple[list[Record], list[int]]:
    """Parse every line; return (records, 1-based numbers of the malformed lines)."""
    records: list[Record] = []
    bad: list[int] = []
    number = 0
    for line in lines:
        number += 1
        try:
            record = parse_line(line)
        except ValueError:
            bad.append(number)
        else:
            if record is not None:
                records.append(record)
    return records, bad


