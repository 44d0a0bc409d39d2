import pytest

from sizes import format_size

KIB = 1024
MIB = 1024**2
GIB = 1024**3
TIB = 1024**4


@pytest.mark.parametrize(("n", "expected"), [(0, "0 B"), (1, "1 B"), (512, "512 B"), (1023, "1023 B")])
def test_below_one_kib_is_plain_bytes(n, expected):
    assert format_size(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (KIB, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (10 * KIB, "10.0 KiB"),
        (MIB, "1.0 MiB"),
        (5 * MIB + MIB // 2, "5.5 MiB"),
        (GIB, "1.0 GiB"),
        (3 * GIB, "3.0 GiB"),
        (TIB, "1.0 TiB"),
    ],
)
def test_unit_boundaries_and_exact_values(n, expected):
    assert format_size(n) == expected


def test_largest_unit_is_tib():
    assert format_size(1024 * TIB) == "1024.0 TiB"
    assert format_size(5000 * TIB) == "5000.0 TiB"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1126, "1.1 KiB"),  # 1.0996...
        (1075, "1.0 KiB"),  # 1.0498...
        (1229, "1.2 KiB"),  # 1.2001...
        (2047, "2.0 KiB"),  # 1.999...
    ],
)
def test_rounds_to_one_decimal(n, expected):
    assert format_size(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1280, "1.3 KiB"),  # exactly 1.25
        (2 * KIB + KIB // 4, "2.3 KiB"),  # exactly 2.25
        (KIB + KIB * 3 // 4, "1.8 KiB"),  # exactly 1.75
        (MIB + MIB // 4, "1.3 MiB"),  # exactly 1.25
        (3 * GIB + GIB * 3 // 4, "3.8 GiB"),  # exactly 3.75
        (2 * TIB + TIB // 4, "2.3 TiB"),  # exactly 2.25
    ],
)
def test_exact_halves_round_up(n, expected):
    assert format_size(n) == expected


def test_unit_is_chosen_before_rounding():
    assert format_size(MIB - 1) == "1024.0 KiB"
    assert format_size(GIB - 1) == "1024.0 MiB"
    assert format_size(TIB - 1) == "1024.0 GiB"


@pytest.mark.parametrize("n", [-1, -1024])
def test_negative_raises_value_error(n):
    with pytest.raises(ValueError):
        format_size(n)


@pytest.mark.parametrize("value", [1.5, 1024.0, "1024", None, True, False])
def test_non_int_raises_type_error(value):
    with pytest.raises(TypeError):
        format_size(value)
