"""Run-length encoding of strings."""


def encode(text: str) -> str:
    """Run-length encode ``text``.

    Each maximal run of the same character is written as the length of the run
    in decimal, followed by the character. Every run gets its count, even a run
    of length 1. Characters are compared exactly ("a" and "A" differ). The
    encoding of "" is "". ``text`` never contains digits.

    >>> encode("aaabcc")
    '3a1b2c'
    >>> encode("abc")
    '1a1b1c'
    >>> encode("zzzzzzzzzzzz")
    '12z'
    """
    from itertools import groupby

    return "".join(f"{len(list(group))}{ch}" for ch, group in groupby(text))
