import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "merge_inventory.py"


def run(tmp_path, base, update, *flags, output="merged.json"):
    assert SCRIPT.is_file(), f"{SCRIPT.name} is missing"
    out = tmp_path / output
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(base), str(update), "--output", str(out), *flags],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
    )
    return proc, out


def expected_text(items):
    return json.dumps({"items": items}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def item(sku, name="N", qty=1, price="1.00", updated="2024-01-01", **extra):
    data = {"sku": sku, "name": name, "qty": qty, "price": price, "updated": updated}
    data.update(extra)
    return data


def out_item(sku, name="N", qty=1, price="1.00", updated="2024-01-01", tags=()):
    return {"sku": sku, "name": name, "qty": qty, "price": price, "updated": updated, "tags": list(tags)}


def write(tmp_path, name, items):
    path = tmp_path / name
    path.write_text(json.dumps({"items": items}, ensure_ascii=False), encoding="utf-8")
    return path


SHIPPED_ITEMS = [
    out_item("Bag-9", "Tote bag", 7, "6.00", "2024-03-04", []),
    out_item("CABLE-2M", "USB-C cable 2m", 50, "5.49", "2024-01-15", ["electronics"]),
    out_item("LAMP-7", "Desk lamp", 4, "24.00", "2024-03-01", ["lighting", "office"]),
    out_item("MUG-01", "Café mug (blue)", 17, "8.90", "2024-03-02", ["ceramic", "gift", "kitchen"]),
    out_item("NOTE-A5", "Notebook A5", 30, "2.20", "2024-03-04", ["office", "paper"]),
    out_item("PEN-10", "Gel pens (10)", 25, "3.75", "2023-12-01", ["office"]),
]


def test_shipped_samples(tmp_path):
    proc, out = run(tmp_path, ROOT / "data" / "base.json", ROOT / "data" / "update.json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "merged: 6 items (2 base only, 2 update only, 4 both, 2 discontinued)\n"
    assert out.read_bytes().decode("utf-8") == expected_text(SHIPPED_ITEMS)


def test_shipped_samples_prefer_base(tmp_path):
    proc, out = run(tmp_path, ROOT / "data" / "base.json", ROOT / "data" / "update.json", "--prefer", "base")
    assert proc.returncode == 0, proc.stderr
    expected = list(SHIPPED_ITEMS)
    expected[1] = out_item("CABLE-2M", "USB cable 2m", 50, "4.99", "2024-01-15", ["electronics"])
    assert out.read_text(encoding="utf-8") == expected_text(expected)


def test_newer_record_wins_and_qty_is_summed(tmp_path):
    base = write(tmp_path, "b.json", [
        item("A", "old name", 3, "1.00", "2023-12-31", tags=["x"]),
        item("B", "base newer", 4, "9.99", "2024-05-02"),
    ])
    update = write(tmp_path, "u.json", [
        item("A", "new name", 2, "1.50", "2024-01-01", tags=["y"]),
        item("B", "update older", 6, "8.88", "2024-05-01", tags=["z"]),
    ])
    proc, out = run(tmp_path, base, update)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "merged: 2 items (0 base only, 0 update only, 2 both, 0 discontinued)\n"
    assert out.read_text(encoding="utf-8") == expected_text([
        out_item("A", "new name", 5, "1.50", "2024-01-01", ["x", "y"]),
        out_item("B", "base newer", 10, "9.99", "2024-05-02", ["z"]),
    ])


@pytest.mark.parametrize(("flags", "winner"), [((), "from update"), (("--prefer", "update"), "from update"),
                                               (("--prefer", "base"), "from base")])
def test_equal_dates_use_prefer(tmp_path, flags, winner):
    base = write(tmp_path, "b.json", [item("S", "from base", 1, "1.00", "2024-02-02")])
    update = write(tmp_path, "u.json", [item("S", "from update", 1, "2.00", "2024-02-02")])
    proc, out = run(tmp_path, base, update, *flags)
    assert proc.returncode == 0, proc.stderr
    price = "1.00" if winner == "from base" else "2.00"
    assert out.read_text(encoding="utf-8") == expected_text([out_item("S", winner, 2, price, "2024-02-02", [])])


def test_discontinued_rules(tmp_path):
    base = write(tmp_path, "b.json", [
        item("OLD-DISC", "a", 1, updated="2024-01-01", discontinued=True),
        item("NEW-DISC", "b", 1, updated="2024-03-01", discontinued=True),
        item("ONLY-BASE-DISC", "c", 9, discontinued=True),
        item("KEEP", "d", 1, discontinued=False),
    ])
    update = write(tmp_path, "u.json", [
        item("OLD-DISC", "a2", 2, updated="2024-02-01"),
        item("NEW-DISC", "b2", 2, updated="2024-02-01"),
        item("ONLY-UPD-DISC", "e", 1, discontinued=True),
    ])
    proc, out = run(tmp_path, base, update)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "merged: 2 items (2 base only, 1 update only, 2 both, 3 discontinued)\n"
    assert out.read_text(encoding="utf-8") == expected_text([
        out_item("KEEP", "d", 1),
        out_item("OLD-DISC", "a2", 3, updated="2024-02-01"),
    ])


def test_tags_sorted_deduplicated_and_defaulted(tmp_path):
    base = write(tmp_path, "b.json", [item("T1", tags=["b", "a", "b"]), item("T2")])
    update = write(tmp_path, "u.json", [item("T1", tags=["c", "a"]), item("T3", tags=["z", "z", "m"])])
    proc, out = run(tmp_path, base, update)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [entry["tags"] for entry in data["items"]] == [["a", "b", "c"], [], ["m", "z"]]
    assert all(sorted(entry) == ["name", "price", "qty", "sku", "tags", "updated"] for entry in data["items"])


def test_items_sorted_by_plain_string_order(tmp_path):
    base = write(tmp_path, "b.json", [item("b-1"), item("B-2"), item("a10")])
    update = write(tmp_path, "u.json", [item("A-1"), item("a2")])
    proc, out = run(tmp_path, base, update)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [entry["sku"] for entry in data["items"]] == ["A-1", "B-2", "a10", "a2", "b-1"]
    assert proc.stdout == "merged: 5 items (3 base only, 2 update only, 0 both, 0 discontinued)\n"


def test_non_ascii_is_written_as_utf8(tmp_path):
    base = write(tmp_path, "b.json", [item("Z", "Grüße — ½ price")])
    update = write(tmp_path, "u.json", [])
    proc, out = run(tmp_path, base, update)
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert "Grüße — ½ price".encode("utf-8") in raw
    assert raw.decode("utf-8") == expected_text([out_item("Z", "Grüße — ½ price")])


def test_empty_inventories(tmp_path):
    proc, out = run(tmp_path, write(tmp_path, "b.json", []), write(tmp_path, "u.json", []))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "merged: 0 items (0 base only, 0 update only, 0 both, 0 discontinued)\n"
    assert out.read_text(encoding="utf-8") == '{\n  "items": []\n}\n'


@pytest.mark.parametrize("where", ["base", "update"])
def test_duplicate_sku_is_an_error(tmp_path, where):
    dup = [item("DUP-42", "x"), item("OK"), item("DUP-42", "y")]
    clean = [item("OTHER")]
    base = write(tmp_path, "b.json", dup if where == "base" else clean)
    update = write(tmp_path, "u.json", clean if where == "base" else dup)
    proc, out = run(tmp_path, base, update)
    assert proc.returncode == 2
    assert "DUP-42" in proc.stderr
    assert not out.exists()
