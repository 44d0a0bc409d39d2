"""Pickup codes for the parcel lockers."""


def check_character(code: str) -> str:
    """Return the check character ("0"-"9" or "X") for a pickup ``code``.

    ``code`` holds ASCII digits, optionally grouped with spaces and hyphens (both
    ignored). Any other character, or no digit at all, raises ValueError.
    Multiply each digit by its 1-based position counted from the left, add the
    products, and take the sum modulo 11: 0-9 give that digit, 10 gives "X".
    Examples: "12345" -> "0", "24" -> "X", "0123" -> "9", "4715-2093" -> "6".
    """
    raise NotImplementedError
