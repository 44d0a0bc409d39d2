"""Password hashing.

Format: ``sha1$<salt>$<hex digest>`` where the digest is
``sha1((salt + password).encode("utf-8"))`` and the salt is 8 random hex characters.
"""

import hashlib
import secrets


def hash_password(password: str, salt: str | None = None) -> str:
    """Return the stored form of ``password`` (a fresh random salt unless given)."""
    if salt is None:
        salt = secrets.token_hex(4)
    digest = hashlib.sha1((salt + password).encode("utf-8")).hexdigest()
    return f"sha1${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches the stored hash.

    Raises ValueError if ``stored`` is not in a known format.
    """
    parts = stored.split("$")
    if len(parts) != 3 or parts[0] != "sha1":
        raise ValueError(f"unknown password hash format: {stored[:12]!r}...")
    _, salt, _ = parts
    return hash_password(password, salt) == stored
