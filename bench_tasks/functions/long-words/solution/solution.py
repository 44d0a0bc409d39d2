def long_words(words: list[str], min_length: int) -> list[str]:
    """Return the words of ``words`` that have at least ``min_length`` characters.

    The words keep their original order, and a word that appears several times
    in the input appears as often in the result. The input list is not
    modified.

    Examples: long_words(["a", "tree", "is", "green"], 4) -> ["tree", "green"];
    long_words(["ok", "no"], 3) -> []; long_words([], 1) -> [].
    """
    return [w for w in words if len(w) >= min_length]
