import pytest

from titles import capitalize_words


def test_docstring_examples():
    assert capitalize_words("hello world") == "Hello World"
    assert capitalize_words("the iPhone era") == "The IPhone Era"
    assert capitalize_words(" two  spaces") == " Two  Spaces"


def test_empty_string():
    assert capitalize_words("") == ""


@pytest.mark.parametrize(("text", "expected"), [("a", "A"), ("word", "Word")])
def test_single_word(text, expected):
    assert capitalize_words(text) == expected


def test_rest_of_word_is_not_lower_cased():
    assert capitalize_words("mcDonald rOAD") == "McDonald ROAD"
    assert capitalize_words("ALREADY Done") == "ALREADY Done"


def test_spaces_are_kept():
    assert capitalize_words("trailing ") == "Trailing "
    assert capitalize_words("a  b   c") == "A  B   C"


def test_non_letters_at_the_start_stay():
    assert capitalize_words("3 little pigs") == "3 Little Pigs"
