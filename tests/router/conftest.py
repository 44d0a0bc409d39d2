"""Router test fixtures: fake upstreams on loopback ports and a router app pointed at them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from pytest_hybridarena.router.app import create_app
from pytest_hybridarena.router.keys import STATE
from pytest_hybridarena.router.settings import RouterConfig
from pytest_hybridarena.router.state import RouterState
from pytest_hybridarena.router.strategies.registry import make_strategy
from tests.fakes import anthropic_fake, ollama_fake, openai_fake
from tests.fakes.script import Recorder

ServerFactory = Callable[[web.Application], Awaitable[TestServer]]
ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


@dataclass
class Upstreams:
    local: Recorder
    cloud: Recorder
    local_url: str
    cloud_url: str


@dataclass
class Arena:
    """A router test client plus the fakes behind it and helpers to open cells."""

    client: TestClient[Any, Any]
    state: RouterState
    up: Upstreams
    decisions: Path

    def open(self, strategy: str = "always-local", key: str = "t/cell", seed: int = 0) -> str:
        cell = self.state.cells.open(key, strategy, make_strategy(strategy), seed, self.state.services)
        return f"/cell/{cell.id}"

    def usage(self, root: str) -> dict[str, Any]:
        cell = self.state.cells.get(root.rsplit("/", 1)[-1])
        assert cell is not None
        return cell.to_dict("l", "c", self.state.guards)

    def records(self) -> list[dict[str, Any]]:
        import json

        self.state.log.flush()
        if not self.decisions.exists():
            return []
        return [json.loads(line) for line in self.decisions.read_text().splitlines()]


@pytest.fixture
async def upstreams(aiohttp_server: ServerFactory) -> Upstreams:
    local, cloud = Recorder(), Recorder()
    local_srv = await aiohttp_server(ollama_fake.make_app(local))
    cloud_srv = await aiohttp_server(openai_fake.make_app(cloud))
    return Upstreams(local, cloud, str(local_srv.make_url("")).rstrip("/"), str(cloud_srv.make_url("/v1")))


@pytest.fixture
def config(upstreams: Upstreams, tmp_path: Path) -> RouterConfig:
    return RouterConfig(
        local=f"ollama:qwen-test@{upstreams.local_url}",
        cloud=f"openai:gpt-5.5@{upstreams.cloud_url}",
        decisions_path=tmp_path / "decisions.jsonl",
        run_id="test-run",
        retry_backoff_s=0.001,
        request_timeout_s=5.0,
        cloud_timeout_s=5.0,
    )


@pytest.fixture
def make_arena(
    aiohttp_client: ClientFactory, upstreams: Upstreams, config: RouterConfig
) -> Callable[..., Awaitable[Arena]]:
    async def make(**changes: Any) -> Arena:
        cfg = replace(config, **changes)
        app = create_app(cfg)
        client = await aiohttp_client(app)
        assert cfg.decisions_path is not None
        return Arena(client, app[STATE], upstreams, cfg.decisions_path)

    return make


@pytest.fixture
async def arena(make_arena: Callable[..., Awaitable[Arena]]) -> Arena:
    return await make_arena()


@pytest.fixture
async def anthropic_upstream(aiohttp_server: ServerFactory) -> tuple[Recorder, str]:
    rec = Recorder()
    srv = await aiohttp_server(anthropic_fake.make_app(rec))
    return rec, str(srv.make_url("")).rstrip("/")


def chat(text: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"model": "arena", "messages": [{"role": "user", "content": text}], **extra}


@pytest.fixture
def upstreams_sync() -> Iterator[Upstreams]:
    """Fake upstreams on their own loop in a thread, for tests that drive a RouterServer synchronously."""
    import asyncio
    import threading

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-upstreams", daemon=True)
    thread.start()
    local, cloud = Recorder(), Recorder()
    runners: list[web.AppRunner] = []

    async def serve(app: web.Application) -> int:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return int(runner.addresses[0][1])

    def run(coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(30)

    lport = run(serve(ollama_fake.make_app(local)))
    cport = run(serve(openai_fake.make_app(cloud)))
    yield Upstreams(local, cloud, f"http://127.0.0.1:{lport}", f"http://127.0.0.1:{cport}/v1")
    for runner in runners:
        run(runner.cleanup())
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)
    loop.close()
