"""A small schema language.

Every schema node has ``check(value, path, errors)``: it appends one
``(path, message)`` tuple to ``errors`` per problem found in ``value``. ``path`` is
the location of ``value`` in the document as a tuple of segments (object keys as
str, array indices as int): ``()`` for the document itself, ``("upstreams", 0, "host")``
for a nested one. ``confcheck.pointer.to_pointer`` turns it into a JSON pointer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
Problems = list[tuple[Path, str]]


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def child(path: Path, key: str) -> Path:
    return (*path, key)


def item(path: Path, index: int) -> Path:
    return (*path, index)


class Schema:
    expected = "any"

    def check(self, value: Any, path: Path, errors: Problems) -> None:
        raise NotImplementedError

    def _type_ok(self, value: Any, path: Path, errors: Problems) -> bool:
        actual = json_type(value)
        if actual != self.expected:
            errors.append((path, f"expected {self.expected}, got {actual}"))
            return False
        return True


@dataclass
class Str(Schema):
    min_len: int = 0
    choices: tuple[str, ...] | None = None
    expected = "string"

    def check(self, value: Any, path: Path, errors: Problems) -> None:
        if not self._type_ok(value, path, errors):
            return
        if len(value) < self.min_len:
            errors.append((path, f"must be at least {self.min_len} characters"))
        elif self.choices is not None and value not in self.choices:
            errors.append((path, "must be one of: " + ", ".join(self.choices)))


@dataclass
class Int(Schema):
    minimum: int | None = None
    maximum: int | None = None
    expected = "integer"

    def check(self, value: Any, path: Path, errors: Problems) -> None:
        if not self._type_ok(value, path, errors):
            return
        if self.minimum is not None and value < self.minimum:
            errors.append((path, f"must be >= {self.minimum}"))
        elif self.maximum is not None and value > self.maximum:
            errors.append((path, f"must be <= {self.maximum}"))


@dataclass
class Bool(Schema):
    expected = "boolean"

    def check(self, value: Any, path: Path, errors: Problems) -> None:
        self._type_ok(value, path, errors)


@dataclass
class ListOf(Schema):
    item: Schema
    min_items: int = 0
    expected = "array"

    def check(self, value: Any, path: Path, errors: Problems) -> None:
        if not self._type_ok(value, path, errors):
            return
        if len(value) < self.min_items:
            errors.append((path, f"must have at least {self.min_items} items"))
        for index, element in enumerate(value):
            self.item.check(element, item(path, index), errors)


@dataclass
class MapOf(Schema):
    """An object with arbitrary keys whose values all match ``value``."""

    value: Schema
    expected = "object"

    def check(self, value: Any, path: Path, errors: Problems) -> None:
        if not self._type_ok(value, path, errors):
            return
        for key, element in value.items():
            self.value.check(element, child(path, key), errors)


@dataclass
class Field:
    schema: Schema
    required: bool = True


@dataclass
class Obj(Schema):
    fields: dict[str, Field] = field(default_factory=dict)
    allow_extra: bool = False
    expected = "object"

    def check(self, value: Any, path: Path, errors: Problems) -> None:
        if not self._type_ok(value, path, errors):
            return
        for name, spec in self.fields.items():
            if name in value:
                spec.schema.check(value[name], child(path, name), errors)
            elif spec.required:
                errors.append((child(path, name), "is required"))
        if not self.allow_extra:
            for key in value:
                if key not in self.fields:
                    errors.append((child(path, key), "unknown key"))
