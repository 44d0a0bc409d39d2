"""Plain-text receipts.

Every row is ``f"{label:<30}{amount:>10}"`` (40 characters when the label fits),
amounts are printed with exactly two decimals. Example::

    Order A-1001
    ========================================
    Widget x 2                          5.00
    Gadget x 12                       120.00
      bulk discount 15%               -18.00
    ----------------------------------------
    Subtotal                          107.00
    Tax 8%                              8.56
    Total                             115.56

A line with a bulk discount (greater than 0.00) is followed by a discount row.
"""

from decimal import Decimal

from shop.pricing import TAX_RATE, PricedOrder

WIDTH = 40


def _row(label: str, amount: Decimal) -> str:
    return f"{label:<30}{amount:>10}"


def render_receipt(priced: PricedOrder) -> str:
    """Return the receipt text (lines joined with "\\n", ending with a newline)."""
    lines = [f"Order {priced.order.order_id}", "=" * WIDTH]
    for line in priced.lines:
        lines.append(_row(f"{line.item.product.name} x {line.item.quantity}", line.gross))
        rule = line.item.product.bulk
        if rule is not None and line.discount > 0:
            lines.append(_row(f"  bulk discount {rule.percent_off}%", -line.discount))
    tax_percent = (TAX_RATE * 100).normalize()
    lines += [
        "-" * WIDTH,
        _row("Subtotal", priced.subtotal),
        _row(f"Tax {tax_percent}%", priced.tax),
        _row("Total", priced.total),
    ]
    return "\n".join(lines) + "\n"
