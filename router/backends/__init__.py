"""Backends: one module per upstream wire protocol, chosen by the scheme of a backend spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..lazy import load_lazy

if TYPE_CHECKING:
    from .base import Backend, BackendOptions, Stream, UpstreamError
    from .registry import BackendFactory, builtin_backends, known_backends, make_backend

__all__ = [
    "Backend",
    "BackendFactory",
    "BackendOptions",
    "Stream",
    "UpstreamError",
    "builtin_backends",
    "known_backends",
    "make_backend",
]

_LAZY = {
    "Backend": ".base",
    "BackendOptions": ".base",
    "Stream": ".base",
    "UpstreamError": ".base",
    "BackendFactory": ".registry",
    "builtin_backends": ".registry",
    "known_backends": ".registry",
    "make_backend": ".registry",
}


def __getattr__(name: str) -> Any:
    """The names above, imported from their module on first use (``lazy.py``)."""
    return load_lazy(__name__, _LAZY, globals(), name)
