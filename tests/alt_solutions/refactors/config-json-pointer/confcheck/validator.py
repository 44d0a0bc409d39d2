"""Entry point of the validation."""

from typing import Any

from confcheck.schema import Schema


class ValidationError:
    """A problem found in a document, located by an RFC 6901 JSON pointer."""

    __slots__ = ("message", "pointer")

    def __init__(self, pointer: str, message: str) -> None:
        self.pointer = pointer
        self.message = message

    def __str__(self) -> str:
        where = self.pointer if self.pointer != "" else "(root)"
        return where + ": " + self.message

    def __repr__(self) -> str:
        return f"ValidationError(pointer={self.pointer!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ValidationError):
            return NotImplemented
        return (self.pointer, self.message) == (other.pointer, other.message)

    def __hash__(self) -> int:
        return hash((self.pointer, self.message))


def validate(data: Any, schema: Schema) -> list[ValidationError]:
    """Every problem of ``data`` against ``schema``, in document order ([] when valid)."""
    found: list[tuple[str, str]] = []
    schema.check(data, "", found)
    return [ValidationError(pointer, message) for pointer, message in found]
