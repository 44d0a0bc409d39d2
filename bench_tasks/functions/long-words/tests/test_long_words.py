from solution import long_words


def test_examples():
    assert long_words(["a", "tree", "is", "green"], 4) == ["tree", "green"]
    assert long_words(["ok", "no"], 3) == []
    assert long_words([], 1) == []


def test_exact_length_is_kept():
    assert long_words(["abc", "ab", "abcd"], 3) == ["abc", "abcd"]


def test_duplicates_are_kept_in_order():
    assert long_words(["bird", "x", "bird", "cat"], 3) == ["bird", "bird", "cat"]


def test_zero_keeps_everything():
    assert long_words(["", "a", "bb"], 0) == ["", "a", "bb"]


def test_input_is_not_modified():
    words = ["long", "s"]
    long_words(words, 2)
    assert words == ["long", "s"]
