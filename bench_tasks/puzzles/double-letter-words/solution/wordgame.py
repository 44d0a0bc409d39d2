"""Word statistics for the spelling game."""

import re


def count_double_letter_words(text: str) -> int:
    """Return how many words in ``text`` contain a doubled letter (see the task)."""
    count = 0
    for word in re.findall(r"[A-Za-z]+", text):
        lower = word.lower()
        if any(a == b for a, b in zip(lower, lower[1:])):
            count += 1
    return count
