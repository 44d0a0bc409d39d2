import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "report.py"
HEADER = "date,region,product,amount\n"


def run(tmp_path, csv_path, *flags):
    assert SCRIPT.is_file(), f"{SCRIPT.name} is missing"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(csv_path), *flags],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def write(tmp_path, rows, name="sales.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


SHIPPED_EXPECTED = (
    "region,orders,total,average\n"
    "North,5,186.32,37.26\n"
    "East,4,170.34,42.59\n"
    "South,4,170.33,42.58\n"
    "West,4,49.32,12.33\n"
    "Central,3,24.99,8.33\n"
    "TOTAL,20,601.30,30.07\n"
)


def test_shipped_sample(tmp_path):
    assert run(tmp_path, ROOT / "data" / "sales.csv") == SHIPPED_EXPECTED


def test_shipped_sample_top_two(tmp_path):
    expected = "region,orders,total,average\nNorth,5,186.32,37.26\nEast,4,170.34,42.59\nTOTAL,20,601.30,30.07\n"
    assert run(tmp_path, ROOT / "data" / "sales.csv", "--top", "2") == expected


def test_example_from_the_ticket(tmp_path):
    path = write(tmp_path, ["2024-01-01,North,A,10.00", "2024-01-01,South,B,4.50", "2024-01-02,North,C,2.25"])
    assert run(tmp_path, path) == (
        "region,orders,total,average\nNorth,2,12.25,6.13\nSouth,1,4.50,4.50\nTOTAL,3,16.75,5.58\n"
    )


def test_average_halves_round_up(tmp_path):
    rows = ["2024-01-01,Alpha,A,1.00", "2024-01-01,Alpha,A,1.25", "2024-01-01,Alpha,A,1.25",
            "2024-01-01,Alpha,A,1.00",  # 4.50 / 4 = 1.125
            "2024-01-02,Beta,B,60.25", "2024-01-02,Beta,B,0"]  # 60.25 / 2 = 30.125
    assert run(tmp_path, write(tmp_path, rows)) == (
        "region,orders,total,average\n"
        "Beta,2,60.25,30.13\n"
        "Alpha,4,4.50,1.13\n"
        "TOTAL,6,64.75,10.79\n"
    )


def test_equal_totals_sorted_by_region_name(tmp_path):
    rows = ["2024-01-01,West,A,5", "2024-01-01,East,A,2.5", "2024-01-01,East,A,2.50",
            "2024-01-01,Zulu,A,1", "2024-01-01,Central,A,5.00"]
    assert run(tmp_path, write(tmp_path, rows)) == (
        "region,orders,total,average\n"
        "Central,1,5.00,5.00\n"
        "East,2,5.00,2.50\n"
        "West,1,5.00,5.00\n"
        "Zulu,1,1.00,1.00\n"
        "TOTAL,5,16.00,3.20\n"
    )


def test_sums_are_exact(tmp_path):
    rows = ["2024-01-01,North,A,0.1" for _ in range(10)] + ["2024-01-01,South,B,0.01"] * 3
    rows += ["2024-01-01,South,B,1000000.29", "2024-01-01,South,B,0.36"]
    assert run(tmp_path, write(tmp_path, rows)) == (
        "region,orders,total,average\n"
        "South,5,1000000.68,200000.14\n"
        "North,10,1.00,0.10\n"
        "TOTAL,15,1000001.68,66666.78\n"
    )


def test_quoted_fields_with_commas(tmp_path):
    rows = ['2024-01-01,North,"Cable, 2m",3.10', '2024-01-01,North,"Plug ""EU""",1.90',
            '2024-01-02,"South",Lamp,2']
    assert run(tmp_path, write(tmp_path, rows)) == (
        "region,orders,total,average\nNorth,2,5.00,2.50\nSouth,1,2.00,2.00\nTOTAL,3,7.00,2.33\n"
    )


def test_header_only_file(tmp_path):
    assert run(tmp_path, write(tmp_path, [])) == "region,orders,total,average\nTOTAL,0,0.00,0.00\n"


def test_top_larger_than_region_count_and_top_one(tmp_path):
    rows = ["2024-01-01,A,x,1", "2024-01-01,B,x,2", "2024-01-01,C,x,3"]
    path = write(tmp_path, rows)
    assert run(tmp_path, path, "--top", "10") == (
        "region,orders,total,average\nC,1,3.00,3.00\nB,1,2.00,2.00\nA,1,1.00,1.00\nTOTAL,3,6.00,2.00\n"
    )
    assert run(tmp_path, path, "--top", "1") == "region,orders,total,average\nC,1,3.00,3.00\nTOTAL,3,6.00,2.00\n"


def test_many_generated_regions(tmp_path):
    rows = []
    expected_totals = {}
    for i in range(40):
        region = f"R{i % 7:02d}"
        cents = (i * 137) % 5000
        rows.append(f"2024-02-{1 + i % 28:02d},{region},P{i},{cents // 100}.{cents % 100:02d}")
        expected_totals.setdefault(region, []).append(cents)
    lines = ["region,orders,total,average"]
    order = sorted(expected_totals, key=lambda r: (-sum(expected_totals[r]), r))
    for region in order:
        cents = expected_totals[region]
        total = sum(cents)
        avg = (2 * total + len(cents)) // (2 * len(cents))  # half up, in cents
        lines.append(f"{region},{len(cents)},{total // 100}.{total % 100:02d},{avg // 100}.{avg % 100:02d}")
    all_cents = [c for v in expected_totals.values() for c in v]
    total = sum(all_cents)
    avg = (2 * total + len(all_cents)) // (2 * len(all_cents))
    lines.append(f"TOTAL,{len(all_cents)},{total // 100}.{total % 100:02d},{avg // 100}.{avg % 100:02d}")
    assert run(tmp_path, write(tmp_path, rows)) == "\n".join(lines) + "\n"
