import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "fw2csv.py"

SHIPPED_CSV = (
    "SKU,Description,Qty,Price,Warehouse\n"
    'A-100,"Widget, large",12,4.50,North\n'
    'A-101,"Gadget ""Pro"" with extended warranty",3,120.00,South\n'
    "B-200,Lamp,0,33.33,\n"
    "B-201,,7,0.99,East\n"
    'C-300,"Plug adapter EU/UK (pack of 2), white",25,7.99,West Annex\n'
    "C-301,Tent  2p,1,149.00,North\n"
    'D-400,"Extension lead, 5 m, black",4,12.00,South\n'
)


def run(tmp_path, report, *flags, output="out.csv"):
    assert SCRIPT.is_file(), f"{SCRIPT.name} is missing"
    out = tmp_path / output
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(report), str(out), *flags],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
    )
    return proc, out


def place(*pairs):
    """Build a line from (column, text) pairs, padding with spaces."""
    line = ""
    for col, text in pairs:
        assert len(line) <= col, "overlapping test data"
        line = line.ljust(col) + text
    return line


def write(tmp_path, lines, name="report.txt", newline="\n"):
    path = tmp_path / name
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return path


def ok(proc):
    assert proc.returncode == 0, proc.stderr
    return proc


def test_shipped_sample(tmp_path):
    proc, out = run(tmp_path, ROOT / "reports" / "stock.txt")
    assert ok(proc).stdout == "7 records\n"
    assert out.read_bytes() == SHIPPED_CSV.encode("utf-8")


def test_shipped_sample_selected_columns(tmp_path):
    proc, out = run(tmp_path, ROOT / "reports" / "stock.txt", "--columns", "Price,SKU")
    assert ok(proc).stdout == "7 records\n"
    assert out.read_bytes() == (
        b"Price,SKU\n4.50,A-100\n120.00,A-101\n33.33,B-200\n0.99,B-201\n7.99,C-300\n149.00,C-301\n12.00,D-400\n"
    )


# A different layout: three columns starting at 2, 12 and 20.
HEADER = [
    "Quarterly figures",
    "",
    place((2, "Code"), (12, "City"), (20, "Amount")),
    place((2, "-------"), (12, "------"), (20, "----")),
]


def test_other_layout_with_offsets_and_crlf(tmp_path):
    lines = HEADER + [
        place((2, "X1"), (12, "Oslo"), (20, "10")),
        place((2, "X2"), (12, "São Tomé"), (23, "7")),
        place((2, "X3")),
    ]
    proc, out = run(tmp_path, write(tmp_path, lines, newline="\r\n"))
    assert ok(proc).stdout == "3 records\n"
    assert out.read_bytes() == "Code,City,Amount\nX1,Oslo,10\nX2,São Tomé,7\nX3,,\n".encode("utf-8")


def test_value_overflowing_into_the_gap_belongs_to_its_column(tmp_path):
    lines = HEADER + [
        place((2, "LONGCODE99"), (12, "Rome"), (20, "1")),
        place((2, "Y"), (12, "Antwerp"), (22, "5")),
    ]
    proc, out = run(tmp_path, write(tmp_path, lines))
    ok(proc)
    assert out.read_text(encoding="utf-8") == "Code,City,Amount\nLONGCODE99,Rome,1\nY,Antwerp,5\n"


def test_continuation_lines(tmp_path):
    lines = HEADER + [
        place((2, "A"), (20, "100")),
        place((12, "New"), (20, "(est.)")),
        place((12, "York")),
        place((2, "B"), (12, "Lima"), (20, "3")),
        place((12, "Peru,"), (20, "approx")),
    ]
    proc, out = run(tmp_path, write(tmp_path, lines))
    assert ok(proc).stdout == "2 records\n"
    assert out.read_text(encoding="utf-8") == (
        'Code,City,Amount\nA,New York,100 (est.)\nB,"Lima Peru,",3 approx\n'
    )


def test_pages_blank_lines_and_totals_are_skipped(tmp_path):
    page_header = ["\fQuarterly figures", "Code is the first column", ""] + HEADER[2:]
    lines = HEADER + [
        place((2, "P1"), (12, "Bern"), (20, "1")),
        "",
        "     ",
        place((2, "Totals"), (20, "1")),
    ] + page_header + [
        place((2, "P2"), (12, "Kyiv"), (20, "2")),
        place((12, "centre")),
        "\f",
        place((2, "Header on page 3")),
        HEADER[2],
        HEADER[3],
        place((2, "P3"), (12, "Riga"), (20, "3")),
        "   Total: 6",
    ]
    proc, out = run(tmp_path, write(tmp_path, lines))
    assert ok(proc).stdout == "3 records\n"
    assert out.read_text(encoding="utf-8") == "Code,City,Amount\nP1,Bern,1\nP2,Kyiv centre,2\nP3,Riga,3\n"


def test_quoting_rules(tmp_path):
    lines = HEADER + [
        place((2, 'Q"1'), (12, "a,b"), (20, "plain")),
        place((2, "Q2"), (12, '"x", y'), (20, "it's")),
        place((2, "Q3"), (12, "a;b c"), (20, "a  b")),
    ]
    proc, out = run(tmp_path, write(tmp_path, lines))
    ok(proc)
    assert out.read_text(encoding="utf-8") == (
        'Code,City,Amount\n"Q""1","a,b",plain\nQ2,"""x"", y",it\'s\nQ3,a;b c,a  b\n'
    )


def test_column_selection_order(tmp_path):
    lines = HEADER + [place((2, "C1"), (12, "Oslo"), (20, "9")), place((2, "C2"), (12, "Bergen"), (20, "8"))]
    proc, out = run(tmp_path, write(tmp_path, lines), "--columns", "Amount,Code")
    assert ok(proc).stdout == "2 records\n"
    assert out.read_text(encoding="utf-8") == "Amount,Code\n9,C1\n8,C2\n"


def test_no_records(tmp_path):
    proc, out = run(tmp_path, write(tmp_path, HEADER + ["", "Total: 0"]))
    assert ok(proc).stdout == "0 records\n"
    assert out.read_text(encoding="utf-8") == "Code,City,Amount\n"


@pytest.mark.parametrize(
    ("lines", "flags", "needle"),
    [
        (HEADER + [place((2, "A"), (12, "B"), (20, "C"))], ("--columns", "Code,Country"), "Country"),
        (["Just some text", "without any rule line"], (), None),
        (HEADER + [place((12, "orphan"), (20, "1")), place((2, "A"), (12, "B"), (20, "C"))], (), None),
    ],
)
def test_errors_exit_2_without_output(tmp_path, lines, flags, needle):
    proc, out = run(tmp_path, write(tmp_path, lines), *flags)
    assert proc.returncode == 2
    assert proc.stderr.strip()
    if needle:
        assert needle in proc.stderr
    assert not out.exists()
