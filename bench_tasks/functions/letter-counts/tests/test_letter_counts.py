import pytest

from textstats import letter_counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello!", {"h": 1, "e": 1, "l": 2, "o": 1}),
        ("AaA", {"a": 3}),
        ("123 ?", {}),
        ("", {}),
        ("The Cat", {"t": 2, "h": 1, "e": 1, "c": 1, "a": 1}),
        ("a-b a_b", {"a": 2, "b": 2}),
    ],
)
def test_examples(text, expected):
    assert letter_counts(text) == expected


def test_result_is_a_dict():
    assert isinstance(letter_counts("abc"), dict)


def test_keys_are_lower_case():
    result = letter_counts("XYZ xyz")
    assert result == {"x": 2, "y": 2, "z": 2}


def test_digits_spaces_and_punctuation_are_skipped():
    assert letter_counts("a1 b2, c3!") == {"a": 1, "b": 1, "c": 1}


def test_letters_that_do_not_occur_are_absent():
    result = letter_counts("aab")
    assert set(result) == {"a", "b"}
