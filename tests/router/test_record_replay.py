"""Record / replay: exchanges recorded through fake upstreams (and once through the embedded tiny
model) are served back byte for byte, with the same usage, and with no model behind the router."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from pytest_hybridarena.router.app import create_app
from pytest_hybridarena.router.backends import registry
from pytest_hybridarena.router.backends.base import BackendOptions, UpstreamError
from pytest_hybridarena.router.backends.replay import flush_tapes
from pytest_hybridarena.router.keys import STATE
from pytest_hybridarena.router.server import RouterServer
from pytest_hybridarena.router.settings import RouterConfig
from pytest_hybridarena.router.specs import BackendSpec
from pytest_hybridarena.router.state import RouterState
from pytest_hybridarena.router.strategies.registry import make_strategy
from pytest_hybridarena.router.tapes import canonical_request, fingerprint, tape_name
from pytest_hybridarena.router.weights import ModelError, resolve_model
from pytest_hybridarena.router.wire.shapes import ChatRequest
from tests.fakes import ollama_fake, openai_fake
from tests.fakes.script import Recorder, Reply
from tests.router.conftest import chat

ServerFactory = Callable[[web.Application], Awaitable[TestServer]]
ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]

# What a row takes from a cell's usage; ids and latencies differ from run to run by design.
ROW_FIELDS = ("calls", "tokens", "cost_usd", "cost_unpriced_models", "models", "errors", "decisions")


@dataclass
class Fakes:
    """Fake local (Ollama native) and cloud (OpenAI) upstreams that a test can stop."""

    local: Recorder
    cloud: Recorder
    servers: list[TestServer]
    config: RouterConfig

    async def stop(self) -> None:
        for server in self.servers:
            await server.close()

    def requests(self) -> int:
        return len(self.local.requests) + len(self.cloud.requests)


@dataclass
class Router:
    client: TestClient[Any, Any]
    state: RouterState
    decisions: Path

    def open(self, key: str = "t/tape", strategy: str = "always-cloud") -> str:
        cell = self.state.cells.open(key, strategy, make_strategy(strategy), 0, self.state.services)
        return f"/cell/{cell.id}"

    async def post(self, root: str, body: dict[str, Any]) -> tuple[int, bytes, str]:
        resp = await self.client.post(root + "/v1/chat/completions", json=body)
        return resp.status, await resp.read(), resp.headers.get("X-Arena-Backend", "")

    def usage(self, root: str) -> dict[str, Any]:
        cell = self.state.cells.get(root.rsplit("/", 1)[-1])
        assert cell is not None
        usage = cell.to_dict("l", "c", self.state.guards)
        return {name: usage[name] for name in ROW_FIELDS}

    def records(self) -> list[dict[str, Any]]:
        self.state.log.flush()
        return [json.loads(line) for line in self.decisions.read_text().splitlines()]

    def flush(self) -> None:
        flush_tapes([*self.state.backends.values(), *self.state.extra_backends])


@pytest.fixture
async def fakes(aiohttp_server: ServerFactory, tmp_path: Path) -> Fakes:
    local, cloud = Recorder(), Recorder()
    local_srv = await aiohttp_server(ollama_fake.make_app(local))
    cloud_srv = await aiohttp_server(openai_fake.make_app(cloud))
    config = RouterConfig(
        local=f"ollama:qwen-test@{str(local_srv.make_url('')).rstrip('/')}",
        cloud=f"openai:gpt-5.5@{cloud_srv.make_url('/v1')}",
        run_id="tape-test",
        retry_backoff_s=0.001,
        request_timeout_s=5.0,
        cloud_timeout_s=5.0,
    )
    return Fakes(local, cloud, [local_srv, cloud_srv], config)


@pytest.fixture
def make_router(aiohttp_client: ClientFactory, tmp_path: Path) -> Callable[..., Awaitable[Router]]:
    count = 0

    async def make(config: RouterConfig, **changes: Any) -> Router:
        nonlocal count
        count += 1
        decisions = tmp_path / f"decisions-{count}.jsonl"
        app = create_app(replace(config, decisions_path=decisions, **changes))
        return Router(await aiohttp_client(app), app[STATE], decisions)

    return make


def _text(raw: bytes) -> str:
    text = raw.decode()
    if not text.startswith("data:"):
        return str(json.loads(text)["choices"][0]["message"]["content"])
    objs = [json.loads(e[6:]) for e in text.split("\n\n") if e.startswith("data: {")]
    return "".join(c["delta"].get("content") or "" for o in objs for c in o["choices"])


MIXED_CALLS = [
    chat("cloud, whole answer"),
    chat("cloud, streamed", stream=True, stream_options={"include_usage": True}),
    chat("local, whole answer", model="arena!local"),
    chat("local, streamed", model="arena!local", stream=True, stream_options={"include_usage": True}),
    chat("cloud, tool call", tools=[{"type": "function", "function": {"name": "read", "parameters": {}}}]),
]


async def test_replay_serves_recorded_answers_byte_for_byte_with_the_upstreams_stopped(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    fakes.cloud.queue += [
        Reply(text="cloud says hi", prompt_tokens=120, completion_tokens=9, cached_tokens=20),
        Reply(text="a streamed cloud answer", prompt_tokens=130, completion_tokens=11, chunks=4),
        Reply(text="", tool_calls=[{"name": "read", "arguments": {"path": "a.py"}}]),
    ]
    fakes.local.queue += [
        Reply(text="local says hi", prompt_tokens=30, completion_tokens=4),
        Reply(text="a streamed local answer", prompt_tokens=31, completion_tokens=6, chunks=5),
    ]
    tapes = tmp_path / "tapes"
    recording = await make_router(fakes.config, record_dir=tapes)
    root = recording.open()
    recorded = [await recording.post(root, body) for body in MIXED_CALLS]
    recorded_usage = recording.usage(root)
    recording.flush()
    await fakes.stop()
    sent = fakes.requests()

    replaying = await make_router(fakes.config, replay_dir=tapes)
    root = replaying.open()
    replayed = [await replaying.post(root, body) for body in MIXED_CALLS]

    assert [status for status, _, _ in recorded] == [200] * len(MIXED_CALLS)
    assert replayed == recorded  # status, every byte the agent sees, and X-Arena-Backend
    assert replaying.usage(root) == recorded_usage
    assert recorded_usage["tokens"]["cloud_prompt"] > 0
    assert recorded_usage["tokens"]["local_prompt"] > 0
    assert fakes.requests() == sent
    assert [r["replay"] for r in replaying.records()] == [
        ["cloud:hit"],
        ["cloud:hit"],
        ["local:hit"],
        ["local:hit"],
        ["cloud:hit"],
    ]
    assert [r["replay"] for r in recording.records()] == [None] * len(MIXED_CALLS)


async def test_tape_is_one_json_line_per_exchange_in_the_cells_file(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    tapes = tmp_path / "tapes"
    router = await make_router(fakes.config, record_dir=tapes)
    root = router.open(key="puzzles/slugify[builtin-cascade-s42]")
    await router.post(root, chat("first"))
    await router.post(root, chat("streamed", stream=True))
    router.flush()

    (path,) = tapes.iterdir()
    assert path.name == tape_name("puzzles/slugify[builtin-cascade-s42]")
    assert path.name.startswith("puzzles_slugify_builtin-cascade-s42-")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(x["v"], x["cell"], x["call"], x["side"], x["backend"]) for x in lines] == [
        (1, "puzzles/slugify[builtin-cascade-s42]", 0, "cloud", "openai:gpt-5.5"),
        (1, "puzzles/slugify[builtin-cascade-s42]", 1, "cloud", "openai:gpt-5.5"),
    ]
    assert [x["fingerprint"] for x in lines] == [fingerprint(x["request"]) for x in lines]
    assert lines[0]["response"]["type"] == "completion"
    assert lines[0]["response"]["usage"] == {"prompt": 11, "completion": 7, "cached": 0, "estimated": False}
    assert lines[1]["response"]["type"] == "stream"
    assert lines[1]["response"]["chunks"][0]["raw"].startswith("data: ")
    assert lines[1]["response"]["finish_reason"] == "stop"


async def test_a_miss_is_a_replay_miss_error_and_never_reaches_a_model(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    router = await make_router(fakes.config, replay_dir=tmp_path / "empty")
    root = router.open()
    status, body, _ = await router.post(root, chat("never recorded"))

    assert status == 502
    assert json.loads(body)["error"]["code"] == "replay_miss"
    usage = router.usage(root)
    assert usage["calls"]["errors"] == 1
    assert [e["kind"] for e in usage["errors"]] == ["cloud_replay_miss"]
    assert "never recorded" not in usage["errors"][0]["message"]
    assert "replay_fallback" in usage["errors"][0]["message"]
    assert fakes.requests() == 0
    (record,) = router.records()
    assert record["replay"] == ["cloud:miss"]
    assert record["error"]["kind"] == "cloud_replay_miss"


async def test_fallback_sends_a_miss_to_the_real_backend_and_re_records_it(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    fakes.cloud.default = Reply(text="real answer")
    router = await make_router(
        fakes.config, replay_dir=tmp_path / "empty", replay_fallback=True, record_dir=tmp_path / "again"
    )
    root = router.open()
    status, body, _ = await router.post(root, chat("not on tape"))
    router.flush()

    assert (status, _text(body)) == (200, "real answer")
    assert len(fakes.cloud.requests) == 1
    assert router.records()[0]["replay"] == ["cloud:miss->real"]

    replaying = await make_router(fakes.config, replay_dir=tmp_path / "again")
    root = replaying.open()
    assert await replaying.post(root, chat("not on tape")) == (status, body, "openai:gpt-5.5")
    assert len(fakes.cloud.requests) == 1


async def test_repeated_identical_requests_replay_in_recorded_order(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    fakes.cloud.queue += [Reply(text="one"), Reply(text="two"), Reply(text="three")]
    recording = await make_router(fakes.config, record_dir=tmp_path / "tapes")
    root = recording.open()
    for _ in range(3):
        await recording.post(root, chat("same question"))
    recording.flush()

    replaying = await make_router(fakes.config, replay_dir=tmp_path / "tapes")
    root = replaying.open()
    texts = [_text((await replaying.post(root, chat("same question")))[1]) for _ in range(3)]
    status, body, _ = await replaying.post(root, chat("same question"))

    assert texts == ["one", "two", "three"]
    assert (status, json.loads(body)["error"]["code"]) == (502, "replay_miss")
    # A new cell with the same key starts again from the first recorded answer.
    again = replaying.open()
    assert _text((await replaying.post(again, chat("same question")))[1]) == "one"


async def test_upstream_faults_and_retries_replay_as_recorded(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    fakes.cloud.queue += [Reply(status=503), Reply(text="after a retry"), Reply(status=400)]
    recording = await make_router(fakes.config, record_dir=tmp_path / "tapes", cloud_retries=1)
    root = recording.open()
    recorded = [await recording.post(root, chat("flaky")), await recording.post(root, chat("bad"))]
    recorded_usage = recording.usage(root)
    recording.flush()
    await fakes.stop()

    replaying = await make_router(fakes.config, replay_dir=tmp_path / "tapes", cloud_retries=1)
    root = replaying.open()
    replayed = [await replaying.post(root, chat("flaky")), await replaying.post(root, chat("bad"))]

    assert [status for status, _, _ in recorded] == [200, 400]
    assert replayed == recorded
    assert replaying.usage(root) == recorded_usage
    assert [e["kind"] for e in recorded_usage["errors"]] == ["cloud_http_400"]
    records = replaying.records()
    assert [r["attempts"] for r in records] == [["cloud:http_503"], ["cloud:http_400"]]
    assert records[0]["replay"] == ["cloud:hit", "cloud:hit"]


async def test_replay_spec_answers_one_side_from_tapes(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    fakes.cloud.default = Reply(text="from the cloud")
    recording = await make_router(fakes.config, record_dir=tmp_path / "tapes")
    root = recording.open()
    recorded = await recording.post(root, chat("q"))
    recording.flush()
    await fakes.stop()

    replaying = await make_router(fakes.config, cloud=f"replay:openai:gpt-5.5;dir={tmp_path / 'tapes'}")
    root = replaying.open()
    assert await replaying.post(root, chat("q")) == recorded


async def test_embeddings_replay_by_text_with_the_embedder_stopped(
    fakes: Fakes, make_router: Callable[..., Awaitable[Router]], tmp_path: Path
) -> None:
    embedder = fakes.config.local.replace("ollama:qwen-test", "ollama:nomic-embed-text")
    recording = await make_router(fakes.config, embedder=embedder, record_dir=tmp_path / "tapes")
    recorded = await recording.state.services.embed(["fix the bug", "write a test"])
    recording.flush()
    await fakes.stop()

    replaying = await make_router(fakes.config, embedder=embedder, replay_dir=tmp_path / "tapes")
    assert recorded is not None
    assert await replaying.state.services.embed(["write a test", "fix the bug"]) == recorded[::-1]
    with pytest.raises(UpstreamError) as miss:
        await replaying.state.services.embed(["never embedded"])
    assert miss.value.kind == "replay_miss"


def test_no_real_backend_is_built_when_replaying_without_fallback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(spec: BackendSpec, options: BackendOptions) -> Any:
        raise AssertionError(f"a real backend was built for {spec.text}")

    registry.known_backends()
    for scheme in ("openai", "ollama"):
        monkeypatch.setitem(registry._FACTORIES, scheme, refuse)
    app = create_app(
        RouterConfig(
            local="ollama:qwen-test", cloud="openai:gpt-5.5", classifier="openai:x", replay_dir=tmp_path
        )
    )
    assert app[STATE].backends["cloud"].label == "openai:gpt-5.5"


def test_bad_replay_settings_are_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="replay_fallback needs replay_dir"):
        RouterConfig(replay_fallback=True)
    with pytest.raises(ValueError, match="no-such-dir"):
        create_app(RouterConfig(replay_dir=tmp_path / "no-such-dir"))
    with pytest.raises(ValueError, match="unknown scheme 'nope'"):
        create_app(RouterConfig(cloud="nope:x", replay_dir=tmp_path))
    with pytest.raises(ValueError, match="dir="):
        create_app(RouterConfig(cloud="replay:openai:gpt-5.5"))


def _req(body: dict[str, Any], stream: bool = False) -> ChatRequest:
    return ChatRequest(body=body, stream=stream, include_usage=False, model=str(body.get("model", "")))


def test_fingerprint_ignores_the_model_name_and_stream_options_but_not_what_decides_the_answer() -> None:
    def fp(body: dict[str, Any], stream: bool = False, role: str = "cloud") -> str:
        return fingerprint(canonical_request(_req(body, stream), role, "openai:gpt-5.5", None))

    base = chat("hello")
    assert fp(base) == fp({**base, "model": "other!cloud", "stream_options": {"include_usage": True}})
    assert fp(base) != fp({**base, "temperature": 0.5})
    assert fp(base) != fp({**base, "max_tokens": 5})
    assert fp(base) != fp(chat("hello!"))
    assert fp(base) != fp(base, stream=True)
    assert fp(base) != fp(base, role="local")


def test_fingerprint_does_not_see_pytests_numbered_temporary_directories() -> None:
    def fp(path: str) -> str:
        body = chat(f"You work in {path}. Fix the bug.")
        return fingerprint(canonical_request(_req(body), "local", "ollama:q", None))

    first = fp("/tmp/pytest-of-ci/pytest-41/popen-gw3/test_slugify0/workspace")
    assert first == fp("/tmp/pytest-of-ci/pytest-42/popen-gw0/test_slugify0/workspace")
    assert first != fp("/tmp/pytest-of-ci/pytest-42/popen-gw0/test_other0/workspace")


# -- the real thing: the embedded tiny model, recorded once and replayed with no model -----------
EMBEDDED = "embedded:smollm2-135m;threads=2;ctx=2048"


def _need_smollm() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: pip install -e '.[embedded]'")
    try:
        resolve_model("smollm2-135m")
    except ModelError as exc:
        pytest.skip(exc.message)


EMBEDDED_CALLS = [
    chat("Write a Python function that adds two numbers.", max_tokens=24),
    chat("Name a sorting algorithm.", max_tokens=16, stream=True, stream_options={"include_usage": True}),
    chat("Say hello.", model="arena!cloud", max_tokens=12),
    chat("Name a sorting algorithm.", max_tokens=16, stream=True, stream_options={"include_usage": True}),
]


def _run_cell(config: RouterConfig) -> tuple[list[tuple[int, bytes]], dict[str, Any]]:
    with RouterServer(config) as server:
        cell = server.open_cell("embedded/replay[always-local-s0]", "always-local", 0)
        with httpx.Client(base_url=cell.base_url, timeout=120) as client:
            answers = [
                (r.status_code, r.content)
                for r in (client.post("/chat/completions", json=b) for b in EMBEDDED_CALLS)
            ]
        usage = server.close_cell(cell.id)
    return answers, {name: usage[name] for name in ROW_FIELDS}


def test_embedded_calls_replay_with_identical_usage_and_no_model_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need_smollm()
    from pytest_hybridarena.router.backends import embedded

    tapes = tmp_path / "tapes"
    recorded, recorded_usage = _run_cell(RouterConfig(local=EMBEDDED, cloud=EMBEDDED, record_dir=tapes))
    assert [status for status, _ in recorded] == [200] * len(EMBEDDED_CALLS)
    assert recorded_usage["calls"]["local"] == 3
    assert recorded_usage["calls"]["cloud"] == 1
    assert recorded_usage["tokens"]["local_completion"] > 0
    assert not recorded_usage["tokens"]["estimated"]

    built: list[str] = []
    loaded: list[str] = []
    monkeypatch.setitem(registry._FACTORIES, "embedded", lambda spec, options: built.append(spec.text))
    monkeypatch.setattr(embedded, "load_model", lambda *args: loaded.append(str(args)))
    models_before = dict(embedded._MODELS)
    replayed, replayed_usage = _run_cell(RouterConfig(local=EMBEDDED, cloud=EMBEDDED, replay_dir=tapes))

    assert replayed == recorded
    assert replayed_usage == recorded_usage
    assert (built, loaded) == ([], [])
    assert embedded._MODELS == models_before
