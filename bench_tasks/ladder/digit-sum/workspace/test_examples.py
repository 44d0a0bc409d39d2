"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

from solution import digit_sum


def test_docstring_examples():
    assert digit_sum(123) == 6
    assert digit_sum(9045) == 18
