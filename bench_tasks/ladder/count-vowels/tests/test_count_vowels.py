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


def test_upper_case_vowels_count():
    assert count_vowels("APPLE") == 2


def test_y_is_not_a_vowel():
    assert count_vowels("yyyYYY") == 0


def test_only_consonants():
    assert count_vowels("bcdfg BCDFG") == 0


def test_every_vowel_once_in_each_case():
    for vowel in "aeiouAEIOU":
        assert count_vowels(vowel) == 1
