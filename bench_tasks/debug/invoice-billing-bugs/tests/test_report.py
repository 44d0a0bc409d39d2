from datetime import date
from decimal import Decimal

from billing import BUCKETS, Invoice, aging_report, render_aging

D = Decimal
DUE_APR_3 = date(2024, 3, 4)  # issued Monday, net30 -> due Wednesday 2024-04-03


def invoice(number, amount, issued=DUE_APR_3, terms="net30"):
    inv = Invoice(number, "ACME", issued, terms=terms, tax_rate=D("0"))
    inv.add_line("Work", D("1"), D(amount))
    return inv


def test_buckets_all_present_and_ordered():
    report = aging_report([], date(2024, 4, 1))
    assert list(report) == list(BUCKETS) == ["current", "1-30", "31-60", "61-90", "90+"]
    assert all(value == D("0.00") for value in report.values())


def test_bucket_boundaries():
    today = date(2024, 4, 3)
    from datetime import timedelta

    cases = {0: "current", 1: "1-30", 30: "1-30", 31: "31-60", 60: "31-60", 61: "61-90", 90: "61-90", 91: "90+"}
    for days, bucket in cases.items():
        report = aging_report([invoice("X", "100.00")], today + timedelta(days=days))
        nonzero = [name for name, value in report.items() if value]
        assert nonzero == [bucket], (days, report)


def test_amounts_include_late_fees():
    today = date(2024, 6, 2)  # 60 days after 2024-04-03
    invoices = [
        invoice("A", "100.00"),
        invoice("B", "200.00", issued=date(2024, 5, 20)),   # due 2024-06-19: current
        invoice("C", "50.00", issued=date(2024, 1, 2)),     # due 2024-02-01: 122 days
    ]
    report = aging_report(invoices, today)
    assert report == {
        "current": D("200.00"),
        "1-30": D("0.00"),
        "31-60": D("103.00"),
        "61-90": D("0.00"),
        "90+": D("53.75"),
    }


def test_render_aging():
    out = render_aging([invoice("A", "1234.50"), invoice("B", "10.00", issued=date(2024, 5, 20))], date(2024, 4, 20))
    assert out == (
        "Aging as of 2024-04-20\n"
        "current          10.00 EUR\n"
        "1-30          1,190.36 EUR\n"
        "31-60             0.00 EUR\n"
        "61-90             0.00 EUR\n"
        "90+               0.00 EUR\n"
        "total         1,200.36 EUR\n"
    )
