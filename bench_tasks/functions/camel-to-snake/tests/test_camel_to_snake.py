import pytest

from naming import camel_to_snake


def test_docstring_examples():
    assert camel_to_snake("parseHttpResponse") == "parse_http_response"
    assert camel_to_snake("UserId") == "user_id"
    assert camel_to_snake("getID") == "get_i_d"


def test_leading_capital_gets_no_underscore():
    assert camel_to_snake("A") == "a"
    assert camel_to_snake("HttpServer") == "http_server"


def test_lower_case_names_are_unchanged():
    assert camel_to_snake("already_snake") == "already_snake"
    assert camel_to_snake("x") == "x"


def test_empty_name():
    assert camel_to_snake("") == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [("version2Beta", "version2_beta"), ("loadHtml5Page", "load_html5_page")],
)
def test_digits_are_copied(name, expected):
    assert camel_to_snake(name) == expected


def test_every_upper_case_letter_gets_an_underscore():
    assert camel_to_snake("aBC") == "a_b_c"
