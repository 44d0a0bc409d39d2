"""confcheck: validate JSON configuration against a small schema language (JSON-pointer locations)."""

from confcheck.schema import Bool, Field, Int, ListOf, MapOf, Obj, Schema, Str
from confcheck.service import SERVICE_SCHEMA
from confcheck.validator import ValidationError, validate

__all__ = ["SERVICE_SCHEMA", "Bool", "Field", "Int", "ListOf", "MapOf", "Obj", "Schema", "Str", "ValidationError", "validate"]
