from datetime import datetime, timezone

import pytest

from logstats import Record, error_rate, hourly, status_classes, summarize, top_paths


def rec(path="/", status=200, hour=0, duration=10, size=0):
    return Record(datetime(2024, 1, 1, hour, tzinfo=timezone.utc), "c", "GET", path, status, size, duration)


def test_status_classes(records):
    assert status_classes(records) == {"2xx": 3, "4xx": 1, "5xx": 2}


def test_status_classes_repeated_calls_do_not_accumulate(records):
    first = status_classes(records)
    second = status_classes(records)
    assert first == second == {"2xx": 3, "4xx": 1, "5xx": 2}
    assert status_classes([]) == {}


def test_status_classes_adds_to_given_counts():
    counts = {"2xx": 5}
    assert status_classes([rec(status=201), rec(status=301)], counts) == {"2xx": 6, "3xx": 1}


def test_error_rate_counts_500_to_599(records):
    assert error_rate(records) == pytest.approx(2 / 6)
    assert error_rate([rec(status=500), rec(status=200)]) == 0.5
    assert error_rate([rec(status=599), rec(status=499), rec(status=550)]) == pytest.approx(2 / 3)
    assert error_rate([]) == 0.0


def test_top_paths(records):
    assert top_paths(records, 2) == [("/api/items", 2), ("/api/orders", 2)]
    assert top_paths(records, 10) == [("/api/items", 2), ("/api/orders", 2), ("/api/items/7", 1), ("/health", 1)]


def test_top_paths_tie_break_alphabetical():
    data = [rec("/b"), rec("/c"), rec("/a"), rec("/c"), rec("/z"), rec("/z")]
    assert top_paths(data, 3) == [("/c", 2), ("/z", 2), ("/a", 1)]


def test_hourly_is_utc_and_chronological(records):
    assert hourly(records) == {"2024-03-11T04:00Z": 1, "2024-03-11T05:00Z": 3, "2024-03-11T06:00Z": 2}
    assert list(hourly(records)) == sorted(hourly(records))


def test_summarize(records):
    s = summarize(records)
    assert s.requests == 6
    assert s.bytes_total == 512 + 1024 + 64
    assert s.p50_ms == 20
    assert s.p95_ms == 300
    assert s.mean_ms == pytest.approx(491 / 6)
    assert s.classes == {"2xx": 3, "4xx": 1, "5xx": 2}
    assert s.top == [("/api/items", 2), ("/api/orders", 2), ("/api/items/7", 1)]


def test_summarize_twice_is_stable(records):
    assert summarize(records) == summarize(records)


def test_summarize_empty():
    s = summarize([])
    assert (s.requests, s.p50_ms, s.p95_ms, s.mean_ms, s.error_rate) == (0, None, None, None, 0.0)
    assert s.classes == {} and s.top == [] and s.per_hour == {}


def test_cli(tmp_path, log_text, capsys):
    from logstats.cli import main

    path = tmp_path / "access.log"
    path.write_text(log_text, encoding="utf-8")
    assert main([str(path), "--top", "2"]) == 0
    assert capsys.readouterr().out == (
        "requests: 6\n"
        "bytes: 1600\n"
        "errors (5xx): 33.3%\n"
        "latency ms: p50=20 p95=300 mean=81.8\n"
        "status: 2xx=3, 4xx=1, 5xx=2\n"
        "top paths:\n"
        "       2  /api/items\n"
        "       2  /api/orders\n"
        "per hour (UTC):\n"
        "  2024-03-11T04:00Z  1\n"
        "  2024-03-11T05:00Z  3\n"
        "  2024-03-11T06:00Z  2\n"
        "malformed lines: 7\n"
    )


def test_cli_missing_file(tmp_path, capsys):
    from logstats.cli import main

    assert main([str(tmp_path / "nope.log")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
