import pytest

from interp import CalcError, EvalError, Interpreter, ParseError, run


def out(src):
    return run(src)


def value(expr):
    """Print one expression and return the printed text without the newline."""
    text = run("print " + expr)
    assert text.endswith("\n") and text.count("\n") == 1
    return text[:-1]


def parse_error(src):
    with pytest.raises(ParseError) as info:
        run(src)
    assert isinstance(info.value, CalcError)
    return info.value


def eval_error(src):
    with pytest.raises(EvalError) as info:
        run(src)
    assert isinstance(info.value, CalcError)
    return info.value


# --- lexical --------------------------------------------------------------------------


def test_empty_and_blank_programs_print_nothing():
    assert out("") == ""
    assert out("\n\n  \t\n;;\n# only a comment\n") == ""


def test_integer_and_decimal_literals():
    assert value("0, 007, 42, 1.5, 0.25, 10.0") == "0 7 42 1.5 0.25 10.0"


def test_big_integers_are_exact():
    assert value("2 ^ 100") == "1267650600228229401496703205376"
    assert value("99999999999999999999 + 1") == "100000000000000000000"


@pytest.mark.parametrize("src", ["print 1.", "print .5", "print 1.2.3", "print 1e5", "print 12abc"])
def test_malformed_numbers(src):
    parse_error(src)


@pytest.mark.parametrize("src", ["print 2 $ 3", "print 1 & 2", "let x = 'a'", "print 3 ! 2", "print \"s\"", "print 1 ** 2"])
def test_invalid_characters_and_operators(src):
    parse_error(src)


def test_comments_are_ignored():
    assert out("print 1 # the answer\n# print 2\nprint 3#tight") == "1\n3\n"


def test_semicolons_and_newlines_separate_statements():
    assert out("print 1; print 2\nprint 3;") == "1\n2\n3\n"


def test_newlines_inside_parentheses_are_ignored():
    src = "let x = (1 +\n  2 +\n  3)\nprint max(x,\n  10,\n  4)\nprint x"
    assert out(src) == "10\n6\n"


def test_two_statements_on_one_line_need_a_separator():
    parse_error("print 1 print 2")
    parse_error("let x = 1 let y = 2")


# --- precedence and associativity ---------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 4 - 3", "3"),
        ("2 * 3 % 4", "2"),
        ("100 / 10 / 5", "2"),
        ("2 ^ 3 ^ 2", "512"),
        ("(2 ^ 3) ^ 2", "64"),
        ("-2 ^ 2", "-4"),
        ("(-2) ^ 2", "4"),
        ("2 ^ -1", "0.5"),
        ("2 ^ -2 ^ 2", "0.0625"),
        ("--2", "2"),
        ("-+-3", "3"),
        ("2 * -3", "-6"),
        ("1 - -1", "2"),
        ("1 + 2 == 3", "1"),
        ("not 1 == 2", "1"),
        ("not 0 and 0", "0"),
        ("1 or 0 and 0", "1"),
        ("0 and 1 or 1", "1"),
        ("not not 5", "1"),
    ],
)
def test_precedence_table(expr, expected):
    assert value(expr) == expected


def test_chained_comparisons_are_parse_errors():
    parse_error("print 1 < 2 < 3")
    parse_error("print 1 == 1 == 1")
    assert value("(1 < 2) < 3") == "1"


def test_if_expression_else_extends_right():
    assert value("if 0 then 1 else 2 + 3") == "5"
    assert value("(if 0 then 1 else 2) + 3") == "5"
    assert value("(if 1 then 1 else 2) + 3") == "4"
    assert value("if 1 then 1 else 2 + 3") == "1"


def test_if_cannot_be_a_bare_operand():
    parse_error("print 1 + if 1 then 2 else 3")
    parse_error("print if 1 then 2")
    parse_error("print if 1 else 2")


def test_nested_if_and_if_as_argument():
    assert value("max(if 0 then 9 else 1, 2)") == "2"
    assert value("if 1 then if 0 then 1 else 2 else 3") == "2"
    assert value("if if 0 then 1 else 0 then 10 else 20") == "20"


def test_not_is_not_an_arithmetic_operand():
    parse_error("print 1 + not 0")
    assert value("1 + (not 0)") == "2"


# --- arithmetic ---------------------------------------------------------------------


def test_division_exact_and_inexact():
    assert value("6 / 3, 7 / 2, 6.0 / 3, -9 / 3, 1 / 3") == "2 3.5 2.0 -3 0.3333333333333333"


