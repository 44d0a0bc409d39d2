"""Shared formatting, CSV column selection, formula escaping and the export CLI."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from ledger.csv_export import export_csv
from ledger.records import Expense
from ledger.table import render_table

ROWS = (
    "2024-03-01,travel,Train to Lyon,89.5,yes,Dana\n"
    '2024-03-02,meals,"Dinner, client visit",142.00,no,\n'
    "2024-03-05,office,Printer toner,-12.00,yes,Sam\n"
)

EXPENSES = [
    Expense(date(2024, 3, 1), "travel", "Train to Lyon", Decimal("89.5"), True, "Dana"),
    Expense(date(2024, 3, 2), "meals", "Dinner, client visit", Decimal("142.00"), False, None),
    Expense(date(2024, 3, 5), "office", "Printer toner", Decimal("-12"), True, "Sam"),
]


def parse(text):
    return list(csv.reader(io.StringIO(text)))


# --- 1. shared formatting -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (Decimal("89.5"), "89.50"),
        (Decimal("-12"), "-12.00"),
        (Decimal("1234567.25"), "1234567.25"),
        (Decimal("0"), "0.00"),
        (date(2024, 3, 1), "2024-03-01"),
        ("text, as is", "text, as is"),
        ("=SUM(A1)", "=SUM(A1)"),
        ("", ""),
    ],
)
def test_format_cell(value, expected):
    from ledger.formatting import format_cell

    assert format_cell(value) == expected


def test_csv_uses_table_formatting():
    assert export_csv(EXPENSES) == (
        "date,category,description,amount,reimbursed,approver\n"
        "2024-03-01,travel,Train to Lyon,89.50,yes,Dana\n"
        '2024-03-02,meals,"Dinner, client visit",142.00,no,\n'
        "2024-03-05,office,Printer toner,-12.00,yes,Sam\n"
    )


def test_csv_cells_match_table_cells():
    columns = ["amount", "reimbursed", "date", "approver"]
    table_lines = render_table(EXPENSES, columns).splitlines()[2:]
    csv_rows = parse(export_csv(EXPENSES, columns))[1:]
    for table_line, row in zip(table_lines, csv_rows, strict=True):
        assert table_line.split() == [cell for cell in row if cell != ""]


# --- 2. column selection --------------------------------------------------


def test_csv_selected_columns_in_given_order():
    assert export_csv(EXPENSES, ["amount", "date"]) == (
        "amount,date\n89.50,2024-03-01\n142.00,2024-03-02\n-12.00,2024-03-05\n"
    )


def test_csv_single_column_and_explicit_all_columns():
    assert parse(export_csv(EXPENSES, ("approver",))) == [["approver"], ["Dana"], [""], ["Sam"]]
    everything = ["date", "category", "description", "amount", "reimbursed", "approver"]
    assert export_csv(EXPENSES, everything) == export_csv(EXPENSES)
    assert export_csv(EXPENSES, None) == export_csv(EXPENSES)


def test_csv_with_no_rows_has_header_only():
    assert export_csv([], ["description", "amount"]) == "description,amount\n"


@pytest.mark.parametrize("columns", [[], ["date", "date"], ["amount", "Amount"], ["total"]])
def test_csv_rejects_bad_columns(columns):
    with pytest.raises(ValueError):
        export_csv(EXPENSES, columns)


def test_csv_unknown_column_message():
    with pytest.raises(ValueError, match="unknown column 'total'"):
        export_csv(EXPENSES, ["date", "total"])


# --- 3. formula escaping --------------------------------------------------


def test_csv_escapes_formula_like_text():
    expenses = [
        Expense(date(2024, 1, 1), "=cat", "=SUM(A1:A3)", Decimal("1"), False, "+boss"),
        Expense(date(2024, 1, 2), "@home", "-5 refund", Decimal("-5"), True, "-"),
        Expense(date(2024, 1, 3), "misc", "\tindented", Decimal("2.5"), False, None),
    ]
    rows = parse(export_csv(expenses))
    assert rows[0] == ["date", "category", "description", "amount", "reimbursed", "approver"]
    assert rows[1] == ["2024-01-01", "'=cat", "'=SUM(A1:A3)", "1.00", "no", "'+boss"]
    assert rows[2] == ["2024-01-02", "'@home", "'-5 refund", "-5.00", "yes", "'-"]
    assert rows[3] == ["2024-01-03", "misc", "'\tindented", "2.50", "no", ""]


def test_csv_escapes_leading_carriage_return():
    # Whether csv.writer quotes a field containing "\r" varies between Python versions,
    # so only check that the apostrophe is in front of it.
    text = export_csv([Expense(date(2024, 1, 1), "c", "\rx", Decimal("1"), False, None)], ["description"])
    assert "'\rx" in text


def test_csv_escaping_checks_only_the_first_character():
    expenses = [
        Expense(date(2024, 1, 1), "a=b", " =SUM(A1)", Decimal("0"), False, "x@y"),
        Expense(date(2024, 1, 2), "'quoted", "1+1", Decimal("3"), False, None),
    ]
    rows = parse(export_csv(expenses, ["category", "description", "approver"]))
    assert rows[1:] == [["a=b", " =SUM(A1)", "x@y"], ["'quoted", "1+1", ""]]


def test_negative_amounts_are_not_escaped():
    text = export_csv([Expense(date(2024, 1, 1), "c", "d", Decimal("-0.5"), False, None)], ["amount"])
    assert text == "amount\n-0.50\n"


def test_escaped_cells_are_still_csv_quoted():
    text = export_csv([Expense(date(2024, 1, 1), "c", '=HYPERLINK("x", 1)', Decimal("1"), False, None)], ["description"])
    assert text == "description\n\"'=HYPERLINK(\"\"x\"\", 1)\"\n"


# --- 4. CLI ---------------------------------------------------------------


def test_cli_export_all_columns(run_cli):
    code, out, err = run_cli("export", ROWS)
    assert (code, err) == (0, "")
    assert out == (
        "date,category,description,amount,reimbursed,approver\n"
        "2024-03-01,travel,Train to Lyon,89.50,yes,Dana\n"
        '2024-03-02,meals,"Dinner, client visit",142.00,no,\n'
        "2024-03-05,office,Printer toner,-12.00,yes,Sam\n"
    )


def test_cli_export_selected_columns(run_cli):
    code, out, _ = run_cli("export", ROWS, "--columns", " description , amount")
    assert code == 0
    assert out == 'description,amount\nTrain to Lyon,89.50\n"Dinner, client visit",142.00\nPrinter toner,-12.00\n'


def test_cli_export_escapes_cells_read_from_file(run_cli):
    code, out, _ = run_cli("export", "2024-04-01,=evil,@SUM(1),-3.00,no,+1\n", "--columns", "category,description,amount,approver")
    assert code == 0
    assert parse(out) == [["category", "description", "amount", "approver"], ["'=evil", "'@SUM(1)", "-3.00", "'+1"]]


def test_cli_export_unknown_column(run_cli):
    code, out, err = run_cli("export", ROWS, "--columns", "date,total")
    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
    assert "unknown column 'total'" in err
