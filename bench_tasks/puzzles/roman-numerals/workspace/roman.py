"""Conversion between integers and Roman numerals."""


def to_roman(number: int) -> str:
    """Return the Roman numeral for ``number``.

    * ``number`` must be an int in the range 1..3999 (inclusive).
    * Output uses the uppercase letters I V X L C D M and the standard
      subtractive pairs IV, IX, XL, XC, CD, CM, e.g. ``to_roman(1994) == "MCMXCIV"``.
    * Raises ValueError for an int outside 1..3999.
    * Raises TypeError when ``number`` is not an int (e.g. ``5.0`` or ``"5"``).
    """
    raise NotImplementedError


def from_roman(text: str) -> int:
    """Return the integer value of the Roman numeral ``text``.

    * Accepts exactly the strings ``to_roman`` produces (uppercase, canonical);
      ``from_roman(to_roman(n)) == n`` for every n in 1..3999.
    * Raises ValueError for anything else: ``""``, lowercase, whitespace,
      non-Roman characters, or non-canonical forms such as ``"IIII"``, ``"VV"``,
      ``"IC"``, ``"XM"``, ``"IIX"``, ``"VX"``, ``"MMMM"``.
    * Raises TypeError when ``text`` is not a str.
    """
    raise NotImplementedError