def test_floor_division_and_modulo_follow_the_divisor_sign():
    assert value("7 // 2, -7 // 2, 7 // -2, -7 % 3, 7 % -3, 7 % 3") == "3 -4 -4 2 -2 1"
    assert value("7.5 // 2, 7.5 % 2") == "3.0 1.5"


@pytest.mark.parametrize("expr", ["1 / 0", "1 // 0", "1 % 0", "1.5 / 0.0", "5 % 0.0", "1 / (2 - 2)"])
def test_division_by_zero(expr):
    eval_error("print " + expr)


def test_int_float_mixing_and_float_formatting():
    assert value("1 + 2.0, 2 * 0.5, 3 - 3.0") == "3.0 1.0 0.0"
    assert value("0.1 + 0.2") == "0.30000000000000004"
    assert value("10.0 ^ 16") == "1e+16"
    assert value("-0.5 * 3") == "-1.5"


def test_powers():
    assert value("2 ^ 10, 2 ^ -2, 4 ^ 0.5, 2.0 ^ 3, 0 ^ 0, 5 ^ 0") == "1024 0.25 2.0 8.0 1 1"


@pytest.mark.parametrize("expr", ["0 ^ -1", "0.0 ^ -2", "(-8) ^ 0.5", "10.0 ^ 400", "(10 ^ 400) * 1.5"])
def test_power_errors(expr):
    eval_error("print " + expr)


def test_comparisons_give_one_or_zero():
    assert value("1 == 1.0, 2 != 2, 1 < 2, 2 <= 2, 3 > 4, 3 >= 3.5") == "1 0 1 1 0 0"


def test_truthiness_and_logic_results_are_normalised():
    assert value("5 and 7, 0 or 0.0, 0.0 or 3, not 0.0, not -1") == "1 0 1 1 0"


def test_and_or_short_circuit():
    assert value("0 and 1 / 0") == "0"
    assert value("1 or undefined_name") == "1"
    eval_error("print 1 and 1 / 0")
    eval_error("print 0 or nope")


def test_if_evaluates_only_the_chosen_branch():
    assert value("if 1 then 2 else 1 / 0") == "2"
    assert value("if 0 then missing else 3") == "3"


# --- statements ---------------------------------------------------------------------


def test_print_several_values_and_requires_one():
    assert out("print 1, 2.5, -3") == "1 2.5 -3\n"
    parse_error("print")
    parse_error("print 1,")


def test_let_creates_and_updates_variables():
    assert out("let x = 1\nlet x = x + 1\nlet y_2 = x * 10\nprint x, y_2") == "2 20\n"


def test_assignment_without_let_is_a_parse_error():
    parse_error("x = 1")
    parse_error("let x 1")
    parse_error("let = 1")


def test_keywords_cannot_be_names():
    for kw in ["let", "def", "print", "if", "then", "else", "and", "or", "not"]:
        parse_error(f"let {kw} = 1")
        parse_error(f"def {kw}(x) = x")


def test_undefined_variable_is_an_eval_error():
    eval_error("print nope")


def test_expression_statement_evaluates_without_printing():
    assert out("1 + 2\nmax(1, 2)") == ""
    eval_error("1 / 0")


# --- functions ----------------------------------------------------------------------


def test_functions_with_zero_one_and_many_parameters():
    src = "def two() = 2\ndef inc(x) = x + 1\ndef mix(a, b, c) = a * 100 + b * 10 + c\nprint two(), inc(two()), mix(1, 2, 3)"
    assert out(src) == "2 3 123\n"


def test_parameters_hide_globals_and_globals_are_read_at_call_time():
    src = "let x = 1\nlet k = 10\ndef f(x) = x + k\nprint f(5)\nlet k = 100\nprint f(5), x"
    assert out(src) == "15\n105 1\n"


def test_variables_and_functions_have_separate_namespaces():
    assert out("let f = 3\ndef f(x) = x * f\nprint f(f)") == "9\n"


def test_recursion_and_forward_references():
    src = (
        "def fact(n) = if n <= 1 then 1 else n * fact(n - 1)\n"
        "def is_even(n) = if n == 0 then 1 else is_odd(n - 1)\n"
        "def is_odd(n) = if n == 0 then 0 else is_even(n - 1)\n"
        "print fact(20), is_even(10), is_odd(7)"
    )
    assert out(src) == "2432902008176640000 1 1\n"


def test_recursion_100_deep_works():
    src = "def s(n) = if n == 0 then 0 else n + s(n - 1)\nprint s(100)"
    assert out(src) == "5050\n"


