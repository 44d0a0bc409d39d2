"""Password policy checks."""


def is_strong(password: str) -> bool:
    """Return True if ``password`` satisfies every rule of this policy:

    - it is at least 8 characters long;
    - it contains at least one upper-case letter (A-Z);
    - it contains at least one lower-case letter (a-z);
    - it contains at least one digit (0-9);
    - it contains no space character (" ").

    Other characters (punctuation, symbols) are allowed but not required.

    Examples: "Secret123" -> True; "secret123" -> False (no upper-case letter);
    "Sec 12345" -> False (a space); "Ab1" -> False (too short).
    """
    return (
        len(password) >= 8
        and any("A" <= c <= "Z" for c in password)
        and any("a" <= c <= "z" for c in password)
        and any("0" <= c <= "9" for c in password)
        and " " not in password
    )
