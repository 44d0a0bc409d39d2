import string

DIGITS = string.digits + string.ascii_lowercase


def to_base(n: int, base: int) -> str:
    """Write the integer ``n`` in the given ``base`` (2 to 36).

    Digit values 0-35 are written with the characters of ``DIGITS``: "0"-"9",
    then lower-case "a"-"z". There are no leading zeros and no prefix such as
    "0x". Zero is "0" in every base, and a negative number is "-" followed by
    the digits of its absolute value. Raise ValueError if ``base`` is less than
    2 or greater than 36.

    Examples: to_base(10, 2) -> "1010"; to_base(255, 16) -> "ff";
    to_base(-35, 36) -> "-z"; to_base(0, 7) -> "0".
    """
    raise NotImplementedError
