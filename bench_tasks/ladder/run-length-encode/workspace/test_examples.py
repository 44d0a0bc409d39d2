"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

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
