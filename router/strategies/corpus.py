"""The labelled examples embedding-knn votes with: short coding requests, each marked as work a
small local model handles ("local") or work worth a frontier model ("cloud"). Written for this
project; balanced (same count per label) so the vote has no prior."""

from __future__ import annotations

__all__ = ["CORPUS"]

CORPUS: tuple[tuple[str, str], ...] = (
    ("Rename the variable tmp to buffer in utils.py", "local"),
    ("Fix the typo in the docstring of parse_args", "local"),
    ("Add a docstring to the slugify function", "local"),
    ("Format this file with black", "local"),
    ("What does the zip builtin return in Python 3?", "local"),
    ("Change the default port from 8000 to 8080", "local"),
    ("Convert this for loop into a list comprehension", "local"),
    ("Add type hints to this small helper function", "local"),
    ("Write a function that reverses a string", "local"),
    ("Make the error message say which file was missing", "local"),
    ("Sort the imports at the top of the module", "local"),
    ("Add a unit test for the empty-list case of mean()", "local"),
    ("Replace print statements with logging.debug calls", "local"),
    ("Return None instead of raising when the key is missing", "local"),
    ("Write a regex that matches an ISO date like 2024-05-01", "local"),
    ("Delete the unused import of os", "local"),
    ("Make this function return a tuple instead of a list", "local"),
    ("Add a --verbose flag to the argparse parser", "local"),
    ("Implement is_leap_year(year)", "local"),
    ("Read a CSV file and print the number of rows", "local"),
    ("Design a plugin system for this application with versioned extension points", "cloud"),
    ("Refactor the whole authentication module to support OAuth and sessions", "cloud"),
    ("Find the race condition in this async job queue and fix it", "cloud"),
    ("Plan the migration of our monolith's database schema to a multi-tenant layout", "cloud"),
    ("Review this code for security vulnerabilities, including injection and SSRF", "cloud"),
    ("Explain why this recursive algorithm is exponential and rewrite it to be linear", "cloud"),
    ("Implement a thread-safe LRU cache with TTL expiry and metrics", "cloud"),
    ("Optimize this query-heavy endpoint that takes 4 seconds under load", "cloud"),
    ("Write a parser and evaluator for arithmetic expressions with precedence and errors", "cloud"),
    ("Compare event sourcing with CRUD for our order service and recommend one", "cloud"),
    ("Debug why the distributed lock sometimes lets two workers in", "cloud"),
    ("Split this 2000-line module into packages without breaking the public API", "cloud"),
    ("Implement the Raft leader election for our cluster manager", "cloud"),
    ("Add end-to-end tests across the API, the worker and the database", "cloud"),
    ("Design the caching strategy for a read-heavy GraphQL API with invalidation", "cloud"),
    ("Port this C extension to Rust with the same ABI and benchmarks", "cloud"),
    ("Work out why memory grows steadily in this long-running service", "cloud"),
    ("Implement a bowling score calculator handling strikes, spares and the tenth frame", "cloud"),
    ("Write a scheduler that respects dependencies, priorities and resource limits", "cloud"),
    ("Architect a retry and backoff layer shared by all our HTTP clients", "cloud"),
)
