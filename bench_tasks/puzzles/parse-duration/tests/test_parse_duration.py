import pytest

from durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", 90),
        ("1m", 60),
        ("1h", 3600),
        ("1d", 86400),
        ("1w", 604800),
        ("0s", 0),
    ],
)
def test_single_units(text, expected):
    assert parse_duration(text) == expected


def test_combined_components_without_separators():
    assert parse_duration("1h30m") == 5400
    assert parse_duration("1w2d3h4m5s") == 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5


def test_whitespace_between_and_around_components():
    assert parse_duration("2d 4h") == 2 * 86400 + 4 * 3600
    assert parse_duration("  1h   30m  ") == 5400
    assert parse_duration("1h\t30m") == 5400
    assert parse_duration("\n5s\n") == 5


def test_units_are_case_insensitive():
    assert parse_duration("1H30M") == 5400
    assert parse_duration("1W 2D") == 604800 + 2 * 86400
    assert parse_duration("10S") == 10


def test_values_are_not_capped_and_leading_zeros_allowed():
    assert parse_duration("90m") == 5400
    assert parse_duration("100s") == 100
    assert parse_duration("48h") == 172800
    assert parse_duration("007m") == 420
    assert parse_duration("1d 0h 30s") == 86430


def test_units_may_be_skipped():
    assert parse_duration("1d 30s") == 86430
    assert parse_duration("1w5m") == 604800 + 300


def test_large_values():
    assert parse_duration("1000000w") == 1000000 * 604800


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "90",
        "1h30",
        "h",
        "5y",
        "5ms",
        "1hh",
        "-5m",
        "+5m",
        "1.5h",
        "1 h",
        "1h,30m",
        "1h and 30m",
    ],
)
def test_malformed_text_raises_value_error(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["1h 2h", "30m 1h", "1s1m", "2d 1w", "1m 1m"])
def test_repeated_or_out_of_order_units(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["\uff13h", "\u0663m", "1\u00b2s"])
def test_non_ascii_digits_rejected(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("value", [90, None, b"90s"])
def test_parse_rejects_non_str(value):
    with pytest.raises(TypeError):
        parse_duration(value)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "0s"),
        (1, "1s"),
        (59, "59s"),
        (60, "1m"),
        (90, "1m30s"),
        (3600, "1h"),
        (3661, "1h1m1s"),
        (86430, "1d30s"),
        (604800, "1w"),
        (691200, "1w1d"),
        (1209599, "1w6d23h59m59s"),
    ],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


def test_format_rejects_negative():
    with pytest.raises(ValueError):
        format_duration(-1)


@pytest.mark.parametrize("value", [1.5, "60", None])
def test_format_rejects_non_int(value):
    with pytest.raises(TypeError):
        format_duration(value)


def test_round_trip():
    for n in list(range(0, 5000)) + [86399, 86400, 604799, 604800, 10**9]:
        assert parse_duration(format_duration(n)) == n
