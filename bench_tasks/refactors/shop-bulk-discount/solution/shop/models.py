"""Domain objects."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class BulkRule:
    """``percent_off`` percent off a line whose quantity is at least ``min_qty``."""

    min_qty: int
    percent_off: int


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    unit_price: Decimal
    bulk: BulkRule | None = None


@dataclass(frozen=True)
class LineItem:
    product: Product
    quantity: int


@dataclass(frozen=True)
class Order:
    order_id: str
    items: tuple[LineItem, ...]
