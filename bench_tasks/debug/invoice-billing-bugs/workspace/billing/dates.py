"""Due dates and overdue days."""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, min(day.day, last))


def next_business_day(day: date) -> date:
    """``day`` itself on Monday-Friday, else the following Monday."""
    while day.weekday() > 5:
        day += timedelta(days=1)
    return day


def due_date(issue_date: date, terms: str) -> date:
    """The due date for ``terms`` (``netN``, ``eom`` or ``monthly``), moved off weekends.

    Raises ValueError for unknown terms.
    """
    if terms == "eom":
        raw = issue_date.replace(day=calendar.monthrange(issue_date.year, issue_date.month)[1])
    elif terms == "monthly":
        raw = add_months(issue_date, 1)
    elif terms.startswith("net") and terms[3:].isdigit():
        raw = issue_date + timedelta(days=int(terms[3:]))
    else:
        raise ValueError(f"unknown payment terms: {terms!r}")
    return next_business_day(raw)


def days_overdue(due: date, today: date) -> int:
    """How many days ``today`` is past ``due`` (0 when not past)."""
    return max(0, (today - due).days)
