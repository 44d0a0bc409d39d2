"""Hooks that other plugins and ``conftest.py`` files implement to extend pytest-hybridarena.

Added through ``pytest_addhooks``; all names start with ``pytest_arena_``. The four kinds of
extension register the same way (``docs/extending.md``): a ``pytest_arena_add_<kind>s(config)``
hook returns ``{name: factory}``, implemented in a ``conftest.py``, in any pytest plugin, or in a
module named in the ``pytest_hybridarena`` entry-point group of an installed distribution::

    [project.entry-points.pytest_hybridarena]
    myext = "mypkg.arena_ext"

The bundled agents, strategies, backends and sandboxes are added through the same hooks, by the
plugin's own implementations (``shell/builtins.py``, marked ``trylast``). On a name clash the
implementation called first wins (pluggy calls ``tryfirst`` ones first, then the most recently
registered), so a conftest or an extension can replace a bundled entry by name.

The hooks are called once per process (per xdist worker, which loads the same conftests and
plugins) when the plugin is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_hybridarena.agents.base import Agent


def pytest_arena_add_agents(config: pytest.Config) -> dict[str, Any]:  # type: ignore[empty-body]
    """Return agents to add, as ``{name: factory}``; ``factory()`` makes the agent (once per agent
    spec and process). The spec's ``@params`` reach the agent in ``AgentRequest.params`` and, if it
    has one, through its ``check_params(params)`` at start-up. See ``docs/agents.md``. Example::

        class EchoAgent:
            name = "echo"
            uses_llm = False

            def available(self):
                return True, ""

            def run(self, request):
                (request.workspace / "NOTES.md").write_text(request.instruction)
                return AgentResult("ok")

        def pytest_arena_add_agents(config):
            return {"echo": EchoAgent}
    """


def pytest_arena_add_strategies(config: pytest.Config) -> dict[str, Any]:  # type: ignore[empty-body]
    """Return routing strategies to add, as ``{name: factory}``; ``factory(params)`` makes one
    strategy object per cell (``params`` from the spec: ``mine@bias=2`` → ``{"bias": "2"}``).
    The factories travel to every router the plugin starts (``RouterConfig.strategies``).

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


def pytest_arena_add_backends(config: pytest.Config) -> dict[str, Any]:  # type: ignore[empty-body]
    """Return backends to add, as ``{scheme: factory}``; ``factory(spec, options)`` builds the
    backend of a ``<scheme>:<model>[@url][;k=v]`` spec (``BackendSpec``, ``BackendOptions``) inside
    the router, once per router and tier. The plugin hands the mapping to every router it starts
    (``RouterConfig.backends``); the router never imports the plugin. See ``docs/router.md``.
    Example::

        from pytest_hybridarena.router.backends.openai import OpenAIBackend

        def pytest_arena_add_backends(config):
            return {"myserver": OpenAIBackend}  # myserver:<model>@<url> speaks OpenAI
    """


def pytest_arena_add_sandboxes(config: pytest.Config) -> dict[str, Any]:  # type: ignore[empty-body]
    """Return sandboxes to add, as ``{name: factory}``; ``factory()`` makes the sandbox that runs
    every acceptance suite of the process when ``--arena-sandbox=<name>``. A sandbox has ``name``,
    ``available() -> (ok, reason)`` and ``run(argv, *, cwd, timeout_s, ...) -> SandboxResult``; see
    ``docs/sandbox.md``. Example::

        from pytest_hybridarena.run.sandbox import ProcessSandbox

        def pytest_arena_add_sandboxes(config):
            return {"offline": lambda: ProcessSandbox(network="require")}
    """


@pytest.hookspec(firstresult=True)
def pytest_arena_make_agent(name: str, params: dict[str, str], config: pytest.Config) -> Agent | None:
    """Return the agent adapter called ``name`` (the spec without ``@params``), or None.

    Asked before the ``pytest_arena_add_agents`` table, so it can decide per name and parameters;
    the first implementation that returns an agent wins. ``params`` are the spec's parameters
    (``builtin@rounds=2`` → ``{"rounds": "2"}``). Called once per agent spec per process. Example::

        def pytest_arena_make_agent(name, params, config):
            if name == "echo":
                return EchoAgent()
    """


def pytest_arena_agent_names(config: pytest.Config) -> list[str]:  # type: ignore[empty-body]
    """Return the agent names your ``pytest_arena_make_agent`` can make (listed when a user names
    an unknown agent; names from ``pytest_arena_add_agents`` are listed anyway). Example::

        def pytest_arena_agent_names(config):
            return ["echo"]
    """


def pytest_arena_update_row(row: dict[str, Any], item: pytest.Item) -> None:
    """Mutate a cell's row (the wire dict) before it leaves the worker. Runs on xdist workers, so
    add builtins only (str, int, float, bool, None, list, dict). Example::

        def pytest_arena_update_row(row, item):
            row.setdefault("extra", {})["gpu"] = "none"
    """
