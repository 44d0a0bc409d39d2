import pytest

from cipher import shift_letters


@pytest.mark.parametrize(
    ("text", "shift", "expected"),
    [
        ("abc", 1, "bcd"),
        ("Hello, World!", 3, "Khoor, Zruog!"),
        ("a", -1, "z"),
        ("xyz", 29, "abc"),
        ("Zz", 1, "Aa"),
        ("abc", -27, "zab"),
        ("ABC", 52, "ABC"),
    ],
)
def test_examples(text, shift, expected):
    assert shift_letters(text, shift) == expected


def test_zero_shift_is_identity():
    assert shift_letters("Same text.", 0) == "Same text."


def test_non_letters_are_unchanged():
    assert shift_letters("123 !? -_", 5) == "123 !? -_"


def test_shifting_back_restores_the_text():
    text = "The Quick Brown Fox, 2024!"
    assert shift_letters(shift_letters(text, 11), -11) == text


def test_full_alphabet_shift_is_identity():
    assert shift_letters("Alphabet", 26) == "Alphabet"
    assert shift_letters("Alphabet", -52) == "Alphabet"
