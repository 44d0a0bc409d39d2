"""Backend registry: spec scheme -> factory. ``register_backend`` lets later work add ``embedded:``
(llama.cpp in-process) or ``replay:`` backends without touching this package."""

from __future__ import annotations

from collections.abc import Callable

from ..specs import BackendSpec, parse_backend_spec
from .base import Backend, BackendOptions

__all__ = ["BackendFactory", "known_backends", "make_backend", "register_backend"]

BackendFactory = Callable[[BackendSpec, BackendOptions], Backend]

_FACTORIES: dict[str, BackendFactory] = {}


def register_backend(scheme: str, factory: BackendFactory, *, replace: bool = False) -> None:
    """Make ``<scheme>:<model>[@url]`` specs build backends with ``factory(spec, options)``."""
    key = scheme.lower()
    if key in _FACTORIES and not replace:
        raise ValueError(f"backend scheme {scheme!r} is already registered (pass replace=True)")
    _FACTORIES[key] = factory


def known_backends() -> list[str]:
    _ensure_builtins()
    return sorted(_FACTORIES)


def make_backend(spec: str | BackendSpec, options: BackendOptions) -> Backend:
    """Build a backend from a spec string; ValueError names the spec and the known schemes."""
    _ensure_builtins()
    parsed = parse_backend_spec(spec) if isinstance(spec, str) else spec
    factory = _FACTORIES.get(parsed.scheme)
    if factory is None:
        raise ValueError(
            f"backend spec {parsed.text!r}: unknown scheme {parsed.scheme!r}; "
            f"known: {', '.join(sorted(_FACTORIES))}"
        )
    return factory(parsed, options)


def _ensure_builtins() -> None:
    if "openai" in _FACTORIES:
        return
    from .anthropic import AnthropicBackend
    from .ollama import OllamaBackend
    from .openai import OpenAIBackend

    _FACTORIES.setdefault("openai", OpenAIBackend)
    _FACTORIES.setdefault("ollama", OllamaBackend)
    _FACTORIES.setdefault("anthropic", AnthropicBackend)
    _FACTORIES.setdefault("embedded", _embedded)
    _FACTORIES.setdefault("replay", _replay)


def _embedded(spec: BackendSpec, options: BackendOptions) -> Backend:
    """llama.cpp in-process; imported on first use so llama-cpp-python stays optional."""
    from .embedded import EmbeddedBackend

    return EmbeddedBackend(spec, options)


def _replay(spec: BackendSpec, options: BackendOptions) -> Backend:
    """``replay:<scheme>:<model>;dir=<tapes>``: answers from recorded tapes (docs/router.md)."""
    from .replay import replay_backend_from_spec

    return replay_backend_from_spec(spec, options)
