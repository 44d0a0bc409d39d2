"""Backends: one module per upstream wire protocol, chosen by the scheme of a backend spec."""

from .base import Backend, BackendOptions, Stream, UpstreamError
from .registry import known_backends, make_backend, register_backend

__all__ = [
    "Backend",
    "BackendOptions",
    "Stream",
    "UpstreamError",
    "known_backends",
    "make_backend",
    "register_backend",
]
