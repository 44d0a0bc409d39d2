import pytest

from wordgame import count_double_letter_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello world", 1),
        ("Bookkeeper needs coffee", 3),
        ("the cat sat", 0),
        ("ll", 1),
        ("a", 0),
    ],
)
def test_basic_counts(text, expected):
    assert count_double_letter_words(text) == expected


def test_empty_and_blank_text():
    assert count_double_letter_words("") == 0
    assert count_double_letter_words("   \n\t ") == 0


def test_comparison_ignores_case():
    assert count_double_letter_words("Aardvark") == 1
    assert count_double_letter_words("aA") == 1
    assert count_double_letter_words("BALLOON") == 1


def test_word_with_several_doubles_counts_once():
    assert count_double_letter_words("bookkeeper") == 1
    assert count_double_letter_words("Mississippi") == 1


def test_repeated_words_each_count():
    assert count_double_letter_words("all all all") == 3


def test_non_letters_split_words():
    assert count_double_letter_words("a-a b'b c_c d1d e.e") == 0
    assert count_double_letter_words("coffee2go") == 1
    assert count_double_letter_words("don't") == 0
    assert count_double_letter_words("won't tell") == 1


def test_punctuation_around_words():
    assert count_double_letter_words('"Well," she said. "Too soon!"') == 3


def test_non_ascii_letters_separate_words():
    assert count_double_letter_words("xééx") == 0
    assert count_double_letter_words("Straße") == 0
    assert count_double_letter_words("café apple") == 1
    assert count_double_letter_words("naïïve") == 0


def test_digits_are_not_letters():
    assert count_double_letter_words("1100 2020") == 0
    assert count_double_letter_words("a11a") == 0


def test_multiline_text():
    text = "Green trees\nand tall grass\n\nby the brook"
    assert count_double_letter_words(text) == 5
