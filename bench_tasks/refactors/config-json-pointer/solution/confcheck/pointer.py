"""JSON pointers (RFC 6901)."""

from collections.abc import Iterable


def escape(segment: str | int) -> str:
    """Escape one reference token: ``~`` -> ``~0`` first, then ``/`` -> ``~1``."""
    return str(segment).replace("~", "~0").replace("/", "~1")


def to_pointer(path: Iterable[str | int]) -> str:
    """``("a/b", 0)`` -> ``"/a~1b/0"``; the empty path is ``""`` (the whole document)."""
    return "".join("/" + escape(segment) for segment in path)
