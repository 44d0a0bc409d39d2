import pytest

from solution import acronym


def test_docstring_examples():
    assert acronym("portable network graphics") == "PNG"
    assert acronym("self-contained underwater breathing apparatus") == "SCUBA"
    assert acronym("") == ""


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("as soon as possible", "ASAP"), ("x", "X"), ("graphics processing unit", "GPU")],
)
def test_lower_case_words_are_upper_cased(phrase, expected):
    assert acronym(phrase) == expected


def test_hyphens_separate_words():
    assert acronym("do-it-yourself") == "DIY"


def test_repeated_separators_are_ignored():
    assert acronym("Random  access - memory") == "RAM"
    assert acronym("end--to--end") == "ETE"


def test_leading_and_trailing_separators():
    assert acronym("  leading space") == "LS"
    assert acronym("trailing hyphen-") == "TH"


def test_only_first_character_of_each_word():
    assert acronym("HyperText Markup Language") == "HML"
