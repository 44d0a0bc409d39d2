"""Display helpers for payment cards."""


def mask_number(number: str) -> str:
    """Hide all but the last four characters of ``number``.

    Every character before the last four is replaced by "#", so the result has
    the same length as the input. A string of four characters or fewer is
    returned unchanged.

    Examples: "4556737586899855" -> "############9855"; "12345" -> "#2345";
    "1234" -> "1234"; "" -> "".
    """
    raise NotImplementedError
