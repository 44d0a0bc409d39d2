"""A small schema language.

Every schema node has ``check(value, where, errors)``. ``where`` is the JSON pointer
(RFC 6901) of ``value`` inside the document ("" for the document itself); each
problem is appended to ``errors`` as a ``(pointer, message)`` tuple.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Problems = list[tuple[str, str]]

_TYPE_NAMES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"), (dict, "object"))


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value."""
    if value is None:
        return "null"
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def under(where: str, token: str | int) -> str:
    """The pointer of member ``token`` of the value at pointer ``where``."""
    text = token if isinstance(token, str) else str(token)
    return where + "/" + text.replace("~", "~0").replace("/", "~1")


class Schema:
    expected = "any"

    def check(self, value: Any, where: str, errors: Problems) -> None:
        raise NotImplementedError

    def _type_ok(self, value: Any, where: str, errors: Problems) -> bool:
        got = json_type(value)
        if got == self.expected:
            return True
        errors.append((where, f"expected {self.expected}, got {got}"))
        return False


@dataclass
class Str(Schema):
    min_len: int = 0
    choices: tuple[str, ...] | None = None
    expected = "string"

    def check(self, value: Any, where: str, errors: Problems) -> None:
        if self._type_ok(value, where, errors):
            if len(value) < self.min_len:
                errors.append((where, f"must be at least {self.min_len} characters"))
            elif self.choices is not None and value not in self.choices:
                errors.append((where, "must be one of: " + ", ".join(self.choices)))


@dataclass
class Int(Schema):
    minimum: int | None = None
    maximum: int | None = None
    expected = "integer"

    def check(self, value: Any, where: str, errors: Problems) -> None:
        if self._type_ok(value, where, errors):
            if self.minimum is not None and value < self.minimum:
                errors.append((where, f"must be >= {self.minimum}"))
            elif self.maximum is not None and value > self.maximum:
                errors.append((where, f"must be <= {self.maximum}"))


@dataclass
class Bool(Schema):
    expected = "boolean"

    def check(self, value: Any, where: str, errors: Problems) -> None:
        self._type_ok(value, where, errors)


@dataclass
class ListOf(Schema):
    item: Schema
    min_items: int = 0
    expected = "array"

    def check(self, value: Any, where: str, errors: Problems) -> None:
        if not self._type_ok(value, where, errors):
            return
        if len(value) < self.min_items:
            errors.append((where, f"must have at least {self.min_items} items"))
        for position in range(len(value)):
            self.item.check(value[position], under(where, position), errors)


@dataclass
class MapOf(Schema):
    """An object with arbitrary keys whose values all match ``value``."""

    value: Schema
    expected = "object"

    def check(self, value: Any, where: str, errors: Problems) -> None:
        if self._type_ok(value, where, errors):
            for key in value:
                self.value.check(value[key], under(where, key), errors)


@dataclass
class Field:
    schema: Schema
    required: bool = True


@dataclass
class Obj(Schema):
    fields: dict[str, Field] = field(default_factory=dict)
    allow_extra: bool = False
    expected = "object"

    def check(self, value: Any, where: str, errors: Problems) -> None:
        if not self._type_ok(value, where, errors):
            return
        for name, spec in self.fields.items():
            if name not in value:
                if spec.required:
                    errors.append((under(where, name), "is required"))
                continue
            spec.schema.check(value[name], under(where, name), errors)
        if self.allow_extra:
            return
        errors.extend((under(where, key), "unknown key") for key in value if key not in self.fields)
