"""Behaviour that already works in the workspace and must keep working."""

from datetime import date
from decimal import Decimal

import pytest

from ledger.records import COLUMNS, Expense, load_expenses
from ledger.table import render_table

ROWS = (
    "2024-03-01,travel,Train to Lyon,89.5,yes,Dana\n"
    '2024-03-02,meals,"Dinner, client visit",142.00,no,\n'
    "2024-03-05,office,Printer toner,-12.00,yes,Sam\n"
)

FULL_TABLE = (
    "date        category  description           amount  reimbursed  approver\n"
    "----------  --------  --------------------  ------  ----------  --------\n"
    "2024-03-01  travel    Train to Lyon          89.50  yes         Dana\n"
    "2024-03-02  meals     Dinner, client visit  142.00  no\n"
    "2024-03-05  office    Printer toner         -12.00  yes         Sam\n"
)


def test_columns_constant():
    assert COLUMNS == ("date", "category", "description", "amount", "reimbursed", "approver")


def test_table_all_columns(run_cli):
    code, out, err = run_cli("table", ROWS)
    assert (code, err) == (0, "")
    assert out == FULL_TABLE


def test_table_selected_columns(run_cli):
    code, out, _ = run_cli("table", ROWS, "--columns", "amount, reimbursed ,date")
    assert code == 0
    assert out == (
        "amount  reimbursed  date\n"
        "------  ----------  ----------\n"
        " 89.50  yes         2024-03-01\n"
        "142.00  no          2024-03-02\n"
        "-12.00  yes         2024-03-05\n"
    )


def test_table_is_not_escaped():
    expense = Expense(date(2024, 1, 2), "+misc", "=SUM(A1)", Decimal("-3"), False, "@boss")
    assert render_table([expense], ["category", "description", "approver"]) == (
        "category  description  approver\n"
        "--------  -----------  --------\n"
        "+misc     =SUM(A1)     @boss\n"
    )


def test_table_with_no_rows():
    assert render_table([], ["date", "amount"]) == "date  amount\n----  ------\n"


@pytest.mark.parametrize("columns", [[], ["date", "date"], ["date", "nope"]])
def test_table_rejects_bad_columns(columns):
    with pytest.raises(ValueError):
        render_table([], columns)


def test_table_unknown_column_cli(run_cli):
    code, out, err = run_cli("table", ROWS, "--columns", "date,nope")
    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
    assert "unknown column 'nope'" in err


def test_loading_still_validates():
    good = dict(zip(COLUMNS, ["2024-01-01", "x", "y", "1.50", "no", ""]))
    assert load_expenses([good])[0] == Expense(date(2024, 1, 1), "x", "y", Decimal("1.50"), False, None)
    with pytest.raises(ValueError):
        load_expenses([{**good, "reimbursed": "maybe"}])
    with pytest.raises(ValueError):
        load_expenses([{**good, "amount": "1.234"}])
