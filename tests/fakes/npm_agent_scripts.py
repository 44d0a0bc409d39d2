"""Scripted model answers for the npm agent CLIs (cline, opencode, claude-code), in their own tool
protocols, for their end-to-end tests.

Each CLI offers the model its own tools; the names and argument shapes below were read from the
tool schemas each CLI sent to a recording fake (cline 3.0.65, opencode-ai 1.18.33, claude-code
2.1.330). A script answers by the state of the conversation: "read the file", then "edit it", then a
closing text without tool calls, which ends the CLI's run. The workspace's
absolute path (the tools want absolute paths) is read from the environment block every one of these
CLIs puts in its prompt.

cline and opencode speak OpenAI to the router, and the router speaks OpenAI to ``openai_fake``;
claude-code speaks Anthropic, and its cells use the ``anthropic:`` backend in front of
``anthropic_fake``, so tool calls reach it as ``tool_use`` blocks and come back as ``tool_result``.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes import anthropic_fake, openai_fake
from tests.fakes.agent_scripts import ProtocolRecorder, Respond
from tests.fakes.script import Reply

__all__ = ["STEPS", "edit_script", "fake_cli", "loop_script", "serve_app", "workspace_of"]

_WORKSPACE = re.compile(r"(/[^\s\"'`<>]*/workspace)(?![\w.-])")
OLD, NEW = "raise NotImplementedError", "return a + b"


def _calc(ws: str) -> str:
    return f"{ws}/calc.py"


# Per CLI: (read tool, its arguments), (edit tool, its arguments), as functions of the workspace path.
STEPS: dict[str, list[tuple[str, Any]]] = {
    "cline": [
        ("read_files", lambda ws: {"files": [{"path": _calc(ws)}]}),
        ("editor", lambda ws: {"path": _calc(ws), "old_text": OLD, "new_text": NEW}),
    ],
    "opencode": [
        ("read", lambda ws: {"filePath": _calc(ws)}),
        ("edit", lambda ws: {"filePath": _calc(ws), "oldString": OLD, "newString": NEW}),
    ],
    "claude-code": [
        ("Read", lambda ws: {"file_path": _calc(ws)}),
        ("Edit", lambda ws: {"file_path": _calc(ws), "old_string": OLD, "new_string": NEW}),
    ],
}


def _texts(body: dict[str, Any]) -> Iterator[str]:
    system = body.get("system")
    if system:
        yield json.dumps(system)
    for message in body.get("messages", []):
        content = message.get("content")
        yield content if isinstance(content, str) else json.dumps(content)


def workspace_of(body: dict[str, Any]) -> str | None:
    """The workspace's absolute path as the CLI's prompt states it (``…/workspace``)."""
    for text in _texts(body):
        match = _WORKSPACE.search(text.replace("\\n", "\n"))
        if match:
            return match.group(1)
    return None


def last_tool_call(body: dict[str, Any]) -> str | None:
    """The name of the tool the model called in its latest turn (OpenAI ``tool_calls`` or Anthropic
    ``tool_use`` blocks), None when its latest turn called none or there is no turn yet.

    Deciding by the latest turn, not by counting results, holds when a CLI trims or dedupes its
    history (claude-code keeps one of several results that share a ``tool_use_id``, and
    ``anthropic_fake`` numbers ids per reply).
    """
    for message in reversed(body.get("messages", [])):
        if message.get("role") != "assistant":
            continue
        for call in message.get("tool_calls") or []:
            return str(call.get("function", {}).get("name"))
        content = message.get("content")
        if isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_use":
                    return str(block.get("name"))
        return None
    return None


def edit_script(agent: str) -> Respond:
    """Solve the ``add`` puzzle (``tests/conftest.py``) the way ``agent``'s tools want it: read
    ``calc.py``, edit it, then say so without calling a tool (which ends the CLI's run)."""
    (read, read_args), (edit, edit_args) = STEPS[agent]

    def respond(body: dict[str, Any]) -> Reply:
        ws = workspace_of(body)
        if not body.get("tools") or ws is None:  # titles, summaries: not the agent loop
            return Reply(text="Implement add", prompt_tokens=120, completion_tokens=4)
        last = last_tool_call(body)
        if last == edit:
            return Reply(text="add() now returns a + b.", prompt_tokens=950, completion_tokens=12)
        name, args = (edit, edit_args) if last == read else (read, read_args)
        return Reply(
            text="",
            tool_calls=[{"name": name, "arguments": args(ws)}],
            prompt_tokens=900,
            completion_tokens=40,
        )

    return respond


def loop_script(agent: str) -> Respond:
    """A model that never stops calling tools and never edits: it reads ``calc.py`` forever (with a
    different line range each time, so no repeated-call detector ends it first)."""
    name, args = STEPS[agent][0]
    calls = [0]

    def respond(body: dict[str, Any]) -> Reply:
        ws = workspace_of(body)
        if not body.get("tools") or ws is None:
            return Reply(text="Looping", prompt_tokens=100, completion_tokens=3)
        calls[0] += 1
        n = calls[0]
        call = dict(args(ws))
        if agent == "cline":
            call = {"files": [{"path": _calc(ws), "start_line": 1, "end_line": n}]}
        else:
            call["offset" if agent == "opencode" else "limit"] = n
        return Reply(
            text="", tool_calls=[{"name": name, "arguments": call}], prompt_tokens=500, completion_tokens=20
        )

    return respond


@contextmanager
def serve_app(recorder: ProtocolRecorder, protocol: str = "openai") -> Iterator[str]:
    """The OpenAI or Anthropic fake answering from ``recorder`` on 127.0.0.1, in its own thread.
    Yields the URL a backend spec wants: ``…/v1`` for ``openai:``, the root for ``anthropic:``."""
    app: web.Application = (anthropic_fake if protocol == "anthropic" else openai_fake).make_app(recorder)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name=f"fake-{protocol}-model", daemon=True)
    thread.start()
    runner = web.AppRunner(app)

    async def start() -> int:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    try:
        port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
        yield f"http://127.0.0.1:{port}" + ("" if protocol == "anthropic" else "/v1")
    finally:
        loop.call_soon_threadsafe(recorder.hang.set)
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def fake_cli(path: Path, events: str, version: str = "9.9.9") -> str:
    """A stand-in executable for adapter tests that need no real CLI: prints ``version`` for
    ``--version``; otherwise writes its argv and environment to ``<path>.json`` and runs the Python
    ``events`` snippet (which prints the CLI's JSON lines; ``sys``, ``json``, ``time`` imported)."""
    import sys

    path.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, time\n"
        f"if sys.argv[1:] == ['--version']:\n    print({version!r}); sys.exit(0)\n"
        f"open({str(path) + '.json'!r}, 'w').write(json.dumps({{'argv': sys.argv, 'env': dict(os.environ),"
        " 'cwd': os.getcwd()}))\n" + events + "\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return str(path)
