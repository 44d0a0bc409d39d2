"""Turn arbitrary text into an ASCII URL slug."""

import re
import unicodedata

_TABLE = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "&": " and ",
        "'": None,
        "\u2019": None,
    }
)
_WORD = re.compile(r"[a-z0-9]+")
_ALNUM = re.compile(r"[A-Za-z0-9]")


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
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if not isinstance(sep, str) or not sep or _ALNUM.search(sep):
        raise ValueError(f"invalid separator: {sep!r}")
    if max_len is not None and (
        not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1
    ):
        raise ValueError(f"max_len must be None or an int >= 1, not {max_len!r}")

    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if unicodedata.combining(ch) == 0)
    # Steps 3 and 4: the table maps both the replacements and the deletions; the
    # replacement outputs contain no apostrophes, so one pass is equivalent.
    folded = folded.translate(_TABLE)
    # Step 5: lowercase ASCII only (non-ASCII characters become separators anyway).
    folded = "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in folded)
    words = _WORD.findall(folded)

    if max_len is None:
        return sep.join(words)
    if not words:
        return ""
    if len(words[0]) > max_len:
        return words[0][:max_len]
    kept = [words[0]]
    length = len(words[0])
    for word in words[1:]:
        length += len(sep) + len(word)
        if length > max_len:
            break
        kept.append(word)
    return sep.join(kept)
