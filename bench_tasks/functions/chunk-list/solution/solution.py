def chunk(items: list, size: int) -> list:
    """Split ``items`` into consecutive pieces of ``size`` items each.

    Return a list of lists. Every piece has exactly ``size`` items, except the
    last one, which holds whatever is left over (it is never empty). An empty
    ``items`` gives an empty list. Raise ValueError if ``size`` is less than 1.

    Examples: chunk([1, 2, 3, 4, 5], 2) -> [[1, 2], [3, 4], [5]];
    chunk([1, 2, 3], 3) -> [[1, 2, 3]]; chunk([], 4) -> [].
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]
