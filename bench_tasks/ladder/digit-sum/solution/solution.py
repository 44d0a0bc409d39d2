def digit_sum(n: int) -> int:
    """Return the sum of the decimal digits of the integer ``n``.

    The sign is ignored: a negative number has the same digit sum as its
    absolute value. The digit sum of 0 is 0.

    Examples: 123 -> 6; 9045 -> 18; -77 -> 14; 0 -> 0.
    """
    return sum(int(d) for d in str(abs(n)))
