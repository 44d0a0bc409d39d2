"""Fixed-width text tables.

Cell formatting:

* ``None``            -> ``""``
* ``bool``            -> ``"yes"`` / ``"no"``
* ``Decimal``         -> exactly two decimals, no thousands separator (``"1234.50"``, ``"-12.00"``)
* ``datetime.date``   -> ISO format (``"2024-03-01"``)
* ``str``             -> unchanged

Layout: a header row with the column names, a row of dashes, then one row per
expense. Columns are padded to their widest cell and separated by two spaces; the
``amount`` column is right-aligned, all others left-aligned; trailing spaces are
stripped from every line. Lines end with ``"\\n"``.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from ledger.records import COLUMNS, Expense


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _resolve_columns(columns: Sequence[str] | None) -> tuple[str, ...]:
    if columns is None:
        return COLUMNS
    selected = tuple(columns)
    if not selected:
        raise ValueError("no columns selected")
    for name in selected:
        if name not in COLUMNS:
            raise ValueError(f"unknown column {name!r}")
    if len(set(selected)) != len(selected):
        raise ValueError("duplicate column")
    return selected


def render_table(expenses: Iterable[Expense], columns: Sequence[str] | None = None) -> str:
    """Render ``expenses`` as a text table showing ``columns`` (default: all, in COLUMNS order).

    Raises ValueError for an empty selection, an unknown column name
    (message ``unknown column '<name>'``) or a repeated column.
    """
    cols = _resolve_columns(columns)
    rows = [[_cell(getattr(expense, col)) for col in cols] for expense in expenses]
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
