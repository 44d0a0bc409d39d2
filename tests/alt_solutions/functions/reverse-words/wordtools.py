"""Small helpers for working with the words of a sentence."""


def reverse_words(sentence: str) -> str:
    """Return the words of ``sentence`` in reverse order, joined by single spaces.

    Words are the pieces of ``sentence`` separated by whitespace; the characters
    inside each word stay as they are. Leading, trailing and repeated whitespace
    is not kept: the result has exactly one space between words and none at the
    ends. A sentence without words gives "".

    Examples: "the quick fox" -> "fox quick the"; "  hello   world " ->
    "world hello"; "single" -> "single"; "" -> "".
    """
    words = sentence.split()
    words.reverse()
    return " ".join(words)
