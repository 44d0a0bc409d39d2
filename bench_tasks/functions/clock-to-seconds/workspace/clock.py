"""Parsing of clock-style durations."""


def to_seconds(text: str) -> int:
    """Convert a duration written as "H:MM:SS" or "M:SS" to a number of seconds.

    With three colon-separated parts they are hours, minutes and seconds; with
    two parts they are minutes and seconds. Each part is a non-negative whole
    number written in decimal digits; it need not be zero-padded. Raise
    ValueError if the text does not have exactly two or three parts.

    Examples: "1:02:03" -> 3723; "1:2:3" -> 3723; "5:07" -> 307; "0:00" -> 0;
    "10:00:00" -> 36000.
    """
    raise NotImplementedError
