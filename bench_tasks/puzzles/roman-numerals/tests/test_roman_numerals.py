import pytest

from roman import from_roman, to_roman

KNOWN = [
    (1, "I"),
    (3, "III"),
    (4, "IV"),
    (5, "V"),
    (9, "IX"),
    (14, "XIV"),
    (40, "XL"),
    (44, "XLIV"),
    (90, "XC"),
    (400, "CD"),
    (444, "CDXLIV"),
    (900, "CM"),
    (1994, "MCMXCIV"),
    (2024, "MMXXIV"),
    (3888, "MMMDCCCLXXXVIII"),
    (3999, "MMMCMXCIX"),
]


def test_to_roman_known_values():
    assert [to_roman(n) for n, _ in KNOWN] == [s for _, s in KNOWN]


def test_from_roman_known_values():
    assert [from_roman(s) for _, s in KNOWN] == [n for n, _ in KNOWN]


def test_round_trip_full_range():
    seen = set()
    for n in range(1, 4000):
        numeral = to_roman(n)
        assert from_roman(numeral) == n
        seen.add(numeral)
    assert len(seen) == 3999


@pytest.mark.parametrize("number", [0, -1, 4000, 10_000])
def test_to_roman_out_of_range(number):
    with pytest.raises(ValueError):
        to_roman(number)


@pytest.mark.parametrize("value", [5.0, "5", None])
def test_to_roman_rejects_non_int(value):
    with pytest.raises(TypeError):
        to_roman(value)


@pytest.mark.parametrize("text", ["", "xiv", "Xiv", " XIV", "XIV ", "X IV", "ABC", "XIVZ", "0"])
def test_from_roman_rejects_malformed(text):
    with pytest.raises(ValueError):
        from_roman(text)


@pytest.mark.parametrize(
    "text", ["IIII", "VV", "IC", "XM", "IIX", "VX", "MMMM", "LL", "DD", "XXXX", "IVI", "CMM", "XCX"]
)
def test_from_roman_rejects_non_canonical(text):
    with pytest.raises(ValueError):
        from_roman(text)


@pytest.mark.parametrize("value", [14, None, b"XIV"])
def test_from_roman_rejects_non_str(value):
    with pytest.raises(TypeError):
        from_roman(value)
