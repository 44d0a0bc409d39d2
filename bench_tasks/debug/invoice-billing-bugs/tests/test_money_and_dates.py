from datetime import date
from decimal import Decimal

import pytest

from billing import add_months, days_overdue, due_date, format_money, next_business_day, round_cents


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("2.665", "2.67"), ("2.675", "2.68"), ("10.325", "10.33"), ("-2.665", "-2.67"), ("1.004", "1.00"), ("7", "7.00")],
)
def test_round_cents_half_up(amount, expected):
    assert round_cents(Decimal(amount)) == Decimal(expected)
    assert str(round_cents(Decimal(amount))) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("-1234.5", "-1,234.50 EUR"), ("0", "0.00 EUR"), ("1234567.891", "1,234,567.89 EUR"), ("999.995", "1,000.00 EUR")],
)
def test_format_money(amount, expected):
    assert format_money(Decimal(amount)) == expected


def test_format_money_other_currency():
    assert format_money(Decimal("5"), "CHF") == "5.00 CHF"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 31), 1, date(2025, 1, 31)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 5, 10), 0, date(2024, 5, 10)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 8), date(2024, 3, 8)),    # Friday
        (date(2024, 3, 9), date(2024, 3, 11)),   # Saturday
        (date(2024, 3, 10), date(2024, 3, 11)),  # Sunday
        (date(2024, 3, 11), date(2024, 3, 11)),  # Monday
    ],
)
def test_next_business_day(day, expected):
    assert next_business_day(day) == expected


@pytest.mark.parametrize(
    ("issued", "terms", "expected"),
    [
        (date(2024, 3, 4), "net30", date(2024, 4, 3)),
        (date(2024, 3, 4), "net0", date(2024, 3, 4)),
        (date(2024, 2, 8), "net30", date(2024, 3, 11)),   # lands on a Saturday
        (date(2024, 4, 2), "eom", date(2024, 4, 30)),
        (date(2024, 3, 4), "eom", date(2024, 4, 1)),      # Mar 31 is a Sunday
        (date(2024, 1, 31), "monthly", date(2024, 2, 29)),
        (date(2024, 5, 15), "monthly", date(2024, 6, 17)),  # Jun 15 is a Saturday
    ],
)
def test_due_date(issued, terms, expected):
    assert due_date(issued, terms) == expected


@pytest.mark.parametrize("terms", ["net", "net-5", "30", "monthy", ""])
def test_unknown_terms(terms):
    with pytest.raises(ValueError):
        due_date(date(2024, 3, 4), terms)


def test_days_overdue():
    due = date(2024, 4, 3)
    assert days_overdue(due, date(2024, 4, 1)) == 0
    assert days_overdue(due, due) == 0
    assert days_overdue(due, date(2024, 4, 4)) == 1
    assert days_overdue(due, date(2024, 6, 2)) == 60
