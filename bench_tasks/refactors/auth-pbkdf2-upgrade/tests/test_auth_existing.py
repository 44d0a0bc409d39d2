import json

import pytest

from authkit import (
    AccountLocked,
    AuthError,
    InvalidCredentials,
    JsonUserStore,
    MemoryUserStore,
    UserExists,
    UserRecord,
    WeakPassword,
)
from authkit import AuthService as _AuthService
from auth_helpers import FAST, legacy_hash


def AuthService(store, **kwargs):
    """The service under test, with a low work factor where the code supports one
    (these tests cover behaviour that predates the ``iterations`` option)."""
    try:
        return _AuthService(store, iterations=FAST, **kwargs)
    except TypeError:
        return _AuthService(store, **kwargs)


def test_register_then_login():
    auth = AuthService(MemoryUserStore())
    auth.register("Alice", "correct horse")
    record = auth.login("alice", "correct horse")
    assert isinstance(record, UserRecord)
    assert record.username == "alice"
    assert auth.login("  ALICE ", "correct horse").username == "alice"


def test_password_is_not_stored_in_clear():
    store = MemoryUserStore()
    AuthService(store).register("bob", "s3cret-pass")
    assert "s3cret-pass" not in store.get("bob").password_hash


def test_wrong_password_and_unknown_user():
    auth = AuthService(MemoryUserStore())
    auth.register("carol", "password1")
    with pytest.raises(InvalidCredentials):
        auth.login("carol", "password2")
    with pytest.raises(InvalidCredentials):
        auth.login("dave", "password1")
    with pytest.raises(InvalidCredentials):
        auth.login("x", "password1")


@pytest.mark.parametrize(("username", "password"), [("al", "longenough"), ("bad name", "longenough"), ("erin", "short")])
def test_register_policy(username, password):
    with pytest.raises(WeakPassword):
        AuthService(MemoryUserStore()).register(username, password)


def test_register_twice():
    auth = AuthService(MemoryUserStore())
    auth.register("frank", "password1")
    with pytest.raises(UserExists):
        auth.register("FRANK", "password2")


def test_lockout_and_unlock(seed, store):
    seed("gina", legacy_hash("right-password"))
    auth = AuthService(store, max_failed=3)
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            auth.login("gina", "wrong-password")
    assert store.get("gina").failed_attempts == 2
    with pytest.raises(InvalidCredentials):
        auth.login("gina", "wrong-password")
    assert store.get("gina").locked
    with pytest.raises(AccountLocked):
        auth.login("gina", "right-password")
    auth.unlock("gina")
    assert auth.login("gina", "right-password").username == "gina"


def test_success_resets_failure_counter(seed, store):
    seed("hank", legacy_hash("right-password"))
    auth = AuthService(store, max_failed=2)
    with pytest.raises(InvalidCredentials):
        auth.login("hank", "nope-nope")
    auth.login("hank", "right-password")
    assert store.get("hank").failed_attempts == 0
    with pytest.raises(InvalidCredentials):
        auth.login("hank", "nope-nope")
    assert not store.get("hank").locked


def test_change_password():
    auth = AuthService(MemoryUserStore())
    auth.register("ivy", "first-password")
    with pytest.raises(InvalidCredentials):
        auth.change_password("ivy", "wrong-password", "second-password")
    with pytest.raises(WeakPassword):
        auth.change_password("ivy", "first-password", "short")
    auth.change_password("ivy", "first-password", "second-password")
    with pytest.raises(InvalidCredentials):
        auth.login("ivy", "first-password")
    auth.login("ivy", "second-password")


def test_json_store_round_trip(tmp_path):
    path = tmp_path / "users.json"
    AuthService(JsonUserStore(path)).register("jack", "password1")
    data = json.loads(path.read_text())
    assert set(data) == {"jack"}
    assert AuthService(JsonUserStore(path)).login("jack", "password1").username == "jack"


def test_errors_share_a_base_class():
    for exc in (AccountLocked, InvalidCredentials, UserExists, WeakPassword):
        assert issubclass(exc, AuthError)
