from pathlib import Path

from shop.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_example_total(capsys):
    assert main(["total", "--catalog", str(EXAMPLES / "catalog.json"), str(EXAMPLES / "order.json")]) == 0
    assert capsys.readouterr().out == "137.65\n"


def test_example_receipt(capsys):
    assert main(["receipt", "--catalog", str(EXAMPLES / "catalog.json"), str(EXAMPLES / "order.json")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Order A-1001"
    assert out.splitlines()[-1] == "Total                             137.65"
