import math
from typing import List


def prime_factors(n: int) -> List[int]:
    """Return the prime factors of ``n`` in ascending order, with repeats.

    Multiplying the returned numbers together gives ``n`` back: a prime factor
    that divides ``n`` several times is listed that many times. A prime number
    is its own only factor. Raise ValueError if ``n`` is less than 2.
    (``math.isqrt`` is handy for stopping trial division early.)

    Examples: 12 -> [2, 2, 3]; 13 -> [13]; 100 -> [2, 2, 5, 5]; 2 -> [2].
    """
    if n < 2:
        raise ValueError(n)
    factors = []
    p = 2
    while p * p <= n:
        if n % p == 0:
            factors.append(p)
            n //= p
        else:
            p += 1 if p == 2 else 2
    factors.append(n)
    return factors
