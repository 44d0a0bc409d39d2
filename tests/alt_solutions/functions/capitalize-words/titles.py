"""Helpers for formatting titles."""


def capitalize_words(text: str) -> str:
    """Upper-case the first character of every word in ``text``.

    A word is a run of characters between space characters (" "). Only the
    first character of each word changes; the rest of the word is left exactly
    as it is (it is not lower-cased). All spaces are kept, including repeated,
    leading and trailing ones.

    Examples: "hello world" -> "Hello World"; "the iPhone era" ->
    "The IPhone Era"; " two  spaces" -> " Two  Spaces"; "" -> "".
    """
    out = []
    start = True
    for ch in text:
        out.append(ch.upper() if start and ch != " " else ch)
        start = ch == " "
    return "".join(out)
