def unique_in_order(items: list[str]) -> list[str]:
    """Return ``items`` without repeats, keeping the first occurrence of each.

    The result contains every distinct item once, in the order of its first
    appearance in ``items``. Comparison is exact (case-sensitive). The input
    list is not modified.

    Examples: ["b", "a", "b", "c", "a"] -> ["b", "a", "c"];
    ["x", "X", "x"] -> ["x", "X"]; [] -> [].
    """
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result
