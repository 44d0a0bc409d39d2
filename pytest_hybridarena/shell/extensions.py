"""What this process can run: agents, strategies, backends and sandboxes, collected once from the
``pytest_arena_add_*`` hooks (``hookspecs.py``, ``docs/extending.md``).

Everything registers the same way: the plugin's own implementations (``builtins.py``) add the
bundled entries, and conftests, pytest plugins and the modules of the ``pytest_hybridarena``
entry-point group add theirs. The result is one immutable :class:`Extensions` per config, kept in
``config.stash``; the router gets its backend and strategy tables from it at construction
(``RouterConfig.backends``/``strategies``), so nothing is registered process-wide and no import or
registration order matters. xdist workers configure themselves the same way (same conftests, same
installed plugins), so they see the same tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pytest

from pytest_hybridarena.agents.base import Agent
from pytest_hybridarena.router.backends.registry import BackendFactory, check_scheme
from pytest_hybridarena.router.specs import parse_backend_spec, parse_spec
from pytest_hybridarena.router.strategies.registry import (
    StrategyFactory,
    check_strategy_name,
    check_tiers,
    make_strategy,
)
from pytest_hybridarena.run.sandbox import SandboxFactory
from pytest_hybridarena.shell import builtins
from pytest_hybridarena.shell.settings import ArenaSettings, option_source

__all__ = [
    "BUILTINS_PLUGIN",
    "ENTRY_POINT_GROUP",
    "Extensions",
    "check_names",
    "extensions",
    "extensions_key",
    "load_extensions",
    "make_agent",
]

#: The entry-point group whose modules are registered as plugins (their hook implementations count).
ENTRY_POINT_GROUP = "pytest_hybridarena"
#: The name the bundled implementations are registered under (``-p no:hybridarena-builtins`` drops them).
BUILTINS_PLUGIN = "hybridarena-builtins"

AgentFactory = Callable[[], Agent]


@dataclass(frozen=True)
class Extensions:
    """``{name: factory}`` per kind, bundled entries first, in the order they were added."""

    agents: Mapping[str, AgentFactory]
    strategies: Mapping[str, StrategyFactory]
    backends: Mapping[str, BackendFactory]
    sandboxes: Mapping[str, SandboxFactory]


extensions_key = pytest.StashKey[Extensions]()


def _plain_name(kind: str) -> Callable[[str], None]:
    def check(name: str) -> None:
        if "@" in name or parse_spec(name)[0] != name:
            raise ValueError(f"{kind} name {name!r} must be a plain name (letters, digits, '_', '.', '-')")

    return check


def _merge(hook: str, results: Sequence[Any], check: Callable[[str], None]) -> Mapping[str, Any]:
    """One table from the hook's results. pluggy lists them in call order (the bundled ones, being
    ``trylast``, at the end), so merging from the back lets the first-called implementation win."""
    merged: dict[str, Any] = {}
    for added in reversed(results):
        if not isinstance(added, Mapping):
            raise pytest.UsageError(
                f"{hook}: an implementation returned {type(added).__name__}, not a dict of name: factory"
            )
        for name, factory in added.items():
            try:
                if not isinstance(name, str):
                    raise ValueError(f"name {name!r} is not a string")
                check(name)
                if not callable(factory):
                    raise ValueError(f"the factory for {name!r} is {factory!r}, which is not callable")
            except ValueError as exc:
                raise pytest.UsageError(f"{hook}: {exc}") from None
            merged[name] = factory
    return MappingProxyType(merged)


def load_extensions(config: pytest.Config) -> Extensions:
    """Register the bundled implementations and the ``pytest_hybridarena`` entry-point group's
    modules, then collect the four tables. Called once per process, at configure."""
    manager = config.pluginmanager
    if not manager.has_plugin(BUILTINS_PLUGIN) and not manager.is_blocked(BUILTINS_PLUGIN):
        manager.register(builtins, BUILTINS_PLUGIN)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    hook = config.hook
    found = Extensions(
        agents=_merge(
            "pytest_arena_add_agents", hook.pytest_arena_add_agents(config=config), _plain_name("agent")
        ),
        strategies=_merge(
            "pytest_arena_add_strategies",
            hook.pytest_arena_add_strategies(config=config),
            check_strategy_name,
        ),
        backends=_merge(
            "pytest_arena_add_backends", hook.pytest_arena_add_backends(config=config), check_scheme
        ),
        sandboxes=_merge(
            "pytest_arena_add_sandboxes",
            hook.pytest_arena_add_sandboxes(config=config),
            _plain_name("sandbox"),
        ),
    )
    config.stash[extensions_key] = found
    return found


def extensions(config: pytest.Config) -> Extensions:
    """This config's tables (collected on first use if configure has not done it yet)."""
    found = config.stash.get(extensions_key, None)
    return found if found is not None else load_extensions(config)


def make_agent(config: pytest.Config, spec: str) -> Agent:
    """Build an agent: the ``pytest_arena_make_agent`` hook first, then the ``pytest_arena_add_agents``
    table. UsageError for a malformed spec or an unknown name (listing every known one)."""
    try:
        name, params = parse_spec(spec)
    except ValueError as exc:
        raise pytest.UsageError(f"--arena-agents: {exc}") from None
    agent: Agent | None = config.hook.pytest_arena_make_agent(name=name, params=params, config=config)
    if agent is None:
        factory = extensions(config).agents.get(name)
        agent = factory() if factory is not None else None
    if agent is None:
        listed = {n for names in config.hook.pytest_arena_agent_names(config=config) for n in names}
        known = sorted(listed | set(extensions(config).agents))
        raise pytest.UsageError(f"--arena-agents: unknown agent {name!r}; known agents: {', '.join(known)}")
    return agent


def check_names(config: pytest.Config, settings: ArenaSettings) -> None:
    """Every name the run uses exists (UsageError naming the known ones), before any cell runs:
    backend schemes, the sandbox, agents (and their ``@params``), strategies (and their tiers)."""
    found = extensions(config)
    for tier in ("local", "mid", "cloud"):
        value = getattr(settings, tier)
        if not value:
            continue
        scheme = parse_backend_spec(value).scheme
        if scheme not in found.backends:
            raise pytest.UsageError(
                f"{option_source(config, tier)}: backend spec {value!r} has unknown scheme {scheme!r}; "
                f"known: {', '.join(sorted(found.backends))}"
            )
    if settings.sandbox not in found.sandboxes:
        raise pytest.UsageError(
            f"{option_source(config, 'sandbox')}: {settings.sandbox!r} is not one of "
            f"{', '.join(found.sandboxes)}"
        )
    for spec in settings.agents:
        agent = make_agent(config, spec)  # raises UsageError naming the known agents
        check = getattr(agent, "check_params", None)  # optional: adapters that take @params
        if check is not None:
            try:
                check(parse_spec(spec)[1])
            except ValueError as exc:
                raise pytest.UsageError(f"--arena-agents: {spec!r}: {exc}") from None
    tiers = ("local", "cloud", "mid") if settings.mid else ("local", "cloud")
    for spec in settings.strategies:
        try:
            check_tiers(spec, make_strategy(spec, found.strategies), tiers)  # name, parameters, tiers
        except ValueError as exc:
            raise pytest.UsageError(f"--arena-strategies: {exc}") from None
