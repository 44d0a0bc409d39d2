DIGIT_NAMES = ["zero", "one", "two", "three", "four",
               "five", "six", "seven", "eight", "nine"]


def spell_digits(n: int) -> str:
    """Spell out the decimal digits of the integer ``n`` one by one, in English.

    Each digit becomes its name from ``DIGIT_NAMES`` and the names are joined
    with single spaces. A negative number starts with the word "minus".

    Examples: 472 -> "four seven two"; 0 -> "zero"; 105 -> "one zero five";
    -38 -> "minus three eight".
    """
    text = str(n)
    words = ["minus" if ch == "-" else DIGIT_NAMES[int(ch)] for ch in text]
    return " ".join(words)
