import hashlib
import json
import re

import pytest

from authkit import AccountLocked, AuthService, InvalidCredentials, JsonUserStore, UserRecord
from authkit import hashing
from auth_helpers import FAST, legacy_hash, parse_pbkdf2, pbkdf2_matches

PBKDF2_RE = re.compile(r"pbkdf2_sha256\$[1-9][0-9]*\$[0-9a-f]{32}\$[0-9a-f]{64}")


def test_hash_password_format_and_value():
    stored = hashing.hash_password("hunter22", iterations=FAST, salt=bytes(range(16)))
    assert PBKDF2_RE.fullmatch(stored)
    expected = hashlib.pbkdf2_hmac("sha256", "hunter22".encode(), bytes(range(16)), FAST).hex()
    assert stored == f"pbkdf2_sha256${FAST}${bytes(range(16)).hex()}${expected}"


def test_hash_password_uses_fresh_salts():
    a = hashing.hash_password("same password", iterations=FAST)
    b = hashing.hash_password("same password", iterations=FAST)
    assert PBKDF2_RE.fullmatch(a) and PBKDF2_RE.fullmatch(b)
    assert parse_pbkdf2(a)[1] != parse_pbkdf2(b)[1]
    assert pbkdf2_matches(a, "same password") and pbkdf2_matches(b, "same password")


def test_default_work_factor():
    assert hashing.DEFAULT_ITERATIONS >= 600_000
    iterations, _, _ = parse_pbkdf2(hashing.hash_password("pw-default"))
    assert iterations == hashing.DEFAULT_ITERATIONS


def test_non_ascii_password():
    stored = hashing.hash_password("pässwörd-ß", iterations=FAST)
    assert pbkdf2_matches(stored, "pässwörd-ß")
    assert hashing.verify_password("pässwörd-ß", stored)
    assert not hashing.verify_password("passwoerd-ss", stored)


def test_verify_both_formats():
    new = hashing.hash_password("open sesame", iterations=FAST)
    old = legacy_hash("open sesame")
    assert hashing.verify_password("open sesame", new)
    assert not hashing.verify_password("open sesame!", new)
    assert hashing.verify_password("open sesame", old)
    assert not hashing.verify_password("open sesame!", old)


@pytest.mark.parametrize(
    "stored",
    ["", "plaintext", "md5$ab$cd", "pbkdf2_sha256$abc$00$00", "pbkdf2_sha256$1000$00", "bcrypt$2b$12$xyz"],
)
def test_verify_rejects_unknown_formats(stored):
    with pytest.raises(ValueError):
        hashing.verify_password("whatever1", stored)


def test_needs_rehash():
    assert hashing.needs_rehash(legacy_hash("pw-one-two"), FAST)
    stored = hashing.hash_password("pw-one-two", iterations=FAST)
    assert not hashing.needs_rehash(stored, FAST)
    assert not hashing.needs_rehash(stored, FAST - 1)
    assert hashing.needs_rehash(stored, FAST + 1)
    assert hashing.needs_rehash(stored)


def test_register_and_change_password_store_pbkdf2(store):
    auth = AuthService(store, iterations=FAST)
    auth.register("kate", "first-password")
    first = store.get("kate").password_hash
    assert PBKDF2_RE.fullmatch(first) and parse_pbkdf2(first)[0] == FAST
    assert pbkdf2_matches(first, "first-password")
    auth.change_password("kate", "first-password", "second-password")
    second = store.get("kate").password_hash
    assert parse_pbkdf2(second)[0] == FAST
    assert pbkdf2_matches(second, "second-password")


def test_login_upgrades_legacy_hash(seed, store):
    seed("liam", legacy_hash("legacy-password"))
    auth = AuthService(store, iterations=FAST)
    record = auth.login("liam", "legacy-password")
    stored = store.get("liam").password_hash
    assert PBKDF2_RE.fullmatch(stored)
    assert parse_pbkdf2(stored)[0] == FAST
    assert pbkdf2_matches(stored, "legacy-password")
    assert record.password_hash == stored
    # and the upgraded hash keeps working
    auth.login("liam", "legacy-password")
    assert store.get("liam").password_hash == stored


def test_wrong_password_does_not_upgrade(seed, store):
    old = legacy_hash("legacy-password")
    seed("mia", old)
    auth = AuthService(store, iterations=FAST)
    with pytest.raises(InvalidCredentials):
        auth.login("mia", "not-the-password")
    assert store.get("mia").password_hash == old
    assert store.get("mia").failed_attempts == 1


def test_locked_account_is_not_upgraded(seed, store):
    old = legacy_hash("legacy-password")
    seed("noah", old, failed_attempts=5, locked=True)
    with pytest.raises(AccountLocked):
        AuthService(store, iterations=FAST).login("noah", "legacy-password")
    assert store.get("noah").password_hash == old


def test_login_upgrades_lower_work_factor_only(seed, store):
    weak = hashing.hash_password("some-password", iterations=FAST // 2)
    strong = hashing.hash_password("some-password", iterations=FAST * 2)
    seed("olga", weak)
    seed("pete", strong)
    auth = AuthService(store, iterations=FAST)
    auth.login("olga", "some-password")
    auth.login("pete", "some-password")
    upgraded = store.get("olga").password_hash
    assert parse_pbkdf2(upgraded)[0] == FAST and pbkdf2_matches(upgraded, "some-password")
    assert store.get("pete").password_hash == strong


def test_upgrade_is_persisted_in_json_store(tmp_path):
    path = tmp_path / "users.json"
    JsonUserStore(path).put(UserRecord(username="quinn", password_hash=legacy_hash("legacy-password")))
    AuthService(JsonUserStore(path), iterations=FAST).login("quinn", "legacy-password")
    on_disk = json.loads(path.read_text())["quinn"]["password_hash"]
    assert PBKDF2_RE.fullmatch(on_disk) and pbkdf2_matches(on_disk, "legacy-password")
    assert AuthService(JsonUserStore(path), iterations=FAST).login("quinn", "legacy-password")


def test_service_default_iterations(store):
    AuthService(store).register("rosa", "password-rosa")
    assert parse_pbkdf2(store.get("rosa").password_hash)[0] == hashing.DEFAULT_ITERATIONS
