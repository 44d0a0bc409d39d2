"""Pickup codes for the parcel lockers."""


def check_character(code: str) -> str:
    """Return the check character ("0"-"9" or "X") for a pickup ``code`` (see the task)."""
    digits = []
    for char in code:
        if char in " -":
            continue
        if char not in "0123456789":
            raise ValueError(f"invalid character in pickup code: {char!r}")
        digits.append(int(char))
    if not digits:
        raise ValueError("pickup code has no digits")
    remainder = sum(position * digit for position, digit in enumerate(digits, start=1)) % 11
    return "X" if remainder == 10 else str(remainder)
