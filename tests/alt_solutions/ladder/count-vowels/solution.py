def count_vowels(text: str) -> int:
    """Count the vowels in ``text``.

    The vowels are a, e, i, o and u, in lower or upper case. The letter y is
    not a vowel. Every other character (consonants, digits, spaces,
    punctuation) is ignored.

    Examples: "hello" has 2 vowels, "AEIOU aeiou" has 10, "rhythm" has 0 and
    "" has 0.
    """
    count = 0
    for ch in text.lower():
        if ch in ("a", "e", "i", "o", "u"):
            count += 1
    return count
