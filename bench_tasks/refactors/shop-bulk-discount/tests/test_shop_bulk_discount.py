"""The new bulk discount feature."""

from decimal import Decimal

import pytest

from shop.catalog import load_catalog
from shop.errors import CatalogError
from shop.orders import load_order
from shop.pricing import price_order


def product(sku, name, price, bulk=None):
    entry = {"sku": sku, "name": name, "price": price}
    if bulk is not None:
        entry["bulk"] = bulk
    return entry


CATALOG = {
    "products": [
        product("W-1", "Widget", "2.50"),
        product("G-7", "Gadget", "10.00", {"min_qty": 10, "percent_off": 15}),
        product("S-3", "Sprocket", "0.35", {"min_qty": 5, "percent_off": 20}),
    ]
}


def priced(catalog, items):
    return price_order(load_order({"order_id": "T-1", "items": items}, load_catalog(catalog)))


def test_catalog_parses_bulk_rule():
    from shop.models import BulkRule

    catalog = load_catalog(CATALOG)
    assert catalog["G-7"].bulk == BulkRule(min_qty=10, percent_off=15)
    assert catalog["G-7"].bulk.min_qty == 10
    assert catalog["G-7"].bulk.percent_off == 15
    assert catalog["W-1"].bulk is None


def test_receipt_shows_discount_row(run_cli):
    catalog = {"products": CATALOG["products"][:2]}
    order = {"order_id": "A-1001", "items": [{"sku": "W-1", "qty": 2}, {"sku": "G-7", "qty": 12}]}
    code, out, err = run_cli("receipt", catalog, order)
    assert (code, err) == (0, "")
    assert out == (
        "Order A-1001\n"
        "========================================\n"
        "Widget x 2                          5.00\n"
        "Gadget x 12                       120.00\n"
        "  bulk discount 15%               -18.00\n"
        "----------------------------------------\n"
        "Subtotal                          107.00\n"
        "Tax 8%                              8.56\n"
        "Total                             115.56\n"
    )


def test_receipt_with_several_discounted_lines(run_cli):
    order = {
        "order_id": "A-2002",
        "items": [{"sku": "S-3", "qty": 7}, {"sku": "W-1", "qty": 40}, {"sku": "G-7", "qty": 10}],
    }
    code, out, _ = run_cli("receipt", CATALOG, order)
    assert code == 0
    # Sprocket: 2.45 - 0.49; Widget: 100.00; Gadget: 100.00 - 15.00
    assert out == (
        "Order A-2002\n"
        "========================================\n"
        "Sprocket x 7                        2.45\n"
        "  bulk discount 20%                -0.49\n"
        "Widget x 40                       100.00\n"
        "Gadget x 10                       100.00\n"
        "  bulk discount 15%               -15.00\n"
        "----------------------------------------\n"
        "Subtotal                          186.96\n"
        "Tax 8%                             14.96\n"
        "Total                             201.92\n"
    )


def test_total_command_uses_discounted_total(run_cli):
    code, out, _ = run_cli("total", CATALOG, {"order_id": "A", "items": [{"sku": "G-7", "qty": 12}]})
    assert code == 0
    assert out == "110.16\n"  # (120.00 - 18.00) * 1.08


def test_threshold_is_inclusive():
    at = priced(CATALOG, [{"sku": "G-7", "qty": 10}])
    below = priced(CATALOG, [{"sku": "G-7", "qty": 9}])
    assert at.lines[0].discount == Decimal("15.00")
    assert at.lines[0].gross == Decimal("100.00")
    assert at.subtotal == Decimal("85.00")
    assert below.lines[0].discount == Decimal("0")
    assert below.subtotal == Decimal("90.00")


def test_lines_without_rule_have_zero_discount():
    result = priced(CATALOG, [{"sku": "W-1", "qty": 500}, {"sku": "G-7", "qty": 1}])
    assert [line.discount for line in result.lines] == [Decimal("0"), Decimal("0")]
    assert all(isinstance(line.discount, Decimal) for line in result.lines)
    assert result.subtotal == Decimal("1260.00")


def test_discount_rounds_half_up_per_line():
    catalog = {
        "products": [
            product("P-1", "Pin", "3.05", {"min_qty": 5, "percent_off": 10}),
            product("P-2", "Peg", "0.15", {"min_qty": 1, "percent_off": 25}),
        ]
    }
    result = priced(catalog, [{"sku": "P-1", "qty": 5}, {"sku": "P-2", "qty": 1}])
    # 15.25 * 10% = 1.525 -> 1.53 ; 0.15 * 25% = 0.0375 -> 0.04
    assert [line.discount for line in result.lines] == [Decimal("1.53"), Decimal("0.04")]
    assert result.subtotal == Decimal("13.83")
    assert result.tax == Decimal("1.11")
    assert result.total == Decimal("14.94")


def test_discount_rounding_to_zero_adds_no_row(run_cli):
    catalog = {"products": [product("T-1", "Tack", "0.01", {"min_qty": 1, "percent_off": 5})]}
    order = {"order_id": "Z", "items": [{"sku": "T-1", "qty": 3}]}
    result = priced(catalog, order["items"])
    assert result.lines[0].discount == Decimal("0")
    code, out, _ = run_cli("receipt", catalog, order)
    assert code == 0
    assert "discount" not in out
    assert "Subtotal                            0.03\n" in out


def test_boundary_percentages_accepted():
    catalog = load_catalog(
        {
            "products": [
                product("A", "A", "1.00", {"min_qty": 1, "percent_off": 1}),
                product("B", "B", "1.00", {"min_qty": 1, "percent_off": 99}),
            ]
        }
    )
    assert (catalog["A"].bulk.percent_off, catalog["B"].bulk.percent_off) == (1, 99)
    result = priced(
        {"products": [product("B", "B", "1.00", {"min_qty": 1, "percent_off": 99})]}, [{"sku": "B", "qty": 2}]
    )
    assert result.lines[0].discount == Decimal("1.98")
    assert result.subtotal == Decimal("0.02")


@pytest.mark.parametrize(
    "bulk",
    [
        {"min_qty": 0, "percent_off": 10},
        {"min_qty": -3, "percent_off": 10},
        {"min_qty": "10", "percent_off": 10},
        {"min_qty": 2.5, "percent_off": 10},
        {"min_qty": 10, "percent_off": 0},
        {"min_qty": 10, "percent_off": 100},
        {"min_qty": 10, "percent_off": 12.5},
        {"min_qty": 10, "percent_off": "15"},
        {"min_qty": 10},
        {"percent_off": 15},
        "10@15",
        [10, 15],
    ],
)
def test_invalid_bulk_rules_rejected(bulk):
    with pytest.raises(CatalogError):
        load_catalog({"products": [product("G-7", "Gadget", "10.00", bulk)]})


def test_cli_reports_invalid_bulk_rule(run_cli):
    catalog = {"products": [product("G-7", "Gadget", "10.00", {"min_qty": 10, "percent_off": 150})]}
    code, out, err = run_cli("receipt", catalog, {"order_id": "A", "items": [{"sku": "G-7", "qty": 1}]})
    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
