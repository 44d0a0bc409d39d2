"""authkit: user registration and password login."""

from authkit.errors import AccountLocked, AuthError, InvalidCredentials, UserExists, WeakPassword
from authkit.service import AuthService
from authkit.store import JsonUserStore, MemoryUserStore, UserRecord

__all__ = [
    "AccountLocked",
    "AuthError",
    "AuthService",
    "InvalidCredentials",
    "JsonUserStore",
    "MemoryUserStore",
    "UserExists",
    "UserRecord",
    "WeakPassword",
]
