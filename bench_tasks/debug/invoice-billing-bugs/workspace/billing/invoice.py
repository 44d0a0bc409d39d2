"""Invoices."""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.dates import days_overdue, due_date
from billing.money import round_cents

VOLUME_DISCOUNT_THRESHOLD = Decimal("1000.00")
VOLUME_DISCOUNT_RATE = Decimal("0.05")
LATE_FEE_RATE = Decimal("0.015")  # per started 30-day period
LATE_FEE_PERIOD_DAYS = 30


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def net(self) -> Decimal:
        return round_cents(self.quantity * self.unit_price)


class Invoice:
    """An invoice; see README.md for the rules.

    ``lines`` (optional) is copied: the invoice never modifies the caller's list, and
    every invoice created without ``lines`` starts with its own empty list.
    ``due_date`` is computed from ``issue_date`` and ``terms`` at creation.
    """

    def __init__(
        self,
        number: str,
        customer: str,
        issue_date: date,
        terms: str = "net30",
        lines: list[Line] = [],
        tax_rate: Decimal = Decimal("0.20"),
    ) -> None:
        self.number = number
        self.customer = customer
        self.issue_date = issue_date
        self.terms = terms
        self.lines = lines
        self.tax_rate = tax_rate
        self.due_date = due_date(issue_date, terms)

    def add_line(self, description: str, quantity: Decimal, unit_price: Decimal) -> Line:
        line = Line(description, Decimal(quantity), Decimal(unit_price))
        self.lines.append(line)
        return line

    @property
    def subtotal(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal("0.00"))

    @property
    def discount(self) -> Decimal:
        if self.subtotal > VOLUME_DISCOUNT_THRESHOLD:
            return round_cents(self.subtotal * VOLUME_DISCOUNT_RATE)
        return Decimal("0.00")

    @property
    def tax(self) -> Decimal:
        return round_cents((self.subtotal - self.discount) * self.tax_rate)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount + self.tax

    def late_fee(self, today: date) -> Decimal:
        overdue = days_overdue(today, self.due_date)
        periods = math.ceil(overdue / LATE_FEE_PERIOD_DAYS)
        return round_cents(self.total * LATE_FEE_RATE * periods)

    def amount_due(self, today: date) -> Decimal:
        return self.total + self.late_fee(today)
