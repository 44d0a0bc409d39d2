"""Pricing: line totals, subtotal, tax and total.

All money is ``Decimal``; every computed amount is rounded to cents with
ROUND_HALF_UP.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shop.models import LineItem, Order

TAX_RATE = Decimal("0.08")
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PricedLine:
    item: LineItem
    gross: Decimal  # unit price * quantity


@dataclass(frozen=True)
class PricedOrder:
    order: Order
    lines: tuple[PricedLine, ...]
    subtotal: Decimal  # sum of the line amounts
    tax: Decimal  # subtotal * TAX_RATE
    total: Decimal  # subtotal + tax


def price_line(item: LineItem) -> PricedLine:
    return PricedLine(item=item, gross=money(item.product.unit_price * item.quantity))


def price_order(order: Order) -> PricedOrder:
    lines = tuple(price_line(item) for item in order.items)
    subtotal = money(sum((line.gross for line in lines), Decimal("0")))
    tax = money(subtotal * TAX_RATE)
    return PricedOrder(order=order, lines=lines, subtotal=subtotal, tax=tax, total=subtotal + tax)
