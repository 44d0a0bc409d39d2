from datetime import date
from decimal import Decimal

from billing import Invoice, Line

D = Decimal
MONDAY = date(2024, 3, 4)  # net30 -> due Wednesday 2024-04-03


def make(*lines, terms="net30", **kwargs):
    invoice = Invoice("INV-1", "ACME", MONDAY, terms=terms, **kwargs)
    for description, quantity, price in lines:
        invoice.add_line(description, D(quantity), D(price))
    return invoice


def test_simple_invoice():
    inv = make(("Consulting", "10", "50.00"), ("Travel", "1", "35.50"))
    assert inv.due_date == date(2024, 4, 3)
    assert inv.subtotal == D("535.50")
    assert inv.discount == D("0.00")
    assert inv.tax == D("107.10")
    assert inv.total == D("642.60")


def test_line_net_is_rounded_half_up():
    inv = make(("Support", "2.5", "4.13"))
    assert inv.lines[0].net == D("10.33")
    assert inv.subtotal == D("10.33")
    assert inv.total == D("12.40")


def test_tax_rate_is_configurable():
    inv = make(("Widget", "3", "3.35"), tax_rate=D("0.07"))
    assert inv.subtotal == D("10.05")
    assert inv.tax == D("0.70")


def test_volume_discount_above_threshold():
    inv = make(("Project", "1", "2000.00"))
    assert inv.discount == D("100.00")
    assert inv.tax == D("380.00")
    assert inv.total == D("2280.00")


def test_volume_discount_at_exactly_the_threshold():
    inv = make(("Project", "8", "125.00"))
    assert inv.subtotal == D("1000.00")
    assert inv.discount == D("50.00")
    assert inv.total == D("1140.00")


def test_no_volume_discount_just_below_threshold():
    inv = make(("Project", "1", "999.99"))
    assert inv.discount == D("0.00")


def test_new_invoices_start_empty_and_independent():
    first = Invoice("INV-1", "ACME", MONDAY)
    first.add_line("Consulting", D("1"), D("100.00"))
    second = Invoice("INV-2", "Globex", MONDAY)
    assert second.lines == []
    assert second.subtotal == D("0.00")
    assert len(first.lines) == 1


def test_given_lines_are_copied():
    lines = [Line("Consulting", D("1"), D("10.00"))]
    inv = Invoice("INV-3", "ACME", MONDAY, lines=lines)
    inv.add_line("Extra", D("1"), D("5.00"))
    assert len(lines) == 1
    assert inv.subtotal == D("15.00")


def test_no_late_fee_until_overdue():
    inv = make(("Consulting", "10", "50.00"))
    assert inv.late_fee(date(2024, 4, 3)) == D("0.00")
    assert inv.amount_due(date(2024, 3, 20)) == D("600.00")


def test_late_fee_per_started_period():
    inv = make(("Consulting", "10", "50.00"))  # total 600.00, due 2024-04-03
    assert inv.late_fee(date(2024, 4, 4)) == D("9.00")      # 1 day
    assert inv.late_fee(date(2024, 5, 3)) == D("9.00")      # 30 days
    assert inv.late_fee(date(2024, 5, 4)) == D("18.00")     # 31 days
    assert inv.amount_due(date(2024, 7, 10)) == D("636.00")  # 98 days: 4 periods


def test_late_fee_rounds_half_up():
    inv = make(("Item", "1", "23.75"), tax_rate=D("0"))   # 1.5% of 23.75 = 0.35625
    assert inv.late_fee(date(2024, 4, 10)) == D("0.36")
