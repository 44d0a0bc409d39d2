"""Hostile task data and process helpers for tests/test_hostile.py and tests/test_sandbox.py."""
