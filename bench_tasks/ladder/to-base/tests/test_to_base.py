import pytest

import solution
from solution import to_base


@pytest.mark.parametrize(
    ("n", "base", "expected"),
    [
        (10, 2, "1010"),
        (255, 16, "ff"),
        (-35, 36, "-z"),
        (0, 7, "0"),
        (0, 2, "0"),
        (1, 2, "1"),
        (8, 8, "10"),
        (35, 36, "z"),
        (36, 36, "10"),
        (-255, 2, "-11111111"),
        (123456789, 10, "123456789"),
    ],
)
def test_examples(n, base, expected):
    assert to_base(n, base) == expected


@pytest.mark.parametrize("base", [2, 3, 7, 10, 16, 29, 36])
def test_round_trip_through_int(base):
    for n in [0, 1, 5, 99, 1000, 65535, -77, 10**12]:
        assert int(to_base(n, base), base) == n


@pytest.mark.parametrize("base", [0, 1, 37, -2])
def test_bad_base_raises(base):
    with pytest.raises(ValueError):
        to_base(10, base)


def test_digits_constant_is_kept():
    assert solution.DIGITS == "0123456789abcdefghijklmnopqrstuvwxyz"


def test_letters_are_lower_case():
    assert to_base(3054, 16) == "bee"
    assert to_base(35, 36) == "z"
