"""Routing strategies: one module per strategy, ``registry.py`` to find them by name."""

from .base import (
    CallOutcome,
    Decision,
    SessionContext,
    Strategy,
    StrategyBase,
)
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
