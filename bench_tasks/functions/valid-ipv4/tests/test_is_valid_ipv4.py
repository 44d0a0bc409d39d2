import pytest

from netcheck import is_valid_ipv4


@pytest.mark.parametrize(
    "address",
    ["192.168.0.1", "255.255.255.255", "0.0.0.0", "10.0.0.10", "1.2.3.4", "127.0.0.1"],
)
def test_valid_addresses(address):
    assert is_valid_ipv4(address) is True


@pytest.mark.parametrize("address", ["1.2.3", "1.2.3.4.5", "", "1234"])
def test_wrong_number_of_parts(address):
    assert is_valid_ipv4(address) is False


@pytest.mark.parametrize("address", ["256.1.1.1", "1.2.3.999", "1.300.2.3"])
def test_part_out_of_range(address):
    assert is_valid_ipv4(address) is False


@pytest.mark.parametrize("address", ["01.2.3.4", "00.1.1.1", "1.2.3.010"])
def test_leading_zeros(address):
    assert is_valid_ipv4(address) is False


@pytest.mark.parametrize("address", ["1..3.4", "1.2.3.", ".1.2.3"])
def test_empty_parts(address):
    assert is_valid_ipv4(address) is False


@pytest.mark.parametrize("address", ["1.2.3.4 ", " 1.2.3.4", "1.2. 3.4"])
def test_spaces(address):
    assert is_valid_ipv4(address) is False


@pytest.mark.parametrize("address", ["a.b.c.d", "-1.2.3.4", "+1.2.3.4", "1.2.3.4x"])
def test_non_digit_characters(address):
    assert is_valid_ipv4(address) is False
