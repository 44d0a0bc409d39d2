"""Loading the product catalog.

Catalog JSON::

    {"products": [{"sku": "W-1", "name": "Widget", "price": "2.50"}, ...]}

``sku`` and ``name`` are non-empty strings, ``price`` is a string holding a
non-negative decimal with at most two decimal places. SKUs are unique.
"""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shop.errors import CatalogError
from shop.models import Product


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"product field {key!r} must be a non-empty string: {entry!r}")
    return value


def _price(entry: dict[str, Any]) -> Decimal:
    raw = entry.get("price")
    if not isinstance(raw, str):
        raise CatalogError(f"price must be a string like \"2.50\": {entry!r}")
    try:
        price = Decimal(raw)
    except InvalidOperation:
        raise CatalogError(f"invalid price {raw!r}") from None
    if not price.is_finite() or price < 0 or price.as_tuple().exponent < -2:
        raise CatalogError(f"invalid price {raw!r}")
    return price


def load_catalog(data: Any) -> dict[str, Product]:
    """Build ``{sku: Product}`` from parsed catalog JSON; raise CatalogError if invalid."""
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise CatalogError("catalog must be an object with a 'products' list")
    catalog: dict[str, Product] = {}
    for entry in data["products"]:
        if not isinstance(entry, dict):
            raise CatalogError(f"product must be an object: {entry!r}")
        sku = _text(entry, "sku")
        if sku in catalog:
            raise CatalogError(f"duplicate sku {sku!r}")
        catalog[sku] = Product(sku=sku, name=_text(entry, "name"), unit_price=_price(entry))
    return catalog


def load_catalog_file(path: str | Path) -> dict[str, Product]:
    with open(path, encoding="utf-8") as fh:
        return load_catalog(json.load(fh))
