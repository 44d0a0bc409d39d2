"""Bracket checking for expressions."""

# Each closing bracket, mapped to the opening bracket that matches it.
PAIRS = {")": "(", "]": "[", "}": "{"}


def is_balanced(text: str) -> bool:
    """Return True if the brackets in ``text`` are balanced.

    The brackets are (), [] and {} (see ``PAIRS``); every other character is
    ignored. The brackets are balanced when every closing bracket matches the
    most recent still-open opening bracket, which must be of the same kind, and
    no opening bracket is left open at the end. A text without brackets is
    balanced.

    Examples: "f(a[1], {b: 2})" -> True; "([)]" -> False; "(()" -> False;
    ")(" -> False; "" -> True.
    """
    stack = []
    openers = set(PAIRS.values())
    for ch in text:
        if ch in openers:
            stack.append(ch)
        elif ch in PAIRS:
            if not stack or stack.pop() != PAIRS[ch]:
                return False
    return not stack
