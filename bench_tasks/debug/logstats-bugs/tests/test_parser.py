from datetime import datetime, timedelta, timezone

import pytest

from logstats import Record, parse_line, parse_lines

UTC = timezone.utc


def test_parse_line_fields():
    record = parse_line("2024-03-11T05:10:00Z 10.0.0.2 GET /api/items?id=3&x=1 200 1024 20ms\n")
    assert record == Record(
        ts=datetime(2024, 3, 11, 5, 10, tzinfo=UTC),
        client="10.0.0.2",
        method="GET",
        path="/api/items",
        status=200,
        size=1024,
        duration_ms=20,
    )


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2024-03-10T23:59:58-05:00", datetime(2024, 3, 11, 4, 59, 58, tzinfo=UTC)),
        ("2024-03-11T06:15:00+01:00", datetime(2024, 3, 11, 5, 15, tzinfo=UTC)),
        ("2024-12-31T22:30:00-02:30", datetime(2025, 1, 1, 1, 0, tzinfo=UTC)),
        ("2024-03-11T05:10:00+00:00", datetime(2024, 3, 11, 5, 10, tzinfo=UTC)),
    ],
)
def test_timestamps_are_converted_to_utc(stamp, expected):
    record = parse_line(f"{stamp} 1.2.3.4 GET / 200 1 1ms")
    assert record.ts == expected
    assert record.ts.utcoffset() == timedelta(0)
    assert (record.ts.year, record.ts.month, record.ts.day, record.ts.hour, record.ts.minute) == (
        expected.year, expected.month, expected.day, expected.hour, expected.minute,
    )  # fmt: skip


def test_dash_size_is_zero():
    assert parse_line("2024-03-11T05:10:00Z c HEAD /x 304 - 2ms").size == 0


@pytest.mark.parametrize("line", ["", "   \n", "# comment", "  # indented comment"])
def test_ignored_lines(line):
    assert parse_line(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "garbage",
        "2024-03-11T05:10:00Z c GET /x 200 10 5",          # no ms
        "2024-03-11T05:10:00Z c GET /x 2000 10 5ms",       # bad status
        "2024-03-11T05:10:00 c GET /x 200 10 5ms",         # no offset
        "2024-03-11T05:10:00Z c GET x 200 10 5ms",         # path without /
        "2024-13-11T05:10:00Z c GET /x 200 10 5ms",        # bad month
    ],
)
def test_malformed_lines_raise(line):
    with pytest.raises(ValueError):
        parse_line(line)


def test_parse_lines_reports_one_based_line_numbers(log_text):
    records, bad = parse_lines(log_text.splitlines())
    assert bad == [7]
    assert len(records) == 6


def test_parse_lines_first_line_bad():
    records, bad = parse_lines(["nonsense", "2024-03-11T05:10:00Z c GET /x 200 10 5ms", "x y"])
    assert bad == [1, 3]
    assert [r.path for r in records] == ["/x"]
