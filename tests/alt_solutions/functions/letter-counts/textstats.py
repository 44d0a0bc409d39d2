"""Statistics about pieces of text."""

from collections import Counter
from typing import Dict


def letter_counts(text: str) -> Dict[str, int]:
    """Count how often each letter occurs in ``text``, ignoring case.

    Only letters are counted (characters for which ``str.isalpha()`` is true);
    digits, spaces and punctuation are skipped. The upper- and lower-case forms
    of a letter count as the same letter, and the keys of the result are
    lower-case letters. Letters that do not occur are not in the result.
    ``collections.Counter`` may be used, but return a dict.

    Examples: "Hello!" -> {"h": 1, "e": 1, "l": 2, "o": 1}; "AaA" -> {"a": 3};
    "123 ?" -> {}.
    """
    counts: Dict[str, int] = {}
    for ch in text.lower():
        if ch.isalpha():
            counts[ch] = counts.get(ch, 0) + 1
    return counts
