import pytest

from cards import mask_number


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("4556737586899855", "############9855"),
        ("12345", "#2345"),
        ("1234-5678", "#####5678"),
        ("abcdefgh", "####efgh"),
    ],
)
def test_masks_all_but_last_four(number, expected):
    assert mask_number(number) == expected


@pytest.mark.parametrize("number", ["1234", "12", "7", ""])
def test_short_strings_are_unchanged(number):
    assert mask_number(number) == number


def test_length_is_kept():
    number = "9" * 19
    assert len(mask_number(number)) == 19


def test_exactly_five_characters():
    assert mask_number("98765") == "#8765"


def test_masked_part_uses_only_hashes():
    result = mask_number("1111222233334444")
    assert result[:-4] == "#" * 12
    assert result[-4:] == "4444"
