"""Shared cell formatting and column selection for tables and CSV export.

Cell formatting (``format_cell``):

* ``None``            -> ``""``
* ``bool``            -> ``"yes"`` / ``"no"``
* ``Decimal``         -> exactly two decimals, no thousands separator (``"1234.50"``, ``"-12.00"``)
* ``datetime.date``   -> ISO format (``"2024-03-01"``)
* ``str``             -> unchanged
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from ledger.records import COLUMNS


def format_cell(value: object) -> str:
    """Return the display text for one field value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def resolve_columns(columns: Sequence[str] | None) -> tuple[str, ...]:
    """Validate a column selection; ``None`` means all of COLUMNS in order.

    Raises ValueError for an empty selection, an unknown column name
    (message ``unknown column '<name>'``) or a repeated column.
    """
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
