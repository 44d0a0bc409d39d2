"""Routing strategies: one module per strategy, ``registry.py`` to find them by name."""

from pytest_hybridarena.router.strategies.base import (
    CallOutcome,
    CellContext,
    Decision,
    Strategy,
    StrategyBase,
)
from pytest_hybridarena.router.strategies.registry import known_strategies, make_strategy, register_strategy

__all__ = [
    "CallOutcome",
    "CellContext",
    "Decision",
    "Strategy",
    "StrategyBase",
    "known_strategies",
    "make_strategy",
    "register_strategy",
]
