"""Money helpers: Decimal amounts rounded to cents."""

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def round_cents(amount: Decimal) -> Decimal:
    """Round to cents, halves away from zero: 2.665 -> 2.67, -2.665 -> -2.67."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def format_money(amount: Decimal, currency: str = "EUR") -> str:
    """``Decimal("-1234.5")`` -> ``"-1,234.50 EUR"`` (rounded to cents first)."""
    value = round_cents(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,.2f} {currency}"
