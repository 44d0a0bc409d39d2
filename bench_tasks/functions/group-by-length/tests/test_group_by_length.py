import pytest

from solution import group_by_length


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["hi", "sun", "to", "sky"], {2: ["hi", "to"], 3: ["sun", "sky"]}),
        (["a", "a"], {1: ["a", "a"]}),
        ([], {}),
        ([""], {0: [""]}),
        (["tree", "a", "bb", "leaf", "c"], {4: ["tree", "leaf"], 1: ["a", "c"], 2: ["bb"]}),
    ],
)
def test_examples(words, expected):
    assert group_by_length(words) == expected


def test_lengths_that_do_not_occur_are_absent():
    result = group_by_length(["a", "abc"])
    assert set(result) == {1, 3}


def test_input_is_not_modified():
    words = ["bb", "a"]
    group_by_length(words)
    assert words == ["bb", "a"]


def test_each_group_keeps_input_order():
    assert group_by_length(["bb", "aa", "cc"]) == {2: ["bb", "aa", "cc"]}


def test_repeated_words_are_listed_each_time():
    assert group_by_length(["go", "go", "run", "go"]) == {2: ["go", "go", "go"], 3: ["run"]}
