"""Turn arbitrary text into an ASCII URL slug."""


def slugify(text: str, max_len: int | None = None, sep: str = "-") -> str:
    """Return an ASCII slug for ``text``.

    Argument checks: ``text`` must be a str (TypeError); ``sep`` must be a
    non-empty str with no ASCII letters or digits (ValueError); ``max_len`` must
    be None or an int >= 1 (ValueError).

    Pipeline, in this order:
      1. ``unicodedata.normalize("NFKD", text)``
      2. drop characters with ``unicodedata.combining(c) != 0``
      3. replace: ß ẞ -> "ss", æ Æ -> "ae", œ Œ -> "oe", ø Ø -> "o",
         đ Đ ð Ð -> "d", ł Ł -> "l", þ Þ -> "th", & -> " and "
      4. delete apostrophes U+0027 and U+2019
      5. lowercase ASCII A-Z
      6. words = maximal runs of [a-z0-9]; everything else separates words;
         slug = words joined by ``sep`` ("" when there are no words)

    Truncation when ``max_len`` is set and the slug is longer: keep the most
    leading whole words that fit in ``max_len`` (separators count); if the first
    word alone is too long, return its first ``max_len`` characters.
    """
    raise NotImplementedError
