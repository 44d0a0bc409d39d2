"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

from rpn import eval_rpn


def test_docstring_examples():
    assert eval_rpn(["2", "3", "+"]) == 5
    assert eval_rpn(["10", "4", "-"]) == 6
    assert eval_rpn(["-3", "2", "*"]) == -6
    assert eval_rpn(["5", "1", "2", "+", "4", "*", "+", "3", "-"]) == 14
