"""Human-readable byte sizes such as "1.5 KiB"."""

_UNITS = ("KiB", "MiB", "GiB", "TiB")


def format_size(num_bytes: int) -> str:
    """Return ``num_bytes`` as a short human-readable size (see the task for the rules)."""
    if isinstance(num_bytes, bool) or not isinstance(num_bytes, int):
        raise TypeError("num_bytes must be an int")
    if num_bytes < 0:
        raise ValueError("num_bytes must not be negative")
    if num_bytes < 1024:
        return f"{num_bytes} B"
    power = 1
    while power < len(_UNITS) and num_bytes >= 1024 ** (power + 1):
        power += 1
    unit = 1024**power
    tenths = (num_bytes * 20 + unit) // (2 * unit)  # round half up, exact integers
    return f"{tenths // 10}.{tenths % 10} {_UNITS[power - 1]}"
