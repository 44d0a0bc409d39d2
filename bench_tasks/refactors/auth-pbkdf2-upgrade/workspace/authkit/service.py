"""Registration, login and password changes."""

import re

from authkit import hashing
from authkit.errors import AccountLocked, InvalidCredentials, UserExists, WeakPassword
from authkit.store import UserRecord

_USERNAME = re.compile(r"[a-z0-9_-]{3,32}")
MIN_PASSWORD_LENGTH = 8


def _normalize(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise WeakPassword(f"invalid username: {username!r}")
    return name


def _check_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


class AuthService:
    """Register users and check their passwords against a store.

    ``store`` is any object with ``get(username) -> UserRecord | None`` and
    ``put(record)``.
    """

    def __init__(self, store, *, max_failed: int = 5) -> None:
        if max_failed < 1:
            raise ValueError("max_failed must be >= 1")
        self.store = store
        self.max_failed = max_failed

    def register(self, username: str, password: str) -> UserRecord:
        name = _normalize(username)
        _check_policy(password)
        if self.store.get(name) is not None:
            raise UserExists(name)
        record = UserRecord(username=name, password_hash=hashing.hash_password(password))
        self.store.put(record)
        return record

    def login(self, username: str, password: str) -> UserRecord:
        """Return the user's record if ``password`` is right.

        Raises InvalidCredentials (unknown user, wrong password) or AccountLocked.
        """
        try:
            name = _normalize(username)
        except WeakPassword:
            raise InvalidCredentials(username) from None
        record = self.store.get(name)
        if record is None:
            raise InvalidCredentials(name)
        if record.locked:
            raise AccountLocked(name)
        if not hashing.verify_password(password, record.password_hash):
            record.failed_attempts += 1
            if record.failed_attempts >= self.max_failed:
                record.locked = True
            self.store.put(record)
            raise InvalidCredentials(name)
        if record.failed_attempts:
            record.failed_attempts = 0
            self.store.put(record)
        return record

    def change_password(self, username: str, old_password: str, new_password: str) -> UserRecord:
        record = self.login(username, old_password)
        _check_policy(new_password)
        record.password_hash = hashing.hash_password(new_password)
        self.store.put(record)
        return record

    def unlock(self, username: str) -> None:
        name = _normalize(username)
        record = self.store.get(name)
        if record is None:
            raise InvalidCredentials(name)
        record.locked = False
        record.failed_attempts = 0
        self.store.put(record)
