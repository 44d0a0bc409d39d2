"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

import pytest
from solution import count_vowels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 2),
        ("AEIOU aeiou", 10),
        ("rhythm", 0),
        ("", 0),
        ("Yellow", 2),
        ("Programming in Python", 5),
        ("12345 !?", 0),
        ("Queue", 4),
    ],
)
def test_counts(text, expected):
    assert count_vowels(text) == expected
