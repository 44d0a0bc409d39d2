"""Entry point of the validation."""

from typing import Any

from confcheck.schema import Schema


def validate(data: Any, schema: Schema) -> list[str]:
    """Return the problems of ``data`` against ``schema`` as ``"<path>: <message>"`` strings.

    The path of the document itself is shown as ``(root)``. An empty list means valid.
    """
    problems: list[tuple[str, str]] = []
    schema.check(data, "", problems)
    return [f"{path or '(root)'}: {message}" for path, message in problems]
