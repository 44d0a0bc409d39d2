"""Routing strategies: one module per strategy, ``registry.py`` to find them by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..lazy import load_lazy

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
    """The names above, imported from their module on first use (``lazy.py``)."""
    return load_lazy(__name__, _LAZY, globals(), name)
