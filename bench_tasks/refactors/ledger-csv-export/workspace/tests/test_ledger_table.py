from pathlib import Path

from ledger.records import load_expenses_file
from ledger.table import render_table

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "expenses.csv"


def test_example_table():
    assert render_table(load_expenses_file(EXAMPLE), ["date", "amount"]) == (
        "date        amount\n"
        "----------  ------\n"
        "2024-03-01   89.50\n"
        "2024-03-02  142.00\n"
        "2024-03-05  -12.00\n"
    )
