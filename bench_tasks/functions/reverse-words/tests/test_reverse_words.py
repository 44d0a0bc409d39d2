import pytest

from wordtools import reverse_words


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("the quick fox", "fox quick the"),
        ("single", "single"),
        ("a b", "b a"),
        ("one two three four", "four three two one"),
    ],
)
def test_examples(sentence, expected):
    assert reverse_words(sentence) == expected


def test_extra_whitespace_is_collapsed():
    assert reverse_words("  hello   world ") == "world hello"


def test_tabs_and_newlines_separate_words():
    assert reverse_words("a\tb\nc") == "c b a"


def test_punctuation_stays_inside_words():
    assert reverse_words("Hi, there!") == "there! Hi,"


@pytest.mark.parametrize("sentence", ["", "   ", "\t\n"])
def test_no_words_gives_empty_string(sentence):
    assert reverse_words(sentence) == ""


def test_letters_inside_words_are_not_reversed():
    assert reverse_words("abc def") == "def abc"
