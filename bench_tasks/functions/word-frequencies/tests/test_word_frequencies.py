import pytest

from solution import word_frequencies


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cat saw the dog.", {"the": 2, "cat": 1, "saw": 1, "dog": 1}),
        ("Yes! yes? YES", {"yes": 3}),
        ("see e.g. this", {"see": 1, "e.g": 1, "this": 1}),
        ("", {}),
        ("... !", {}),
    ],
)
def test_examples(text, expected):
    assert word_frequencies(text) == expected


def test_other_characters_are_kept():
    assert word_frequencies("don't stop, don't") == {"don't": 2, "stop": 1}


def test_any_whitespace_separates():
    assert word_frequencies("a\tb\na  b") == {"a": 2, "b": 2}


def test_punctuation_on_both_ends():
    assert word_frequencies("?!hello;: (world)") == {"hello": 1, "(world)": 1}


def test_upper_case_is_folded():
    assert word_frequencies("Hello HELLO hello") == {"hello": 3}
