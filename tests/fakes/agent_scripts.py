"""Scripted model answers in the protocols of real agent CLIs, for their end-to-end tests.

A :class:`ProtocolRecorder` stands in for a model behind the OpenAI fake (``openai_fake.py``): it
picks each reply by looking at the request (the system prompt aider's coder sends, how many turns
mini-swe-agent has had, whether tools were offered), so a script holds however the CLI orders or
retries its calls. :func:`serve` runs the fake on a loopback port in its own thread, as the
session router would see a real model server.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.openai_fake import make_app
from tests.fakes.script import Recorder, Reply

Respond = Callable[[dict[str, Any]], Reply]
FENCE = "```"
SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"  # mini-swe-agent 2.x's end-of-task command


@dataclass
class ProtocolRecorder(Recorder):
    """A :class:`Recorder` whose reply is ``respond(request body)`` (queued replies still go first)."""

    respond: Respond = field(default=lambda body: Reply())

    async def take(self, request: web.Request) -> tuple[dict[str, Any], Reply]:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        return body, (self.queue.pop(0) if self.queue else self.respond(body))


@contextmanager
def serve(recorder: Recorder) -> Iterator[str]:
    """The OpenAI fake answering from ``recorder`` on 127.0.0.1; yields its ``…/v1`` base URL."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-agent-model", daemon=True)
    thread.start()
    runner = web.AppRunner(make_app(recorder))

    async def start() -> int:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    try:
        port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        loop.call_soon_threadsafe(recorder.hang.set)
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


AUDIT_HOOK = """
import sys
def _hook(event, args):
    if event in ("socket.getaddrinfo", "socket.connect"):
        with open({log!r}, "a") as fh:
            fh.write(repr(args[0] if event == "socket.getaddrinfo" else args[1]) + "\\n")
sys.addaudithook(_hook)
"""


def audit_network(folder: Path) -> tuple[Path, Path]:
    """A ``sitecustomize.py`` in ``folder`` (put it on a CLI's PYTHONPATH) that logs every host the
    CLI's Python resolves or connects to. Returns (folder, log file)."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "net.log"
    (folder / "sitecustomize.py").write_text(AUDIT_HOOK.format(log=str(log)))
    return folder, log


def hosts_reached(log: Path) -> set[str]:
    """The hosts in an :func:`audit_network` log (it must exist: the hook loaded and saw a call)."""
    return {line.split(",")[0].strip("('\"") for line in log.read_text().splitlines()}


def system_prompt(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content")) for m in body.get("messages", []) if m.get("role") == "system")


# -- aider ------------------------------------------------------------------------------------------
def aider_script(path: str, old: str, new: str, whole: str, plan: str = "") -> Respond:
    """Answer aider like a model that knows the fix: a plan for its architect coder, a SEARCH/REPLACE
    block for the diff coders, a whole-file listing for the whole coders (aider's prompts say which
    format they expect: checked against aider-chat 0.86.2)."""

    def respond(body: dict[str, Any]) -> Reply:
        prompt = system_prompt(body)
        if "architect engineer" in prompt:
            return Reply(text=plan or f"In {path}, replace `{old.strip()}` with `{new.strip()}`.")
        if "SEARCH/REPLACE" in prompt:
            block = f"<<<<<<< SEARCH\n{old}=======\n{new}>>>>>>> REPLACE\n"
            return Reply(text=f"Here is the fix.\n\n{path}\n{FENCE}python\n{block}{FENCE}\n")
        return Reply(text=f"Here is the fix.\n\n{path}\n{FENCE}\n{whole}{FENCE}\n")

    return respond


# -- mini-swe-agent ---------------------------------------------------------------------------------
def _turns(body: dict[str, Any]) -> int:
    return sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")


def mini_script(commands: list[str]) -> Respond:
    """Answer mini-swe-agent with ``commands`` one per turn, then its submit command: as a ``bash``
    tool call when the request offers tools (mini's v2 default), else as the one
    ``mswea_bash_command`` block its text protocol parses."""
    steps = [*commands, SUBMIT]

    def respond(body: dict[str, Any]) -> Reply:
        command = steps[min(_turns(body), len(steps) - 1)]
        if body.get("tools"):
            return Reply(
                text="THOUGHT: next step.",
                tool_calls=[{"name": "bash", "arguments": {"command": command}}],
                prompt_tokens=300,
                completion_tokens=40,
            )
        return Reply(
            text=f"THOUGHT: next step.\n\n{FENCE}mswea_bash_command\n{command}\n{FENCE}\n",
            prompt_tokens=300,
            completion_tokens=40,
        )

    return respond


def nonsense(body: dict[str, Any]) -> Reply:
    """A model that talks but never edits: no edit block, no tool call, no command."""
    return Reply(text="I like turtles. " + json.dumps(len(body.get("messages", []))))
