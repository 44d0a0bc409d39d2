"""Loading orders.

Order JSON::

    {"order_id": "A-1001", "items": [{"sku": "W-1", "qty": 2}, ...]}

``order_id`` is a non-empty string; ``items`` is a non-empty list; every ``sku``
must exist in the catalog and appear at most once; ``qty`` is an int >= 1.
"""

import json
from pathlib import Path
from typing import Any

from shop.errors import OrderError
from shop.models import LineItem, Order, Product


def load_order(data: Any, catalog: dict[str, Product]) -> Order:
    """Build an Order from parsed order JSON; raise OrderError if invalid."""
    if not isinstance(data, dict):
        raise OrderError("order must be an object")
    order_id = data.get("order_id")
    if not isinstance(order_id, str) or not order_id.strip():
        raise OrderError("order_id must be a non-empty string")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise OrderError("items must be a non-empty list")
    items: list[LineItem] = []
    seen: set[str] = set()
    for raw in raw_items:
        if not isinstance(raw, dict):
            raise OrderError(f"item must be an object: {raw!r}")
        sku = raw.get("sku")
        if sku not in catalog:
            raise OrderError(f"unknown sku {sku!r}")
        if sku in seen:
            raise OrderError(f"sku {sku!r} listed twice")
        seen.add(sku)
        qty = raw.get("qty")
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
            raise OrderError(f"qty for {sku!r} must be an integer >= 1")
        items.append(LineItem(product=catalog[sku], quantity=qty))
    return Order(order_id=order_id, items=tuple(items))


def load_order_file(path: str | Path, catalog: dict[str, Product]) -> Order:
    with open(path, encoding="utf-8") as fh:
        return load_order(json.load(fh), catalog)
