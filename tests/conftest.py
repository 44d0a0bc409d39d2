"""Fixtures of the project's own test suite (run with ``pytest tests``)."""

from __future__ import annotations

import asyncio
import contextlib
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from tests.fakes.openai_fake import make_app
from tests.fakes.script import Recorder

pytest_plugins = ["pytester"]

# Alternative reference solutions of bundled tasks: data for test_bench_tasks.py, not tests.
collect_ignore = ["alt_solutions"]

PUZZLE_STUB = '''
def add(a, b):
    """Return the sum of a and b."""
    raise NotImplementedError
'''
PUZZLE_SOLUTION = """
def add(a, b):
    return a + b
"""
PUZZLE_TESTS = """
from calc import add

def test_small():
    assert add(1, 2) == 3

def test_negative():
    assert add(-1, -2) == -3
"""

MakeTask = Callable[..., Path]


@pytest.fixture(autouse=True)
def _plain_inner_sessions(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytester sessions run without the asyncio plugins of the outer suite (they would warn about
    their own unset ini keys, which ``-W error`` turns into failures)."""
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester")  # it clears PYTEST_ADDOPTS when it starts
        monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:aiohttp -p no:asyncio")


@pytest.fixture
def make_task(pytester: pytest.Pytester) -> MakeTask:
    """Write a task folder ``bench_tasks/<cls>/<name>/`` into the pytester directory.

    Defaults give a tiny valid puzzle (oracle passes 2/2, nop fails 2/2); every part can be replaced.
    """

    def make(
        name: str = "add",
        cls: str = "puzzles",
        toml: str | None = None,
        workspace: dict[str, str] | None = None,
        tests: dict[str, str] | None = None,
        solution: dict[str, str] | None = None,
    ) -> Path:
        root = pytester.path / "bench_tasks" / cls / name
        files = {
            "task.toml": toml
            if toml is not None
            else 'title = "add"\ntags = ["demo"]\ninstruction = "Implement add."\n',
            **{f"workspace/{k}": v for k, v in (workspace or {"calc.py": PUZZLE_STUB}).items()},
            **{f"tests/{k}": v for k, v in (tests or {"test_calc.py": PUZZLE_TESTS}).items()},
            **{f"solution/{k}": v for k, v in (solution or {"calc.py": PUZZLE_SOLUTION}).items()},
        }
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


@dataclass
class FakeUpstream:
    """A fake OpenAI-compatible model server (tests/fakes/openai_fake.py) on loopback, in a thread."""

    base_url: str
    recorder: Recorder


@contextlib.contextmanager
def serve_fake_openai() -> Iterator[FakeUpstream]:
    """Run the fake OpenAI-compatible server on 127.0.0.1 in a thread of its own."""
    recorder = Recorder()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-openai", daemon=True)
    thread.start()

    async def start() -> tuple[web.AppRunner, int]:
        runner = web.AppRunner(make_app(recorder))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, int(runner.addresses[0][1])

    runner, port = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield FakeUpstream(f"http://127.0.0.1:{port}/v1", recorder)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture
def fake_openai() -> Iterator[FakeUpstream]:
    with serve_fake_openai() as fake:
        yield fake
