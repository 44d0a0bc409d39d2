"""Fixed-width text tables.

Cells are formatted with ``ledger.formatting.format_cell``.

Layout: a header row with the column names, a row of dashes, then one row per
expense. Columns are padded to their widest cell and separated by two spaces; the
``amount`` column is right-aligned, all others left-aligned; trailing spaces are
stripped from every line. Lines end with ``"\\n"``.
"""

from collections.abc import Iterable, Sequence

from ledger.formatting import format_cell, resolve_columns
from ledger.records import Expense


def render_table(expenses: Iterable[Expense], columns: Sequence[str] | None = None) -> str:
    """Render ``expenses`` as a text table showing ``columns`` (default: all, in COLUMNS order).

    Raises ValueError for an empty selection, an unknown column name
    (message ``unknown column '<name>'``) or a repeated column.
    """
    cols = resolve_columns(columns)
    rows = [[format_cell(getattr(expense, col)) for col in cols] for expense in expenses]
    widths = [max([len(col)] + [len(row[i]) for row in rows]) for i, col in enumerate(cols)]

    def fmt(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if col == "amount" else cell.ljust(width)
            for col, cell, width in zip(cols, cells, widths)
        ]
        return "  ".join(parts).rstrip()

    lines = [fmt(cols), "  ".join("-" * width for width in widths)]
    lines += [fmt(row) for row in rows]
    return "\n".join(lines) + "\n"
