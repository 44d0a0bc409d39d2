import pytest

from temperature import to_fahrenheit


def test_freezing_point():
    assert to_fahrenheit(0) == pytest.approx(32.0)


def test_boiling_point():
    assert to_fahrenheit(100) == pytest.approx(212.0)


def test_minus_forty_is_the_same_in_both_scales():
    assert to_fahrenheit(-40) == pytest.approx(-40.0)


@pytest.mark.parametrize(("celsius", "expected"), [(37, 98.6), (36.6, 97.88), (21.5, 70.7)])
def test_everyday_temperatures(celsius, expected):
    assert to_fahrenheit(celsius) == pytest.approx(expected)


def test_absolute_zero():
    assert to_fahrenheit(-273.15) == pytest.approx(-459.67)


def test_result_is_not_rounded():
    assert to_fahrenheit(1) == pytest.approx(33.8)
    assert to_fahrenheit(0.1) == pytest.approx(32.18)
