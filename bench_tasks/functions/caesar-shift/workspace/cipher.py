"""A toy letter-shifting cipher."""


def shift_letters(text: str, shift: int) -> str:
    """Shift every ASCII letter in ``text`` by ``shift`` places in the alphabet.

    Shifting wraps around the end of the alphabet: "z" shifted by 1 is "a".
    Upper-case letters stay upper-case and lower-case letters stay lower-case.
    ``shift`` may be negative (shift backwards) or larger than 26. Characters
    other than the ASCII letters a-z and A-Z (digits, spaces, punctuation) are
    left unchanged.

    Examples: shift_letters("abc", 1) -> "bcd"; shift_letters("Hello, World!", 3)
    -> "Khoor, Zruog!"; shift_letters("a", -1) -> "z"; shift_letters("xyz", 29)
    -> "abc".
    """
    raise NotImplementedError
