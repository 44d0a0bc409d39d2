def sum_even(numbers: list[int]) -> int:
    """Return the sum of the even numbers in ``numbers``.

    Odd numbers are ignored. Negative even numbers count too (-4 is even).
    An empty list, or a list without even numbers, gives 0.

    >>> sum_even([1, 2, 3, 4])
    6
    >>> sum_even([-4, 5, 10])
    6
    >>> sum_even([])
    0
    """
    total = 0
    for n in numbers:
        if not n & 1:
            total += n
    return total
