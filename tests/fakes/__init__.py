"""Fake upstream model servers speaking the real wire formats, for the router's tests and bench."""
