"""Temperature conversions."""


def to_fahrenheit(celsius: float) -> float:
    """Convert a temperature from degrees Celsius to degrees Fahrenheit.

    Use F = C * 9 / 5 + 32 and do not round the result.

    Examples: 0 -> 32.0; 100 -> 212.0; -40 -> -40.0; 37 -> 98.6 (approximately,
    as floating-point arithmetic allows).
    """
    return 32 + 1.8 * celsius
