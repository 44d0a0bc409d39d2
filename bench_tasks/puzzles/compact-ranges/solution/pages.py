"""Page selections written compactly, e.g. "1-3,5,7-8"."""


def compact_ranges(numbers: list[int]) -> str:
    """Return the distinct ``numbers`` as comma-separated ranges (see the task)."""
    if any(n < 0 for n in numbers):
        raise ValueError("page numbers must not be negative")
    parts = []
    values = sorted(set(numbers))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        parts.append(str(values[i]) if i == j else f"{values[i]}-{values[j]}")
        i = j + 1
    return ",".join(parts)
