"""Routing strategies: one module per strategy, ``registry.py`` to find them by name."""

from .base import (
    CallOutcome,
    Decision,
    SessionContext,
    Strategy,
    StrategyBase,
)
from .registry import known_strategies, make_strategy, register_strategy

__all__ = [
    "CallOutcome",
    "SessionContext",
    "Decision",
    "Strategy",
    "StrategyBase",
    "known_strategies",
    "make_strategy",
    "register_strategy",
]
