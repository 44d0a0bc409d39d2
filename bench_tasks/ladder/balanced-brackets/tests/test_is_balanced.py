import pytest

import brackets
from brackets import is_balanced


@pytest.mark.parametrize(
    "text",
    ["f(a[1], {b: 2})", "", "abc", "()", "{[()()]}", "[]{}()", "((x))[y]{z}"],
)
def test_balanced(text):
    assert is_balanced(text) is True


@pytest.mark.parametrize(
    "text",
    ["([)]", "(()", ")(", "}", "((((", "[(])", "())", "{]", "a)b(c"],
)
def test_unbalanced(text):
    assert is_balanced(text) is False


def test_pairs_constant_is_kept():
    assert brackets.PAIRS == {")": "(", "]": "[", "}": "{"}


def test_only_closing_or_only_opening_brackets():
    assert is_balanced("]]") is False
    assert is_balanced("{{") is False


def test_deep_nesting():
    assert is_balanced("(" * 50 + "[x]" + ")" * 50) is True
    assert is_balanced("(" * 50 + ")" * 49) is False
