"""Password hashing.

Current format: ``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`` where the hash is
``hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)`` (32 bytes)
and the salt is 16 random bytes.

Legacy format (verified, never produced): ``sha1$<salt>$<hex digest>`` with the digest
``sha1((salt + password).encode("utf-8"))``.
"""

import hashlib
import hmac
import secrets

DEFAULT_ITERATIONS = 600_000
SCHEME = "pbkdf2_sha256"
SALT_BYTES = 16


def _pbkdf2(password: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """Return the stored form of ``password`` (a fresh random 16-byte salt unless given)."""
    if not isinstance(iterations, int) or iterations < 1:
        raise ValueError("iterations must be a positive int")
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    digest = _pbkdf2(password, salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def _parse(stored: str) -> tuple[str, int, bytes, bytes]:
    """Split a stored hash into (scheme, iterations, salt, digest); ValueError if unknown."""
    parts = stored.split("$") if isinstance(stored, str) else []
    try:
        if len(parts) == 3 and parts[0] == "sha1":
            return "sha1", 0, parts[1].encode("utf-8"), bytes.fromhex(parts[2])
        if len(parts) == 4 and parts[0] == SCHEME and parts[1].isdigit() and int(parts[1]) >= 1:
            return SCHEME, int(parts[1]), bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError:
        pass
    raise ValueError(f"unknown password hash format: {str(stored)[:14]!r}...")


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored`` (current or legacy format).

    Comparison is constant-time. Raises ValueError if ``stored`` is not in a known format.
    """
    scheme, iterations, salt, expected = _parse(stored)
    if scheme == "sha1":
        actual = hashlib.sha1(salt + password.encode("utf-8")).digest()
    else:
        actual = _pbkdf2(password, salt, iterations)
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str, iterations: int = DEFAULT_ITERATIONS) -> bool:
    """True if ``stored`` is legacy or uses fewer than ``iterations`` PBKDF2 iterations."""
    scheme, stored_iterations, _, _ = _parse(stored)
    return scheme != SCHEME or stored_iterations < iterations
