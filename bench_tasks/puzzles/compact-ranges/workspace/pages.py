"""Page selections written compactly, e.g. "1-3,5,7-8"."""


def compact_ranges(numbers: list[int]) -> str:
    """Return the distinct ``numbers`` as comma-separated ranges.

    Sort ascending, drop duplicates, and split into runs of consecutive integers:
    a run of two or more is "<first>-<last>", a single number is itself; runs are
    joined with "," and no spaces. ``[1, 2, 3, 5, 7, 8] -> "1-3,5,7-8"``, ``[] -> ""``.
    The input list is not modified. Raises ValueError if any number is negative.
    """
    raise NotImplementedError
