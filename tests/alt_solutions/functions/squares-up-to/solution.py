def squares_up_to(n: int) -> list[int]:
    """Return the squares of the whole numbers 1, 2, ..., n, in that order.

    When ``n`` is 0 or negative there are no such numbers and the result is an
    empty list.

    >>> squares_up_to(4)
    [1, 4, 9, 16]
    >>> squares_up_to(1)
    [1]
    >>> squares_up_to(0)
    []
    """
    result = []
    i = 1
    while i <= n:
        result.append(i ** 2)
        i += 1
    return result
