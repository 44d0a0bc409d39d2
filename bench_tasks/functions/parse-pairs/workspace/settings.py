"""Parsing of compact "key=value" settings strings."""

from typing import Dict


def parse_pairs(text: str) -> Dict[str, str]:
    """Parse a string like "a=1; b=two" into a dict of strings.

    Pairs are separated by ";". Each pair is split at its FIRST "=" into a key
    and a value, and whitespace is stripped from both ends of the key and of
    the value. Segments that are empty or only whitespace are skipped (so a
    trailing ";" is fine). When a key appears more than once, the last value
    wins. Raise ValueError for a non-blank segment that contains no "=".

    Examples: "a=1; b=two" -> {"a": "1", "b": "two"}; "url = x=y ;" ->
    {"url": "x=y"}; "a=" -> {"a": ""}; "a=1;a=2" -> {"a": "2"}; "" -> {}.
    """
    raise NotImplementedError
