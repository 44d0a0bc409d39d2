"""Entry point of the validation."""

from dataclasses import dataclass
from typing import Any

from confcheck.pointer import to_pointer
from confcheck.schema import Schema


@dataclass(frozen=True)
class ValidationError:
    """One problem: ``pointer`` is the RFC 6901 JSON pointer of the offending value
    (``""`` for the whole document), ``message`` says what is wrong."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '(root)'}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


def validate(data: Any, schema: Schema) -> list[ValidationError]:
    """Return the problems of ``data`` against ``schema`` in document order; [] when valid."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    schema.check(data, (), problems)
    return [ValidationError(to_pointer(path), message) for path, message in problems]
