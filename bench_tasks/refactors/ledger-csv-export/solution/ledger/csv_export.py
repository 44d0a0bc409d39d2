"""CSV export.

Writes a header row (the selected column names) followed by one row per expense,
using ``csv.writer`` with its default (excel) dialect and ``"\\n"`` line endings.

Cells are formatted with ``ledger.formatting.format_cell`` (the same text the table
shows). To stop spreadsheets from evaluating cells as formulas, a cell whose value is
a ``str`` and whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote (``'``). Non-text cells (dates, amounts such
as ``-12.00``, yes/no, an empty approver) and the header row are never prefixed.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from ledger.formatting import format_cell, resolve_columns
from ledger.records import Expense

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    text = format_cell(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_csv(expenses: Iterable[Expense], columns: Sequence[str] | None = None) -> str:
    """Return ``expenses`` as CSV text showing ``columns`` (default: all, in COLUMNS order).

    Column selection works exactly like ``render_table``: ValueError for an empty
    selection, an unknown column name (``unknown column '<name>'``) or a repeated column.
    """
    cols = resolve_columns(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(cols)
    for expense in expenses:
        writer.writerow([_csv_cell(getattr(expense, col)) for col in cols])
    return buffer.getvalue()
