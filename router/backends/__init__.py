"""Backends: one module per upstream wire protocol, chosen by the scheme of a backend spec."""

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
