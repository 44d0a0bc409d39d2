"""Behaviour that already works in the workspace and must keep working."""

from decimal import Decimal

import pytest

from shop.catalog import load_catalog
from shop.errors import CatalogError, OrderError
from shop.models import LineItem, Order, Product
from shop.orders import load_order
from shop.pricing import price_order

CATALOG = {
    "products": [
        {"sku": "W-1", "name": "Widget", "price": "2.50"},
        {"sku": "G-7", "name": "Gadget", "price": "10.00"},
        {"sku": "S-3", "name": "Sprocket", "price": "0.35"},
    ]
}
ORDER = {
    "order_id": "A-1001",
    "items": [{"sku": "W-1", "qty": 2}, {"sku": "G-7", "qty": 12}, {"sku": "S-3", "qty": 7}],
}

RECEIPT = """\
Order A-1001
========================================
Widget x 2                          5.00
Gadget x 12                       120.00
Sprocket x 7                        2.45
----------------------------------------
Subtotal                          127.45
Tax 8%                             10.20
Total                             137.65
"""


def test_receipt_without_bulk_rules(run_cli):
    code, out, err = run_cli("receipt", CATALOG, ORDER)
    assert code == 0
    assert out == RECEIPT
    assert err == ""


def test_total_without_bulk_rules(run_cli):
    code, out, _ = run_cli("total", CATALOG, ORDER)
    assert code == 0
    assert out == "137.65\n"


def test_products_without_bulk_have_no_discount_row(run_cli):
    order = {"order_id": "B-7", "items": [{"sku": "G-7", "qty": 1000}]}
    code, out, _ = run_cli("receipt", CATALOG, order)
    assert code == 0
    assert "discount" not in out
    assert "Subtotal                        10000.00" in out
    assert out.endswith("Total                           10800.00\n")


def test_price_order_amounts_are_decimal_cents():
    priced = price_order(load_order(ORDER, load_catalog(CATALOG)))
    assert [line.gross for line in priced.lines] == [Decimal("5.00"), Decimal("120.00"), Decimal("2.45")]
    assert (priced.subtotal, priced.tax, priced.total) == (Decimal("127.45"), Decimal("10.20"), Decimal("137.65"))
    assert all(isinstance(v, Decimal) for v in (priced.subtotal, priced.tax, priced.total))


def test_product_constructor_with_three_fields_still_works():
    product = Product("X-1", "Thing", Decimal("1.25"))
    priced = price_order(Order("Z-1", (LineItem(product, 3),)))
    assert priced.subtotal == Decimal("3.75")
    assert priced.total == Decimal("4.05")


@pytest.mark.parametrize(
    "products",
    [
        [{"sku": "A", "name": "A", "price": 2.5}],
        [{"sku": "A", "name": "A", "price": "-1.00"}],
        [{"sku": "A", "name": "A", "price": "1.005"}],
        [{"sku": "A", "name": "", "price": "1.00"}],
        [{"sku": "A", "name": "A", "price": "1.00"}, {"sku": "A", "name": "B", "price": "2.00"}],
    ],
)
def test_invalid_catalogs_still_rejected(products):
    with pytest.raises(CatalogError):
        load_catalog({"products": products})


@pytest.mark.parametrize(
    "items",
    [[], [{"sku": "NOPE", "qty": 1}], [{"sku": "W-1", "qty": 0}], [{"sku": "W-1", "qty": 1.5}]],
)
def test_invalid_orders_still_rejected(items):
    with pytest.raises(OrderError):
        load_order({"order_id": "X", "items": items}, load_catalog(CATALOG))


def test_cli_reports_invalid_input(run_cli):
    code, out, err = run_cli("receipt", CATALOG, {"order_id": "X", "items": [{"sku": "NOPE", "qty": 1}]})
    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
