"""Hooks that other plugins and ``conftest.py`` files implement to extend pytest-hybridarena.

Added through ``pytest_addhooks``; all names start with ``pytest_arena_``. Factories are
``firstresult``: the first implementation that returns something wins, so a conftest can override
a bundled agent by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_hybridarena.agents.base import Agent


@pytest.hookspec(firstresult=True)
def pytest_arena_make_agent(name: str, params: dict[str, str], config: pytest.Config) -> Agent | None:
    """Return the agent adapter called ``name`` (the spec without ``@params``), or None.

    ``params`` are the spec's parameters (``builtin@rounds=2`` → ``{"rounds": "2"}``). Called once
    per agent spec per process. Example, in a ``conftest.py`` or an installed plugin::

        from pytest_hybridarena.agents.base import AgentRequest, AgentResult

        class EchoAgent:
            name = "echo"
            uses_llm = False

            def available(self):
                return True, ""

            def run(self, request: AgentRequest) -> AgentResult:
                (request.workspace / "NOTES.md").write_text(request.instruction)
                return AgentResult("ok")

        def pytest_arena_make_agent(name, params, config):
            if name == "echo":
                return EchoAgent()
    """


def pytest_arena_agent_names(config: pytest.Config) -> list[str]:  # type: ignore[empty-body]
    """Return the agent names this plugin can make (listed when a user names an unknown agent).

    Example::

        def pytest_arena_agent_names(config):
            return ["echo"]
    """


def pytest_arena_add_strategies(config: pytest.Config) -> dict[str, Any]:  # type: ignore[empty-body]
    """Return routing strategies to add, as ``{name: factory}``; ``factory(params)`` makes one
    strategy object per cell (``params`` from the spec: ``mine@bias=2`` → ``{"bias": "2"}``).

    A strategy has ``decide(request, context) -> Decision``; see ``docs/strategies.md``. Example::

        from pytest_hybridarena.router.strategies.base import Decision, StrategyBase

        class LongGoesCloud(StrategyBase):
            name = "long-cloud"
            allowed = frozenset({"chars"})

            async def decide(self, request, context):
                limit = self.integer("chars", 8000)
                size = sum(len(str(m.get("content", ""))) for m in request.messages)
                choice = "cloud" if size > limit else "local"
                return Decision(choice, f"{size} chars vs {limit}", 1.0, {"chars": size})

        def pytest_arena_add_strategies(config):
            return {"long-cloud": LongGoesCloud}
    """


def pytest_arena_update_row(row: dict[str, Any], item: pytest.Item) -> None:
    """Mutate a cell's row (the wire dict) before it leaves the worker. Runs on xdist workers, so
    add builtins only (str, int, float, bool, None, list, dict). Example::

        def pytest_arena_update_row(row, item):
            row.setdefault("extra", {})["gpu"] = "none"
    """
