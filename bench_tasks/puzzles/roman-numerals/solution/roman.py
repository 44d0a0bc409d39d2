"""Conversion between integers and Roman numerals."""

_VALUES = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def to_roman(number: int) -> str:
    """Return the Roman numeral for ``number``.

    * ``number`` must be an int in the range 1..3999 (inclusive).
    * Output uses the uppercase letters I V X L C D M and the standard
      subtractive pairs IV, IX, XL, XC, CD, CM, e.g. ``to_roman(1994) == "MCMXCIV"``.
    * Raises ValueError for an int outside 1..3999.
    * Raises TypeError when ``number`` is not an int (e.g. ``5.0`` or ``"5"``).
    """
    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError(f"expected an int, got {type(number).__name__}")
    if not 1 <= number <= 3999:
        raise ValueError(f"{number} is outside 1..3999")
    parts = []
    for value, letters in _VALUES:
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def from_roman(text: str) -> int:
    """Return the integer value of the Roman numeral ``text``.

    * Accepts exactly the strings ``to_roman`` produces (uppercase, canonical);
      ``from_roman(to_roman(n)) == n`` for every n in 1..3999.
    * Raises ValueError for anything else: ``""``, lowercase, whitespace,
      non-Roman characters, or non-canonical forms such as ``"IIII"``, ``"VV"``,
      ``"IC"``, ``"XM"``, ``"IIX"``, ``"VX"``, ``"MMMM"``.
    * Raises TypeError when ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    if not text or any(ch not in _DIGITS for ch in text):
        raise ValueError(f"not a Roman numeral: {text!r}")
    total = 0
    for i, ch in enumerate(text):
        value = _DIGITS[ch]
        if i + 1 < len(text) and _DIGITS[text[i + 1]] > value:
            total -= value
        else:
            total += value
    if not 1 <= total <= 3999 or to_roman(total) != text:
        raise ValueError(f"not a canonical Roman numeral: {text!r}")
    return total
