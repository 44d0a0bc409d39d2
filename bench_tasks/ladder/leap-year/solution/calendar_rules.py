"""Rules of the Gregorian calendar."""


def is_leap_year(year: int) -> bool:
    """Return True if ``year`` is a leap year in the Gregorian calendar.

    A year is a leap year when it is divisible by 4, except that a year
    divisible by 100 is not a leap year unless it is also divisible by 400.

    Examples: 2024 -> True; 2023 -> False; 1900 -> False; 2000 -> True.
    """
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
