"""Aggregations over parsed records."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from logstats.parser import Record
from logstats.stats import mean, percentile


def status_classes(records: Sequence[Record], counts: dict[str, int] = {}) -> dict[str, int]:
    """Count records per status class ("2xx", ...), added to ``counts`` if given."""
    for record in records:
        key = f"{record.status // 100}xx"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def error_rate(records: Sequence[Record]) -> float:
    """Share of records with a 5xx status (500-599 inclusive); 0.0 for no records."""
    if not records:
        return 0.0
    errors = sum(1 for record in records if 500 < record.status <= 599)
    return errors / len(records)


def top_paths(records: Sequence[Record], n: int = 3) -> list[tuple[str, int]]:
    """The ``n`` most requested paths, most requested first, ties alphabetical."""
    counts = Counter(record.path for record in records)
    return sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)[:n]


def hourly(records: Sequence[Record]) -> dict[str, int]:
    """Requests per UTC hour, keyed ``YYYY-MM-DDTHH:00Z``, chronological."""
    counts = Counter(record.ts.strftime("%Y-%m-%dT%H:00Z") for record in records)
    return dict(sorted(counts.items()))


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
    return Summary(
        requests=len(records),
        bytes_total=sum(record.size for record in records),
        error_rate=error_rate(records),
        p50_ms=percentile(durations, 50) if durations else None,
        p95_ms=percentile(durations, 95) if durations else None,
        mean_ms=mean(durations) if durations else None,
        classes=status_classes(records),
        top=top_paths(records, top),
        per_hour=hourly(records),
    )
