"""Strategy registry: built-ins, then the ``pytest_hybridarena.strategies`` entry-point group.

A factory takes the spec's parameters (``{"threshold": "10"}``) and returns a fresh strategy
object; one object is made per cell, so per-cell state never leaks between cells. Names are
validated when a cell opens: a typo fails fast with the list of known names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import entry_points

from ..specs import parse_spec
from .always import AlwaysCloud, AlwaysLocal
from .base import Strategy
from .cascade import Cascade
from .classifier import LLMClassifier
from .escalate import Escalate
from .heuristic import Heuristic
from .knn import EmbeddingKNN
from .phase import PhaseAware
from .rules import Rules
from .turbo import Turbo

__all__ = [
    "ENTRY_POINT_GROUP",
    "StrategyFactory",
    "check_tiers",
    "known_strategies",
    "make_strategy",
    "register_strategy",
]

ENTRY_POINT_GROUP = "pytest_hybridarena.strategies"
StrategyFactory = Callable[[dict[str, str]], Strategy]

_BUILTIN: dict[str, StrategyFactory] = {
    "always-local": AlwaysLocal,
    "always-cloud": AlwaysCloud,
    "rules": Rules,
    "heuristic": Heuristic,
    "llm-classifier": LLMClassifier,
    "embedding-knn": EmbeddingKNN,
    "cascade": Cascade,
    "phase-aware": PhaseAware,
    "escalate": Escalate,
    "turbo": Turbo,
}
_REGISTRY: dict[str, StrategyFactory] = dict(_BUILTIN)
_entry_points_loaded = False


def register_strategy(name: str, factory: StrategyFactory, *, replace: bool = False) -> None:
    """Add a strategy under ``name`` (a plain function: the plugin's hook calls it too)."""
    parse_spec(name)  # validates the name's characters
    if "@" in name:
        raise ValueError(f"strategy name {name!r} must not contain '@' (parameters go in the spec)")
    if name in _REGISTRY and not replace:
        raise ValueError(f"strategy {name!r} is already registered (pass replace=True to override)")
    _REGISTRY[name] = factory


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _REGISTRY:
            _REGISTRY[ep.name] = ep.load()


def known_strategies() -> list[str]:
    _load_entry_points()
    return sorted(_REGISTRY)


def make_strategy(spec: str) -> Strategy:
    """A fresh strategy for ``name@k=v;k2=v2``. ValueError names a bad name (listing the known
    ones) or a bad parameter."""
    _load_entry_points()
    name, params = parse_spec(spec)
    factory = _REGISTRY.get(name)
    if factory is None:
        raise ValueError(
            f"unknown strategy {name!r} in {spec!r}; known strategies: {', '.join(sorted(_REGISTRY))}"
        )
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
