"""Backends: one module per upstream wire protocol, chosen by the scheme of a backend spec."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    """The names above, imported from their module on first use (PEP 562): importing this package
    for one light module (``specs``, ``settings``) must not load aiohttp or every strategy."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
