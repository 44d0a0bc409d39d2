import math

import pytest

from solution import prime_factors


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (12, [2, 2, 3]),
        (13, [13]),
        (100, [2, 2, 5, 5]),
        (2, [2]),
        (97, [97]),
        (1024, [2] * 10),
        (360, [2, 2, 2, 3, 3, 5]),
        (2 * 999983, [2, 999983]),
        (3 * 3 * 7 * 11 * 11, [3, 3, 7, 11, 11]),
    ],
)
def test_examples(n, expected):
    assert prime_factors(n) == expected


def test_product_gives_n_back_and_order_is_ascending():
    for n in range(2, 500):
        factors = prime_factors(n)
        assert math.prod(factors) == n
        assert factors == sorted(factors)


@pytest.mark.parametrize("n", [1, 0, -5])
def test_below_two_raises(n):
    with pytest.raises(ValueError):
        prime_factors(n)


def test_prime_numbers_are_their_own_factor():
    for p in [2, 3, 5, 7, 11, 101, 7919]:
        assert prime_factors(p) == [p]


def test_powers_of_a_prime():
    assert prime_factors(3**5) == [3, 3, 3, 3, 3]
    assert prime_factors(49) == [7, 7]
