"""Count the primes below N: python primes.py N."""

import sys


def count_primes(n: int) -> int:
    """Sieve of Eratosthenes over a bytearray; slice assignment crosses out in C."""
    if n < 3:
        return 0
    sieve = bytearray([1]) * n
    sieve[0] = sieve[1] = 0
    for i in range(2, int((n - 1) ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, n, i)))
    return sum(sieve)


if __name__ == "__main__":
    print(count_primes(int(sys.argv[1])))
