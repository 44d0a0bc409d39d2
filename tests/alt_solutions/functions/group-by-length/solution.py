from typing import Dict, List


def group_by_length(words: List[str]) -> Dict[int, List[str]]:
    """Group ``words`` by their length.

    The result maps each length that occurs to the list of the words of that
    length, in the order they appear in ``words``. Repeated words are kept
    (each occurrence is listed). Lengths that no word has are not keys.

    Examples: ["hi", "sun", "to", "sky"] -> {2: ["hi", "to"], 3: ["sun", "sky"]};
    ["a", "a"] -> {1: ["a", "a"]}; [] -> {}.
    """
    from collections import defaultdict

    groups: Dict[int, List[str]] = defaultdict(list)
    for word in words:
        groups[len(word)].append(word)
    return dict(groups)
