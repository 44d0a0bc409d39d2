import pytest

from rle import encode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aaabcc", "3a1b2c"),
        ("abc", "1a1b1c"),
        ("zzzzzzzzzzzz", "12z"),
        ("a", "1a"),
        ("aabaa", "2a1b2a"),
        ("aAa", "1a1A1a"),
        ("  x", "2 1x"),
        ("bbbbbbbbbbbbbbbbbbbbbbbbbc", "25b1c"),
    ],
)
def test_examples(text, expected):
    assert encode(text) == expected


def test_empty_string():
    assert encode("") == ""


def test_same_character_in_separate_runs_is_not_merged():
    assert encode("xyxyx") == "1x1y1x1y1x"


def test_single_characters():
    assert encode("a") == "1a"
    assert encode("Q") == "1Q"


def test_upper_and_lower_case_are_different_runs():
    assert encode("aaAA") == "2a2A"