def test_runaway_recursion_is_an_eval_error():
    eval_error("def f(n) = f(n + 1)\nprint f(0)")
    eval_error("def g(n) = 1 + g(n)\ng(1)")


def test_interpreter_usable_after_runaway_recursion():
    calc = Interpreter()
    with pytest.raises(EvalError):
        calc.run("def f(n) = f(n)\nf(0)")
    assert calc.run("def t(n) = if n then t(n - 1) + 1 else 0\nprint t(50)") == "50\n"


def test_function_redefinition_replaces():
    assert out("def f(x) = 1\nprint f(0)\ndef f(x, y) = x + y\nprint f(2, 3)") == "1\n5\n"


def test_call_errors():
    eval_error("print nofunc(1)")
    eval_error("def f(x) = x\nprint f()")
    eval_error("def f(x) = x\nprint f(1, 2)")
    eval_error("print f(1)\ndef f(x) = x")  # not defined yet when called
    eval_error("def f(x) = y\nprint f(1)")


def test_duplicate_parameters_and_malformed_defs():
    parse_error("def f(x, x) = 1")
    parse_error("def f(x) x")
    parse_error("def f(x,) = x")
    parse_error("def f(1) = 1")
    parse_error("print max(1, 2,)")


def test_arguments_are_evaluated_before_the_call():
    eval_error("def f(x) = 1\nprint f(1 / 0)")


def test_builtins():
    assert value("abs(-3), abs(2.5), min(4, 2, 8), max(1), max(1, 2.5), sqrt(16), sqrt(2)") == (
        "3 2.5 2 1 2.5 4.0 1.4142135623730951"
    )


@pytest.mark.parametrize("src", ["print abs()", "print abs(1, 2)", "print min()", "print max()", "print sqrt(-1)", "print sqrt(1, 2)"])
def test_builtin_errors(src):
    eval_error(src)


def test_builtins_cannot_be_redefined_but_names_usable_as_variables():
    eval_error("def abs(x) = x")
    assert out("let max = 3\nprint max(max, 2)") == "3\n"


# --- interpreter state and error behaviour ------------------------------------------


def test_state_persists_and_output_is_per_call():
    calc = Interpreter()
    assert calc.run("let a = 2\nprint a") == "2\n"
    assert calc.run("def twice(v) = v * a") == ""
    assert calc.run("print twice(21)") == "42\n"
    assert run("print 1") == "1\n"
    with pytest.raises(EvalError):
        run("print a")  # module-level run is always fresh


def test_parse_error_executes_nothing():
    calc = Interpreter()
    calc.run("let x = 1")
    with pytest.raises(ParseError):
        calc.run("let x = 2\ndef f(n) = n\nlet y = (")
    assert calc.run("print x") == "1\n"
    with pytest.raises(EvalError):
        calc.run("print f(1)")


def test_eval_error_keeps_effects_of_earlier_statements():
    calc = Interpreter()
    with pytest.raises(EvalError):
        calc.run("let x = 5\nlet y = x / 0\nlet z = 1")
    assert calc.run("print x") == "5\n"
    with pytest.raises(EvalError):
        calc.run("print z")


def test_parse_error_line_numbers():
    assert parse_error("let x = 1\nprint x\nlet = 5").line == 3
    assert parse_error("print 1\n\n\nprint 2 @ 3").line == 4
    assert parse_error("# c\nlet a = (1 +\n 2) )").line == 3
    assert parse_error("print 1;print 2 3").line == 1


def test_errors_are_distinct_classes():
    assert issubclass(ParseError, CalcError) and issubclass(EvalError, CalcError)
    assert not issubclass(ParseError, EvalError) and not issubclass(EvalError, ParseError)


def test_a_larger_program():
    src = """
# greatest common divisor and a little number theory
def gcd(a, b) = if b == 0 then abs(a) else gcd(b, a % b)
def lcm(a, b) = abs(a * b) / gcd(a, b)
def fib(n) = if n < 2 then n else fib(n - 1) + fib(n - 2)
def clamp(x, lo, hi) = max(lo, min(x, hi))
let total = gcd(1071, 462); let l = lcm(4, 6)
print total, l, fib(15)
print clamp(15, 0, 10), clamp(-2.5, 0, 10), clamp(7, 0, 10)
print (
  if total > 20 and not l == 12
  then 1
  else 0
)
"""
    assert out(src) == "21 12 610\n10 0 7\n0\n"
