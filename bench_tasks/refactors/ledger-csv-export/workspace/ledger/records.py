"""Expense records and loading them from CSV.

Input CSV has a header row containing (in any order) the columns in ``COLUMNS``:

* ``date``        – ISO date, ``YYYY-MM-DD``
* ``category``    – text
* ``description`` – text
* ``amount``      – decimal number with at most two decimal places, may be negative
* ``reimbursed``  – ``yes`` or ``no``
* ``approver``    – text; an empty cell means "no approver" (``None``)
"""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

COLUMNS = ("date", "category", "description", "amount", "reimbursed", "approver")


@dataclass(frozen=True)
class Expense:
    date: date
    category: str
    description: str
    amount: Decimal
    reimbursed: bool
    approver: str | None


def _parse_row(row: Mapping[str, str], line: int) -> Expense:
    missing = [c for c in COLUMNS if row.get(c) is None]
    if missing:
        raise ValueError(f"line {line}: missing column(s) {', '.join(missing)}")
    try:
        day = date.fromisoformat(row["date"])
    except ValueError:
        raise ValueError(f"line {line}: invalid date {row['date']!r}") from None
    try:
        amount = Decimal(row["amount"])
    except InvalidOperation:
        raise ValueError(f"line {line}: invalid amount {row['amount']!r}") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValueError(f"line {line}: invalid amount {row['amount']!r}")
    flag = row["reimbursed"].strip().lower()
    if flag not in ("yes", "no"):
        raise ValueError(f"line {line}: reimbursed must be yes or no, not {row['reimbursed']!r}")
    return Expense(
        date=day,
        category=row["category"],
        description=row["description"],
        amount=amount,
        reimbursed=flag == "yes",
        approver=row["approver"] or None,
    )


def load_expenses(rows: Iterable[Mapping[str, str]]) -> list[Expense]:
    """Parse dict rows (as produced by ``csv.DictReader``); raise ValueError on bad data."""
    return [_parse_row(row, line) for line, row in enumerate(rows, start=2)]


def load_expenses_file(path: str | Path) -> list[Expense]:
    with open(path, newline="", encoding="utf-8") as fh:
        return load_expenses(csv.DictReader(fh))
