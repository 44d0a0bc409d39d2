import pytest

from wordrank import top_words


@pytest.mark.parametrize(
    ("text", "k", "expected"),
    [
        ("b a c b a b", 2, ["b", "a"]),
        ("x y z", 2, ["x", "y"]),
        ("The the THE cat", 5, ["the", "cat"]),
        ("d c b a", 3, ["a", "b", "c"]),
        ("one", 1, ["one"]),
        ("apple pear apple fig pear kiwi apple", 3, ["apple", "pear", "fig"]),
    ],
)
def test_examples(text, k, expected):
    assert top_words(text, k) == expected


def test_k_zero_gives_empty_list():
    assert top_words("a b c", 0) == []


def test_empty_text_gives_empty_list():
    assert top_words("", 3) == []


def test_punctuation_is_part_of_the_word():
    assert top_words("hi hi! hi", 2) == ["hi", "hi!"]


def test_ties_after_higher_counts_are_alphabetical():
    text = "zeta zeta alpha beta beta gamma"
    assert top_words(text, 4) == ["beta", "zeta", "alpha", "gamma"]
