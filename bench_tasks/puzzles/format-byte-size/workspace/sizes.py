"""Human-readable byte sizes such as "1.5 KiB"."""


def format_size(num_bytes: int) -> str:
    """Return ``num_bytes`` as a short human-readable size.

    - ``num_bytes`` must be an int (not a bool) -> else TypeError; negative -> ValueError.
    - Below 1024: ``"<n> B"`` (0 -> "0 B", 1023 -> "1023 B").
    - Otherwise use the largest unit <= num_bytes among KiB = 1024, MiB = 1024**2,
      GiB = 1024**3, TiB = 1024**4 (TiB is the largest unit, also for bigger counts),
      with exactly one decimal: 1536 -> "1.5 KiB", 1048576 -> "1.0 MiB".
    - Exact halves round up: 1280 (1.25 KiB) -> "1.3 KiB".
    - The unit is chosen before rounding: 1048575 -> "1024.0 KiB".
    """
    raise NotImplementedError
