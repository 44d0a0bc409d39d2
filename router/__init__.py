"""The hybrid router: an aiohttp proxy that sends each agent LLM call to a local or a cloud model
according to a routing strategy, and accounts for every call per cell.

Import by full name (``pytest_hybridarena.router``); no pytest imports anywhere in here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .lazy import load_lazy
from .settings import RouterConfig
from .specs import format_spec, parse_backend_spec, parse_spec

if TYPE_CHECKING:
    from .backends.registry import builtin_backends, known_backends, make_backend
    from .strategies.registry import BUILTIN_STRATEGIES, known_strategies, make_strategy

__all__ = [
    "BUILTIN_STRATEGIES",
    "RouterConfig",
    "builtin_backends",
    "format_spec",
    "known_backends",
    "known_strategies",
    "make_backend",
    "make_strategy",
    "parse_backend_spec",
    "parse_spec",
]

_LAZY = {
    "builtin_backends": ".backends.registry",
    "known_backends": ".backends.registry",
    "make_backend": ".backends.registry",
    "BUILTIN_STRATEGIES": ".strategies.registry",
    "known_strategies": ".strategies.registry",
    "make_strategy": ".strategies.registry",
}


def __getattr__(name: str) -> Any:
    """The names above, imported from their module on first use (``lazy.py``)."""
    return load_lazy(__name__, _LAZY, globals(), name)
