"""A pytest run of one npm agent CLI on the ``add`` puzzle, through the real session router, against a
scripted fake model (shared by test_cline.py, test_opencode.py and test_claude_code.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import MakeTask
from tests.fakes.agent_scripts import ProtocolRecorder, Respond
from tests.fakes.npm_agent_scripts import serve_app
from tests.test_plugin import rows_of

BUDGET_S = 150  # the task's timeout_s: the adapter kills the CLI's process group by then
TASK_TOML = (
    f'title = "add"\ntags = ["demo"]\ninstruction = "Implement add in calc.py."\ntimeout_s = {BUDGET_S}\n'
)

CONFTEST = """
from pytest_hybridarena.agents.{module} import {cls}

def pytest_arena_make_agent(name, params, config):
    return {cls}() if name == {name!r} else None

def pytest_arena_agent_names(config):
    return [{name!r}]
"""


def run_arena(
    pytester: pytest.Pytester,
    make_task: MakeTask,
    agent: tuple[str, str, str],
    respond: Respond,
    protocol: str = "openai",
    spec_params: str = "",
) -> tuple[pytest.RunResult, dict[str, Any], ProtocolRecorder]:
    """Run ``--arena-agents=<name><spec_params>`` (``agent`` = (name, module, class)) with both router
    backends on one fake answering ``respond``; return the run, its one row and the recorder."""
    name, module, cls = agent
    make_task("add", toml=TASK_TOML)
    pytester.makeconftest(CONFTEST.format(module=module, cls=cls, name=name))
    recorder = ProtocolRecorder(respond=respond)
    with serve_app(recorder, protocol) as url:
        result = pytester.runpytest(
            "bench_tasks",
            f"--arena-agents={name}{spec_params}",
            "--arena-strategies=always-cloud",
            f"--arena-local={protocol}:fake-small@{url}",
            f"--arena-cloud={protocol}:fake-big@{url}",
        )
    [row] = rows_of(pytester)
    return result, row, recorder
