"""A few examples of the calc language (the full acceptance suite is larger)."""

import pytest

from interp import EvalError, Interpreter, ParseError, run


def test_print_arithmetic():
    assert run("print 1 + 2 * 3, (1 + 2) * 3") == "7 9\n"


def test_division_results():
    assert run("print 6 / 3, 7 / 2") == "2 3.5\n"


def test_variables_and_functions():
    src = "let r = 2\ndef area(r) = 3 * r ^ 2\nprint area(r + 1), r"
    assert run(src) == "27 2\n"


def test_state_persists_in_an_interpreter():
    calc = Interpreter()
    assert calc.run("let x = 40") == ""
    assert calc.run("print x + 2") == "42\n"


def test_division_by_zero_is_an_eval_error():
    with pytest.raises(EvalError):
        run("print 1 / 0")


def test_parse_error_reports_line():
    with pytest.raises(ParseError) as info:
        run("print 1\nprint 2 +* 3")
    assert info.value.line == 2
