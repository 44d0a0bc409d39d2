import pytest

from passwords import is_strong


def test_docstring_examples():
    assert is_strong("Secret123") is True
    assert is_strong("secret123") is False
    assert is_strong("Sec 12345") is False
    assert is_strong("Ab1") is False


@pytest.mark.parametrize("password", ["Abcdefg1", "P@ss-w0rd!", "xY9" * 5])
def test_passwords_meeting_every_rule(password):
    assert is_strong(password) is True


@pytest.mark.parametrize("password", ["Abcdef1", "", "Aa1"])
def test_too_short(password):
    assert is_strong(password) is False


def test_missing_upper_case():
    assert is_strong("lowercase99") is False


def test_missing_lower_case():
    assert is_strong("SECRET123") is False


def test_missing_digit():
    assert is_strong("SecretWord") is False


def test_space_anywhere_is_rejected():
    assert is_strong(" Secret123") is False
    assert is_strong("Secret123 ") is False
