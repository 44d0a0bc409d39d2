"""The bundled agents, strategies, backends and sandboxes, added through the same hooks an
extension implements (``docs/extending.md``). ``trylast``: any other implementation that returns
the same name wins, so a conftest or an installed extension can replace a bundled entry."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_hybridarena.agents import BUILTIN_AGENTS
from pytest_hybridarena.router.backends.registry import builtin_backends
from pytest_hybridarena.router.strategies.registry import BUILTIN_STRATEGIES
from pytest_hybridarena.run.sandbox import builtin_sandboxes


@pytest.hookimpl(trylast=True)
def pytest_arena_add_agents(config: pytest.Config) -> dict[str, Any]:
    return dict(BUILTIN_AGENTS)


@pytest.hookimpl(trylast=True)
def pytest_arena_add_strategies(config: pytest.Config) -> dict[str, Any]:
    return dict(BUILTIN_STRATEGIES)


@pytest.hookimpl(trylast=True)
def pytest_arena_add_backends(config: pytest.Config) -> dict[str, Any]:
    return builtin_backends()


@pytest.hookimpl(trylast=True)
def pytest_arena_add_sandboxes(config: pytest.Config) -> dict[str, Any]:
    return builtin_sandboxes()
