"""Strategy factories by name: the built-in ones, and whatever mapping the router is given.

A factory takes the spec's parameters (``{"threshold": "10"}``) and returns a fresh strategy
object; one object is made per cell, so per-cell state never leaks between cells. Names are
validated when a cell opens: a typo fails fast with the list of known names.

There is no process-wide registration: the router looks names up in the mapping it was built with
(``RouterConfig.strategies``; None means :data:`BUILTIN_STRATEGIES`). The pytest plugin collects
that mapping from the ``pytest_arena_add_strategies`` hook (``docs/extending.md``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from ..specs import parse_spec
from .base import Strategy

__all__ = [
    "BUILTIN_STRATEGIES",
    "StrategyFactory",
    "check_strategy_name",
    "check_tiers",
    "known_strategies",
    "make_strategy",
]

StrategyFactory = Callable[[dict[str, str]], Strategy]


def _bundled(module: str, name: str) -> StrategyFactory:
    """The class ``name`` of ``module``, imported when the first strategy of its kind is made:
    checking a session's strategy names must not load every strategy's dependencies (numpy)."""

    def factory(params: dict[str, str]) -> Strategy:
        strategy: Strategy = getattr(importlib.import_module(f".{module}", __package__), name)(params)
        return strategy

    factory.__name__ = factory.__qualname__ = name
    return factory


#: The bundled strategies (read-only; pass a mapping of your own to add or replace some).
BUILTIN_STRATEGIES: Mapping[str, StrategyFactory] = MappingProxyType(
    {
        "always-local": _bundled("always", "AlwaysLocal"),
        "always-cloud": _bundled("always", "AlwaysCloud"),
        "rules": _bundled("rules", "Rules"),
        "heuristic": _bundled("heuristic", "Heuristic"),
        "llm-classifier": _bundled("classifier", "LLMClassifier"),
        "embedding-knn": _bundled("knn", "EmbeddingKNN"),
        "cascade": _bundled("cascade", "Cascade"),
        "phase-aware": _bundled("phase", "PhaseAware"),
        "escalate": _bundled("escalate", "Escalate"),
        "turbo": _bundled("turbo", "Turbo"),
    }
)


def check_strategy_name(name: str) -> None:
    """ValueError unless ``name`` can stand as a strategy's name in a spec (no ``@``, no spaces)."""
    if "@" in name or parse_spec(name)[0] != name:
        raise ValueError(f"strategy name {name!r} must be a plain name (parameters go in the spec)")


def known_strategies(factories: Mapping[str, StrategyFactory] | None = None) -> list[str]:
    """The names ``factories`` (None: the built-in ones) can make, sorted."""
    return sorted(BUILTIN_STRATEGIES if factories is None else factories)


def make_strategy(spec: str, factories: Mapping[str, StrategyFactory] | None = None) -> Strategy:
    """A fresh strategy for ``name@k=v;k2=v2`` from ``factories`` (None: the built-in ones).
    ValueError names a bad name (listing the known ones) or a bad parameter."""
    table = BUILTIN_STRATEGIES if factories is None else factories
    name, params = parse_spec(spec)
    factory = table.get(name)
    if factory is None:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown strategy {name!r} in {spec!r}; known strategies: {known}")
    return factory(params)


def check_tiers(spec: str, strategy: Strategy, available: Iterable[str]) -> None:
    """ValueError when ``strategy`` needs a tier (``requires_tiers``) the router does not have,
    naming the strategy, the missing tier and how to configure it."""
    have = set(available)
    missing = sorted(set(getattr(strategy, "requires_tiers", frozenset())) - have)
    if missing:
        raise ValueError(
            f"strategy {spec!r} needs a {' and a '.join(missing)} tier, but the router has only "
            f"{', '.join(t for t in ('local', 'mid', 'cloud') if t in have)}; configure one with "
            f"--arena-mid=<backend spec> (standalone router: --mid; RouterConfig.mid)"
        )
