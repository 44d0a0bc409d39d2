def longest_word(sentence: str) -> str:
    """Return the longest word in ``sentence``.

    Words are separated by whitespace and compared by their number of
    characters (punctuation attached to a word counts as part of it). When
    several words share the greatest length, return the one that comes first.
    A sentence without words gives "".

    >>> longest_word("a quick brown fox")
    'quick'
    >>> longest_word("one two six")
    'one'
    >>> longest_word("")
    ''
    """
    raise NotImplementedError
