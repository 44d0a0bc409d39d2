"""billing: invoices, due dates, late fees and aging."""

from billing.dates import add_months, days_overdue, due_date, next_business_day
from billing.invoice import Invoice, Line
from billing.money import format_money, round_cents
from billing.report import BUCKETS, aging_report, render_aging

__all__ = [
    "BUCKETS",
    "Invoice",
    "Line",
    "add_months",
    "aging_report",
    "days_overdue",
    "due_date",
    "format_money",
    "next_business_day",
    "render_aging",
    "round_cents",
]
