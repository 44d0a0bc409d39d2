"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

from calendar_rules import is_leap_year


def test_docstring_examples():
    assert is_leap_year(2024) is True
    assert is_leap_year(2023) is False
    assert is_leap_year(1900) is False
    assert is_leap_year(2000) is True
