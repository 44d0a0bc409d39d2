"""Exceptions raised by authkit."""


class AuthError(Exception):
    """Base class of every authkit error."""


class UserExists(AuthError):
    """``register`` was called for a username that is taken."""


class WeakPassword(AuthError):
    """The password does not meet the policy, or the username is invalid."""


class InvalidCredentials(AuthError):
    """Unknown user or wrong password (deliberately indistinguishable)."""


class AccountLocked(AuthError):
    """Too many consecutive failed logins; ``unlock`` the account first."""
