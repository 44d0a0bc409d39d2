import pytest

from rpn import eval_rpn


def test_docstring_examples():
    assert eval_rpn(["2", "3", "+"]) == 5
    assert eval_rpn(["10", "4", "-"]) == 6
    assert eval_rpn(["-3", "2", "*"]) == -6
    assert eval_rpn(["5", "1", "2", "+", "4", "*", "+", "3", "-"]) == 14


def test_single_number():
    assert eval_rpn(["7"]) == 7
    assert eval_rpn(["-12"]) == -12


def test_operand_order_for_subtraction():
    assert eval_rpn(["2", "10", "-"]) == -8
    assert eval_rpn(["4", "-2", "-"]) == 6


def test_several_operators_in_a_row():
    assert eval_rpn(["1", "2", "3", "4", "+", "+", "+"]) == 10
    assert eval_rpn(["2", "3", "4", "*", "*"]) == 24


@pytest.mark.parametrize("tokens", [["+"], ["1", "+"], ["*", "1", "2"]])
def test_operator_without_two_values_raises(tokens):
    with pytest.raises(ValueError):
        eval_rpn(tokens)


@pytest.mark.parametrize("tokens", [["1", "2"], ["1", "2", "3", "*"]])
def test_leftover_values_raise(tokens):
    with pytest.raises(ValueError):
        eval_rpn(tokens)


def test_empty_tokens_raise():
    with pytest.raises(ValueError):
        eval_rpn([])
