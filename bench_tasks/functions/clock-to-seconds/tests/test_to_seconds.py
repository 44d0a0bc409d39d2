import pytest

from clock import to_seconds


def test_docstring_examples():
    assert to_seconds("1:02:03") == 3723
    assert to_seconds("5:07") == 307
    assert to_seconds("0:00") == 0
    assert to_seconds("10:00:00") == 36000


@pytest.mark.parametrize(("text", "expected"), [("2:30", 150), ("0:59", 59), ("12:05", 725)])
def test_minutes_and_seconds(text, expected):
    assert to_seconds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("0:01:00", 60), ("12:34:56", 45296), ("1:00:00", 3600)]
)
def test_hours_minutes_and_seconds(text, expected):
    assert to_seconds(text) == expected


def test_parts_without_padding():
    assert to_seconds("0:0:59") == 59
    assert to_seconds("1:2:3") == 3723


@pytest.mark.parametrize("text", ["12", ""])
def test_too_few_parts_raise(text):
    with pytest.raises(ValueError):
        to_seconds(text)


@pytest.mark.parametrize("text", ["1:2:3:4", "1:02:03:04:05"])
def test_too_many_parts_raise(text):
    with pytest.raises(ValueError):
        to_seconds(text)
