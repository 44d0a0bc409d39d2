"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

import pytest
import brackets
from brackets import is_balanced


@pytest.mark.parametrize(
    "text",
    ["f(a[1], {b: 2})", "", "abc", "()", "{[()()]}", "[]{}()", "((x))[y]{z}"],
)
def test_balanced(text):
    assert is_balanced(text) is True
