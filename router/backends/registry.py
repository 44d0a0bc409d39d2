"""Backend factories by spec scheme: the built-in ones, and whatever mapping the router is given.

A factory is ``factory(spec: BackendSpec, options: BackendOptions) -> Backend``. There is no
process-wide registration: a router builds its backends from the mapping it was constructed with
(``RouterConfig.backends``; None means the built-in schemes). The pytest plugin collects that
mapping from the ``pytest_arena_add_backends`` hook and hands it to every router it starts
(``docs/extending.md``), so what a run can use never depends on import or registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..specs import BackendSpec, parse_backend_spec

if TYPE_CHECKING:  # base.py imports aiohttp: only a backend being built needs it
    from .base import Backend, BackendOptions

__all__ = ["BackendFactory", "builtin_backends", "check_scheme", "known_backends", "make_backend"]

BackendFactory = Callable[[BackendSpec, "BackendOptions"], "Backend"]


def _openai(spec: BackendSpec, options: BackendOptions) -> Backend:
    from .openai import OpenAIBackend

    return OpenAIBackend(spec, options)


def _ollama(spec: BackendSpec, options: BackendOptions) -> Backend:
    from .ollama import OllamaBackend

    return OllamaBackend(spec, options)


def _anthropic(spec: BackendSpec, options: BackendOptions) -> Backend:
    from .anthropic import AnthropicBackend

    return AnthropicBackend(spec, options)


def _embedded(spec: BackendSpec, options: BackendOptions) -> Backend:
    """llama.cpp in-process; imported on first use so llama-cpp-python stays optional."""
    from .embedded import EmbeddedBackend

    return EmbeddedBackend(spec, options)


def _replay(spec: BackendSpec, options: BackendOptions) -> Backend:
    """``replay:<scheme>:<model>;dir=<tapes>``: answers from recorded tapes (docs/router.md)."""
    from .replay import replay_backend_from_spec

    return replay_backend_from_spec(spec, options)


# The table used when a router is given no mapping. Modules are imported only when a backend of
# theirs is built, so importing the registry stays cheap.
_FACTORIES: dict[str, BackendFactory] = {
    "openai": _openai,
    "ollama": _ollama,
    "anthropic": _anthropic,
    "embedded": _embedded,
    "replay": _replay,
}


def builtin_backends() -> dict[str, BackendFactory]:
    """A fresh copy of the built-in ``{scheme: factory}`` table (extend it and pass it on)."""
    return dict(_FACTORIES)


def check_scheme(scheme: str) -> None:
    """ValueError unless ``scheme`` can start a backend spec (``<scheme>:<model>``)."""
    try:
        ok = parse_backend_spec(f"{scheme}:model").scheme == scheme
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"backend scheme {scheme!r} must be a lower-case name of letters, digits, '_', '.', '-' "
            "(specs read '<scheme>:<model>')"
        )


def known_backends(factories: Mapping[str, BackendFactory] | None = None) -> list[str]:
    """The schemes ``factories`` (None: the built-in ones) can build, sorted."""
    return sorted(_FACTORIES if factories is None else factories)


def make_backend(
    spec: str | BackendSpec, options: BackendOptions, factories: Mapping[str, BackendFactory] | None = None
) -> Backend:
    """Build a backend from a spec with ``factories`` (None: the built-in ones); ValueError names
    the spec and the known schemes."""
    table = _FACTORIES if factories is None else factories
    parsed = parse_backend_spec(spec) if isinstance(spec, str) else spec
    factory = table.get(parsed.scheme)
    if factory is None:
        raise ValueError(
            f"backend spec {parsed.text!r}: unknown scheme {parsed.scheme!r}; "
            f"known: {', '.join(sorted(table))}"
        )
    return factory(parsed, options)
