"""Helpers shared by the authkit tests (computed independently of authkit)."""

import hashlib

FAST = 1000  # iterations used by the tests, to keep them fast


def legacy_hash(password, salt="a1b2c3d4"):
    """The pre-existing sha1 format, computed independently of authkit."""
    return f"sha1${salt}$" + hashlib.sha1((salt + password).encode("utf-8")).hexdigest()


def parse_pbkdf2(stored):
    scheme, iterations, salt_hex, hash_hex = stored.split("$")
    assert scheme == "pbkdf2_sha256"
    return int(iterations), bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)


def pbkdf2_matches(stored, password):
    iterations, salt, digest = parse_pbkdf2(stored)
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations) == digest
