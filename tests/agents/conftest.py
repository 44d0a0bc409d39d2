"""Fixtures for the agent tests: the OpenAI fake from ``tests/fakes`` served on a real loopback port.

The router's tests drive the fake through aiohttp's test client, but an agent is a plain synchronous
HTTP client, so here the fake runs in its own thread and event loop, as the session router does.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from tests.fakes.openai_fake import make_app
from tests.fakes.script import Recorder


@dataclass(frozen=True)
class FakeOpenAI:
    """A running fake: script replies on ``recorder.queue``, read what it was sent from
    ``recorder.requests`` / ``recorder.headers``."""

    recorder: Recorder
    base_url: str


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    recorder = Recorder()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-openai", daemon=True)
    thread.start()
    runner = web.AppRunner(make_app(recorder))

    async def start() -> int:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    try:
        port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
        yield FakeOpenAI(recorder, f"http://127.0.0.1:{port}/v1")
    finally:
        loop.call_soon_threadsafe(recorder.hang.set)  # release a "hang" reply so cleanup can finish
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
