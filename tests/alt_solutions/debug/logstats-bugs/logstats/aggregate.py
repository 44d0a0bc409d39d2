"""Aggregations over parsed records."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from logstats.parser import Record
from logstats.stats import mean, percentile


def status_classes(records: Sequence[Record], counts: dict[str, int] | None = None) -> dict[str, int]:
    """Count records per status class ("2xx", ...), added to ``counts`` if given."""
    tally = counts if counts is not None else {}
    for record in records:
        label = str(record.status)[0] + "xx"
        tally[label] = tally.get(label, 0) + 1
    return {label: tally[label] for label in sorted(tally)}


def error_rate(records: Sequence[Record]) -> float:
    """Share of records with a 5xx status (500-599 inclusive); 0.0 for no records."""
    total = len(records)
    if total == 0:
        return 0.0
    return len([r for r in records if r.status in range(500, 600)]) / total


def top_paths(records: Sequence[Record], n: int = 3) -> list[tuple[str, int]]:
    """The ``n`` most requested paths, most requested first, ties alphabetical."""
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        counts[record.path] += 1
    by_path = sorted(counts.items())                                  # alphabetical first...
    by_count = sorted(by_path, key=lambda item: item[1], reverse=True)  # ...stable by count
    return by_count[:n]


def hourly(records: Sequence[Record]) -> dict[str, int]:
    """Requests per UTC hour, keyed ``YYYY-MM-DDTHH:00Z``, chronological."""
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        counts[f"{record.ts:%Y-%m-%dT%H}:00Z"] += 1
    return {hour: counts[hour] for hour in sorted(counts)}


@dataclass(frozen=True)
class Summary:
    requests: int
    bytes_total: int
    error_rate: float
    p50_ms: float | None
    p95_ms: float | None
    mean_ms: float | None
    classes: dict[str, int]
    top: list[tuple[str, int]]
    per_hour: dict[str, int]


def summarize(records: Sequence[Record], top: int = 3) -> Summary:
    """Everything the report shows. Latency fields are None when there are no records."""
    durations = [record.duration_ms for record in records]
    has = bool(durations)
    return Summary(
        requests=len(records),
        bytes_total=sum(record.size for record in records),
        error_rate=error_rate(records),
        p50_ms=percentile(durations, 50) if has else None,
        p95_ms=percentile(durations, 95) if has else None,
        mean_ms=mean(durations) if has else None,
        classes=status_classes(records, {}),
        top=top_paths(records, top),
        per_hour=hourly(records),
    )
