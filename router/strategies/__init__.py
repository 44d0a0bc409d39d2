"""Routing strategies: one module per strategy, ``registry.py`` to find them by name."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import CallOutcome, Decision, SessionContext, Strategy, StrategyBase
    from .registry import BUILTIN_STRATEGIES, StrategyFactory, known_strategies, make_strategy

__all__ = [
    "BUILTIN_STRATEGIES",
    "CallOutcome",
    "Decision",
    "SessionContext",
    "Strategy",
    "StrategyBase",
    "StrategyFactory",
    "known_strategies",
    "make_strategy",
]

_LAZY = {
    "CallOutcome": ".base",
    "Decision": ".base",
    "SessionContext": ".base",
    "Strategy": ".base",
    "StrategyBase": ".base",
    "BUILTIN_STRATEGIES": ".registry",
    "StrategyFactory": ".registry",
    "known_strategies": ".registry",
    "make_strategy": ".registry",
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
