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
    parts = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        parts.append(f"{j - i}{text[i]}")
        i = j
    return "".join(parts)
