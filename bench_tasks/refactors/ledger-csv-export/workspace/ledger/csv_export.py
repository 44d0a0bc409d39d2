"""CSV export.

Writes a header row followed by one row per expense, using ``csv.writer`` with
its default (excel) dialect and ``"\\n"`` line endings.
"""

import csv
import io
from collections.abc import Iterable

from ledger.records import COLUMNS, Expense


def _format(value: object) -> str:
    if value is None:
        return ""
    return str(value)


def export_csv(expenses: Iterable[Expense]) -> str:
    """Return ``expenses`` as CSV text with all columns in COLUMNS order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for expense in expenses:
        writer.writerow([_format(getattr(expense, col)) for col in COLUMNS])
    return buffer.getvalue()
