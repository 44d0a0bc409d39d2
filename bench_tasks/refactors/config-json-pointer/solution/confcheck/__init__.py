"""confcheck: validate JSON configuration against a small schema language."""

from confcheck.pointer import to_pointer
from confcheck.schema import Bool, Field, Int, ListOf, MapOf, Obj, Schema, Str
from confcheck.service import SERVICE_SCHEMA
from confcheck.validator import ValidationError, validate

__all__ = [
    "SERVICE_SCHEMA",
    "Bool",
    "Field",
    "Int",
    "ListOf",
    "MapOf",
    "Obj",
    "Schema",
    "Str",
    "ValidationError",
    "to_pointer",
    "validate",
]
