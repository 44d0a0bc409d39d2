import pytest

from calendar_rules import is_leap_year


def test_docstring_examples():
    assert is_leap_year(2024) is True
    assert is_leap_year(2023) is False
    assert is_leap_year(1900) is False
    assert is_leap_year(2000) is True


@pytest.mark.parametrize("year", [1996, 2004, 2028, 4])
def test_divisible_by_four(year):
    assert is_leap_year(year) is True


@pytest.mark.parametrize("year", [2001, 2022, 1999, 2019])
def test_not_divisible_by_four(year):
    assert is_leap_year(year) is False


@pytest.mark.parametrize("year", [1800, 2100, 2200, 1700])
def test_centuries_are_not_leap_years(year):
    assert is_leap_year(year) is False


@pytest.mark.parametrize("year", [1600, 2000, 2400])
def test_every_fourth_century_is_a_leap_year(year):
    assert is_leap_year(year) is True
