"""Pricing: line totals, bulk discounts, subtotal, tax and total.

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
    discount: Decimal = Decimal("0.00")  # bulk discount, 0.00 when no rule applies

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount


@dataclass(frozen=True)
class PricedOrder:
    order: Order
    lines: tuple[PricedLine, ...]
    subtotal: Decimal  # sum of the line amounts after discounts
    tax: Decimal  # subtotal * TAX_RATE
    total: Decimal  # subtotal + tax


def price_line(item: LineItem) -> PricedLine:
    gross = money(item.product.unit_price * item.quantity)
    discount = Decimal("0.00")
    rule = item.product.bulk
    if rule is not None and item.quantity >= rule.min_qty:
        discount = money(gross * rule.percent_off / 100)
    return PricedLine(item=item, gross=gross, discount=discount)


def price_order(order: Order) -> PricedOrder:
    lines = tuple(price_line(item) for item in order.items)
    subtotal = money(sum((line.net for line in lines), Decimal("0")))
    tax = money(subtotal * TAX_RATE)
    return PricedOrder(order=order, lines=lines, subtotal=subtotal, tax=tax, total=subtotal + tax)
