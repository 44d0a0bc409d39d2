import pytest

from solution import longest_word


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("a quick brown fox", "quick"),
        ("one two six", "one"),
        ("ab cd efg hij", "efg"),
        ("hi there!", "there!"),
        ("word", "word"),
        ("  spaced    out  ", "spaced"),
    ],
)
def test_examples(sentence, expected):
    assert longest_word(sentence) == expected


@pytest.mark.parametrize("sentence", ["", "   "])
def test_no_words_gives_empty_string(sentence):
    assert longest_word(sentence) == ""


def test_first_of_equal_length_wins():
    assert longest_word("cat dog elephant giraffes antelope") == "elephant"


def test_single_word():
    assert longest_word("supercalifragilistic") == "supercalifragilistic"


def test_longest_at_the_end():
    assert longest_word("a bb ccc dddd") == "dddd"
