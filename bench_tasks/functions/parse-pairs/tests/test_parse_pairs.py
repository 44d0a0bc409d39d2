import pytest

from settings import parse_pairs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a=1; b=two", {"a": "1", "b": "two"}),
        ("url = x=y ;", {"url": "x=y"}),
        ("a=", {"a": ""}),
        ("a=1;a=2", {"a": "2"}),
        ("", {}),
        ("name=Ada", {"name": "Ada"}),
    ],
)
def test_examples(text, expected):
    assert parse_pairs(text) == expected


def test_blank_segments_are_skipped():
    assert parse_pairs("  ;  ; k = v  ;;") == {"k": "v"}


def test_inner_spaces_of_a_value_are_kept():
    assert parse_pairs("greeting = hello world ") == {"greeting": "hello world"}


def test_last_duplicate_wins_among_others():
    assert parse_pairs("x=1; y=2; x=3") == {"x": "3", "y": "2"}


@pytest.mark.parametrize("text", ["novalue", "a=1; oops", "a=1;  ; b"])
def test_segment_without_equals_raises(text):
    with pytest.raises(ValueError):
        parse_pairs(text)
