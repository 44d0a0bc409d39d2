"""Word statistics for the spelling game."""


def count_double_letter_words(text: str) -> int:
    """Return how many words in ``text`` contain a doubled letter.

    A word is a maximal run of ASCII letters A-Z/a-z; any other character (digits,
    apostrophes, hyphens, whitespace, punctuation, non-ASCII letters) separates
    words. A word counts once if two adjacent letters are equal ignoring case
    ("Aardvark" counts). Example: "Bookkeeper needs coffee" -> 3.
    """
    raise NotImplementedError
