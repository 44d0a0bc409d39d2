import pytest

from solution import squares_up_to


def test_examples():
    assert squares_up_to(4) == [1, 4, 9, 16]
    assert squares_up_to(1) == [1]
    assert squares_up_to(0) == []


@pytest.mark.parametrize("n", [-1, -10])
def test_negative_gives_empty_list(n):
    assert squares_up_to(n) == []


def test_ten():
    assert squares_up_to(10) == [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]


def test_length_and_last_value():
    result = squares_up_to(100)
    assert len(result) == 100
    assert result[-1] == 10000


def test_two():
    assert squares_up_to(2) == [1, 4]
