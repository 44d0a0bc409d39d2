"""Ranking words by how often they are used."""

from collections import Counter
from typing import List


def top_words(text: str, k: int) -> List[str]:
    """Return the ``k`` most frequent words of ``text``, most frequent first.

    Words are the whitespace-separated pieces of ``text``, lower-cased (no
    other cleaning). A word with a higher count comes first; words with the
    same count are in alphabetical order. If there are fewer than ``k``
    distinct words, return all of them. ``k`` is never negative, and k = 0
    gives []. ``collections.Counter`` may be used; note that its
    ``most_common`` does not order ties alphabetically.

    Examples: top_words("b a c b a b", 2) -> ["b", "a"];
    top_words("x y z", 2) -> ["x", "y"];
    top_words("The the THE cat", 5) -> ["the", "cat"].
    """
    counts = Counter(text.lower().split())
    ranked = sorted(counts, key=lambda word: (-counts[word], word))
    return ranked[:k]
