"""confcheck: validate JSON configuration against a small schema language."""

from confcheck.schema import Bool, Field, Int, ListOf, MapOf, Obj, Schema, Str
from confcheck.service import SERVICE_SCHEMA
from confcheck.validator import validate

__all__ = ["SERVICE_SCHEMA", "Bool", "Field", "Int", "ListOf", "MapOf", "Obj", "Schema", "Str", "validate"]
