"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

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
