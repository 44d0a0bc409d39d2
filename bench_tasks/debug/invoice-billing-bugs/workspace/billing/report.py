"""The receivables aging report."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from billing.dates import days_overdue
from billing.invoice import Invoice
from billing.money import format_money

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def bucket_for(days: int) -> str:
    """The aging bucket of an invoice ``days`` overdue."""
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days < 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def aging_report(invoices: Iterable[Invoice], today: date) -> dict[str, Decimal]:
    """Sum ``amount_due(today)`` per bucket; every bucket is present, in BUCKETS order."""
    totals = {name: Decimal("0.00") for name in BUCKETS}
    for invoice in invoices:
        bucket = bucket_for(days_overdue(invoice.due_date, today))
        totals[bucket] += invoice.amount_due(today)
    return totals


def render_aging(invoices: Iterable[Invoice], today: date) -> str:
    """A text table: one ``<bucket:<10><amount:>16>`` row per bucket, then the total."""
    totals = aging_report(invoices, today)
    rows = [f"Aging as of {today.isoformat()}"]
    rows += [f"{name:<10}{format_money(amount):>16}" for name, amount in totals.items()]
    rows.append(f"{'total':<10}{format_money(sum(totals.values(), Decimal('0.00'))):>16}")
    return "\n".join(rows) + "\n"
