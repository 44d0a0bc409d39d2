import sys
from itertools import compress


def main() -> None:
    n = int(sys.argv[1])
    if n <= 2:
        print(0)
        return
    # Odd numbers only: index i stands for 2 * i + 1 (index 0, the number 1, is not prime).
    size = n // 2
    odd = bytearray(b"\x01") * size
    odd[0] = 0
    i = 1
    while (2 * i + 1) ** 2 < n:
        if odd[i]:
            p = 2 * i + 1
            start = p * p // 2
            odd[start::p] = bytes(len(range(start, size, p)))
        i += 1
    print(1 + sum(1 for _ in compress(range(size), odd)))


main()
