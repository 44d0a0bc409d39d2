"""Domain objects."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    unit_price: Decimal


@dataclass(frozen=True)
class LineItem:
    product: Product
    quantity: int


@dataclass(frozen=True)
class Order:
    order_id: str
    items: tuple[LineItem, ...]
