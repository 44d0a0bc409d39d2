import random

import pytest

from lockers import check_character


def expected_for(digits: str) -> str:
    """The ticket's algorithm, written independently for the generated cases."""
    total = 0
    for position, char in enumerate(digits, start=1):
        total += position * (ord(char) - ord("0"))
    remainder = total % 11
    return "X" if remainder == 10 else chr(ord("0") + remainder)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("12345", "0"), ("24", "X"), ("0123", "9"), ("123", "3"), ("4715-2093", "6"), ("7", "7")],
)
def test_examples_from_the_ticket(code, expected):
    assert check_character(code) == expected


def test_single_digits_are_their_own_check():
    for digit in "0123456789":
        assert check_character(digit) == digit


def test_remainder_ten_gives_x():
    assert check_character("1111") == "X"  # 1 + 2 + 3 + 4 = 10
    assert check_character("0000000001") == "X"  # 10 * 1
    assert check_character("007") == "X"  # 3 * 7 = 21, 21 % 11 = 10


def test_result_is_a_one_character_string():
    for code in ["12345", "24", "98765", "3141592653"]:
        result = check_character(code)
        assert isinstance(result, str)
        assert len(result) == 1
        assert result in "0123456789X"


def test_leading_zeros_are_real_digits():
    assert check_character("0123") == "9"
    assert check_character("123") == "3"
    assert check_character("000024") == "1"  # 5*2 + 6*4 = 34
    assert check_character("0000") == "0"


def test_weights_count_from_the_left():
    assert check_character("1000000000") == "1"
    assert check_character("2400") == "X"  # trailing zeros add nothing
    assert check_character("19") == "8"  # 1 + 18 = 19
    assert check_character("91") == "0"  # 9 + 2 = 11


def test_spaces_and_hyphens_are_ignored():
    assert check_character("4715 2093") == "6"
    assert check_character("47-15-20-93") == "6"
    assert check_character(" 4715 - 2093 ") == "6"
    assert check_character("1-2-3-4-5") == "0"
    assert check_character("--24--") == "X"
    assert check_character("314-159-2653") == check_character("3141592653") == "6"


@pytest.mark.parametrize(
    "code",
    ["12a45", "A123", "12.34", "12_34", "12\t34", "12/34", "+123", "12\n", "1 2 3x"],
)
def test_other_characters_raise_value_error(code):
    with pytest.raises(ValueError):
        check_character(code)


@pytest.mark.parametrize("code", ["12\u0663", "\u0665\u0665", "1\uff15", "\u00b2", "\u2460"])
def test_non_ascii_digits_raise_value_error(code):
    with pytest.raises(ValueError):
        check_character(code)


@pytest.mark.parametrize("code", ["", " ", "-", " - ", "---", "  "])
def test_codes_without_digits_raise_value_error(code):
    with pytest.raises(ValueError):
        check_character(code)


def test_generated_codes_match_the_rule():
    rng = random.Random(20240611)
    for _ in range(300):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 24)))
        assert check_character(digits) == expected_for(digits), digits


def test_generated_grouped_codes_match_the_rule():
    rng = random.Random(77)
    for _ in range(200):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 16)))
        typed = "".join(char + rng.choice(["", "", " ", "-", " - "]) for char in digits)
        assert check_character(typed) == expected_for(digits), typed


def test_long_code():
    digits = "9" * 100
    # 9 * (1 + 2 + ... + 100) = 9 * 5050 = 45450, 45450 % 11 = 9
    assert check_character(digits) == "9"
