"""notes: a command-line notes tool on SQLite with FTS5 full-text search."""

__all__ = ["cli", "db"]
