"""The embedded backend: model sources (fake chunk packages on a temporary sys.path entry) and a
real llama.cpp model (``smollm2-135m``, ~100 MB, about 150 tokens/s on 2 cores) behind the backend
and behind the router app."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import itertools
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from pytest_hybridarena.router import weights
from pytest_hybridarena.router.app import create_app
from pytest_hybridarena.router.backends.base import BackendOptions, LocalGuards, UpstreamError
from pytest_hybridarena.router.backends.registry import make_backend
from pytest_hybridarena.router.keys import STATE
from pytest_hybridarena.router.settings import RouterConfig
from pytest_hybridarena.router.strategies.registry import make_strategy
from pytest_hybridarena.router.weights import ModelError, ModelPart, ModelSource, resolve_model
from pytest_hybridarena.router.wire.shapes import ChatRequest

CHUNKS = [b"GGUF-part-one|", b"part-two|", b"part-three"]
WHOLE = b"".join(CHUNKS)


# -- model sources ------------------------------------------------------------------------------
def _fake_dist(root: Path, name: str, files: dict[str, bytes]) -> None:
    """An installed distribution as importlib.metadata sees it: a .dist-info with a RECORD."""
    module = name.replace("-", "_")
    info = root / f"{module}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (info / "RECORD").write_text("".join(f"{rel},,\n" for rel in [*files, f"{info.name}/METADATA"]))


def _source(sha256: str, n: int = len(CHUNKS), size: int = len(WHOLE)) -> ModelSource:
    parts = tuple(
        ModelPart(f"arena-fake-part{i}", "1.0", f"arena_fake_part{i}/data/part.bin") for i in range(n)
    )
    return ModelSource("fake-model", parts, size, sha256)


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    for i, chunk in enumerate(CHUNKS):
        _fake_dist(site, f"arena-fake-part{i}", {f"arena_fake_part{i}/data/part.bin": chunk})
    monkeypatch.syspath_prepend(str(site))
    return tmp_path / "cache"


def test_chunks_are_assembled_in_part_order_into_the_cache(fake_parts: Path) -> None:
    source = _source(hashlib.sha256(WHOLE).hexdigest())
    path = resolve_model("fake-model", cache_dir=fake_parts, catalog={"fake-model": source})
    assert path == fake_parts / "fake-model.gguf"
    assert path.read_bytes() == WHOLE
    assert sorted(p.name for p in fake_parts.iterdir()) == ["fake-model.gguf", "fake-model.gguf.sha256"]


def test_hash_mismatch_names_model_and_both_hashes_and_leaves_nothing(fake_parts: Path) -> None:
    expected = "0" * 64
    with pytest.raises(ModelError) as info:
        resolve_model("fake-model", cache_dir=fake_parts, catalog={"fake-model": _source(expected)})
    assert info.value.kind == "mismatch"
    assert "'fake-model'" in info.value.message
    assert expected in info.value.message
    assert hashlib.sha256(WHOLE).hexdigest() in info.value.message
    assert list(fake_parts.iterdir()) == []


def test_cache_hit_neither_rewrites_nor_rehashes(fake_parts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = {"fake-model": _source(hashlib.sha256(WHOLE).hexdigest())}
    first = resolve_model("fake-model", cache_dir=fake_parts, catalog=catalog)
    stamp = first.stat().st_mtime_ns

    def no_hashing(*args: object) -> None:
        raise AssertionError("a cache hit must not hash the model again")

    monkeypatch.setattr(weights.hashlib, "sha256", no_hashing)
    assert resolve_model("fake-model", cache_dir=fake_parts, catalog=catalog) == first
    assert first.stat().st_mtime_ns == stamp


def test_a_wrong_cached_file_is_replaced(fake_parts: Path) -> None:
    catalog = {"fake-model": _source(hashlib.sha256(WHOLE).hexdigest())}
    fake_parts.mkdir()
    (fake_parts / "fake-model.gguf").write_bytes(b"X" * len(WHOLE))  # right size, no marker
    assert resolve_model("fake-model", cache_dir=fake_parts, catalog=catalog).read_bytes() == WHOLE


def test_missing_packages_are_named_in_one_error_with_the_extra(fake_parts: Path) -> None:
    source = _source(hashlib.sha256(WHOLE).hexdigest(), n=5)
    with pytest.raises(ModelError) as info:
        resolve_model("fake-model", cache_dir=fake_parts, catalog={"fake-model": source})
    assert info.value.kind == "missing"
    gaps = info.value.message.split("; install")[0]
    assert "arena-fake-part3 (not installed), arena-fake-part4 (not installed)" in gaps
    assert "arena-fake-part2" not in gaps
    assert "pip install -e '.[embedded]'" in info.value.message
    assert not fake_parts.exists()


def test_unknown_name_lists_the_known_models() -> None:
    with pytest.raises(ModelError, match=r"known: .*qwen2\.5-coder-0\.5b.*\.gguf file"):
        resolve_model("qwen-99b")


def test_local_gguf_path_is_used_as_is(tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    assert resolve_model(str(gguf)) == gguf.resolve()
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(str(tmp_path / "absent.gguf"))


_CRASHING_CHILD = """
import sys, types
from pathlib import Path
from pytest_hybridarena.router import weights

real = weights.hashlib.sha256

class PausingHash:
    # stands in for sha256; pauses the assembly after the first chunk has been written
    def __init__(self):
        self.h, self.n = real(), 0
    def update(self, block):
        self.n += 1
        if self.n == 2:
            print("PAUSED", flush=True)
            sys.stdin.readline()
        self.h.update(block)
    def hexdigest(self):
        return self.h.hexdigest()

weights.hashlib = types.SimpleNamespace(sha256=PausingHash)
parts = tuple(
    weights.ModelPart(f"arena-fake-part{i}", "1.0", f"arena_fake_part{i}/data/part.bin") for i in range(3)
)
source = weights.ModelSource("fake-model", parts, int(sys.argv[2]), sys.argv[3])
weights.resolve_model("fake-model", cache_dir=Path(sys.argv[1]), catalog={"fake-model": source})
"""


def test_a_crash_mid_assembly_leaves_no_final_file(fake_parts: Path) -> None:
    sha = hashlib.sha256(WHOLE).hexdigest()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_CRASHING_CHILD), str(fake_parts), str(len(WHOLE)), sha],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == b"PAUSED\n"
        child.send_signal(signal.SIGKILL)
        child.wait()
    left = sorted(p.name for p in fake_parts.iterdir())
    assert len(left) == 1
    assert left[0].startswith(".fake-model.gguf.")
    assert left[0].endswith(".tmp")

    path = resolve_model("fake-model", cache_dir=fake_parts, catalog={"fake-model": _source(sha)})
    assert path.read_bytes() == WHOLE
    assert sorted(p.name for p in fake_parts.iterdir()) == ["fake-model.gguf", "fake-model.gguf.sha256"]


def test_qwen_05b_resolves_to_the_pinned_file(tmp_path: Path) -> None:
    try:
        path = resolve_model("qwen2.5-coder-0.5b", cache_dir=tmp_path)
    except ModelError as exc:
        if exc.kind == "missing":
            pytest.skip(exc.message)
        raise
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    assert path.stat().st_size == 491_400_064
    assert digest.hexdigest() == weights.MODELS["qwen2.5-coder-0.5b"].sha256


# -- the backend on a real model ----------------------------------------------------------------
def _need_smollm() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: pip install -e '.[embedded]'")
    try:
        resolve_model("smollm2-135m")
    except ModelError as exc:
        pytest.skip(exc.message)


SPEC = "embedded:smollm2-135m;threads=2;ctx=2048"
TIMEOUT = 600  # a hang guard only: a shared 2-core CI box can be many times slower than usual


@pytest.fixture
def backend() -> Any:
    _need_smollm()
    from pytest_hybridarena.router.backends.embedded import EmbeddedBackend

    b = make_backend(SPEC, BackendOptions("cloud"))
    assert isinstance(b, EmbeddedBackend)
    return b


def _req(text: str, stream: bool = False, **body: Any) -> ChatRequest:
    payload = {"messages": [{"role": "user", "content": text}], "seed": 7, **body}
    return ChatRequest(body=payload, stream=stream, include_usage=True, model="arena")


async def _stream_text(backend: Any, req: ChatRequest) -> tuple[str, list[dict[str, Any]], Any]:
    stream = await backend.open_stream(req, TIMEOUT)
    chunks = [c async for c in stream]
    await stream.close()
    text = "".join(c.data["choices"][0]["delta"].get("content", "") for c in chunks if c.data["choices"])
    return text, [c.data for c in chunks], stream


async def test_complete_returns_text_and_exact_usage(backend: Any) -> None:
    result = await backend.complete(
        _req("Write a Python function that adds two numbers.", max_tokens=48), TIMEOUT
    )
    assert result.message["role"] == "assistant"
    assert result.message["content"].strip()
    assert result.usage.prompt > 0
    assert 0 < result.usage.completion <= 48
    assert not result.usage.estimated
    assert result.body["usage"]["total_tokens"] == result.usage.prompt + result.usage.completion
    assert result.finish_reason in ("stop", "length")
    assert result.model_echoed == "smollm2-135m"


async def test_max_tokens_ends_with_length_after_exactly_that_many_tokens(backend: Any) -> None:
    result = await backend.complete(_req("Tell me a long story about a lighthouse.", max_tokens=5), TIMEOUT)
    assert result.finish_reason == "length"
    assert result.usage.completion == 5


async def test_stream_carries_the_same_answer_and_usage_as_complete(backend: Any) -> None:
    req = _req("Write a Python function that reverses a string.", max_tokens=40, temperature=0.7)
    whole = await backend.complete(req, TIMEOUT)
    text, chunks, stream = await _stream_text(backend, _req(req.messages[0]["content"], True, **req.body))
    assert text == whole.message["content"]
    assert stream.usage == whole.usage
    assert stream.finish_reason == whole.finish_reason
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-2]["choices"][0]["finish_reason"] == whole.finish_reason
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] == whole.usage.completion


async def test_stop_string_is_cut_from_the_text_and_never_streamed(backend: Any) -> None:
    req = _req("Count from 1 to 20, separated by commas.", max_tokens=80)
    free = (await backend.complete(req, TIMEOUT)).message["content"]
    assert "5" in free  # the premise: without a stop string the answer goes past 5
    stop = "5"
    cut = await backend.complete(_req(req.messages[0]["content"], max_tokens=80, stop=[stop]), TIMEOUT)
    assert cut.finish_reason == "stop"
    assert cut.message["content"] == free[: free.index(stop)]
    text, _, _ = await _stream_text(backend, _req(req.messages[0]["content"], True, max_tokens=80, stop=stop))
    assert text == cut.message["content"]


async def test_seed_makes_sampling_repeatable(backend: Any) -> None:
    req = _req("Name three colours.", max_tokens=24, temperature=1.0)
    first = await backend.complete(req, TIMEOUT)
    again = await backend.complete(req, TIMEOUT)
    assert first.message["content"] == again.message["content"]


async def test_two_concurrent_calls_generate_one_after_the_other(
    backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = await backend.preload()
    events: list[tuple[str, int]] = []
    real = loaded.llm.generate
    tags = itertools.count()

    def recording(*args: Any, **kwargs: Any) -> Any:
        tag = next(tags)

        def gen() -> Any:
            events.append(("start", tag))
            try:
                yield from real(*args, **kwargs)
            finally:
                events.append(("end", tag))

        return gen()

    monkeypatch.setattr(loaded.llm, "generate", recording)
    other = make_backend(SPEC, BackendOptions("local", LocalGuards()))
    results = await asyncio.gather(
        backend.complete(_req("Write a haiku about rust.", max_tokens=32), TIMEOUT),
        other.complete(_req("Write a haiku about python.", max_tokens=32), TIMEOUT),
    )
    assert all(r.usage.completion > 0 for r in results)
    assert events == [("start", 0), ("end", 0), ("start", 1), ("end", 1)]


async def test_closing_a_stream_stops_its_generation(backend: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = await backend.preload()
    produced: list[int] = []
    real = loaded.llm.generate

    def counting(*args: Any, **kwargs: Any) -> Any:
        for token in real(*args, **kwargs):
            produced.append(token)
            yield token

    monkeypatch.setattr(loaded.llm, "generate", counting)
    req = _req("Tell me a very long story about a dragon.", True, max_tokens=200)
    await _stream_text(backend, req)
    full = len(produced)
    assert full > 50  # the premise: read to the end, this answer is long
    produced.clear()
    stream = await backend.open_stream(req, TIMEOUT)
    async for chunk in stream:
        if chunk.data["choices"] and chunk.data["choices"][0]["delta"].get("content"):
            break
    await stream.close()
    monkeypatch.setattr(loaded.llm, "generate", real)
    # The model's queue is FIFO: once the next call answers, the closed stream's generation ended.
    await backend.complete(_req("Hi", max_tokens=2), TIMEOUT)
    assert 0 < len(produced) < full


async def test_named_model_and_its_path_share_one_loaded_model(backend: Any) -> None:
    path = resolve_model("smollm2-135m")
    by_path = make_backend(f"embedded:{path};threads=2;ctx=2048", BackendOptions("local"))
    assert await by_path.preload() is await backend.preload()


async def test_prompt_longer_than_the_context_is_a_400(backend: Any) -> None:
    small = make_backend("embedded:smollm2-135m;threads=2;ctx=256", BackendOptions("local"))
    with pytest.raises(UpstreamError) as info:
        await small.complete(_req("word " * 400), TIMEOUT)
    assert (info.value.kind, info.value.status) == ("http", 400)
    assert "context window 256" in info.value.message


async def test_unknown_model_is_a_config_error() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: pip install -e '.[embedded]'")
    b = make_backend("embedded:no-such-model", BackendOptions("local"))
    with pytest.raises(UpstreamError) as info:
        await b.complete(_req("Hi"), 10)
    assert info.value.kind == "config"
    assert "no-such-model" in info.value.message


@pytest.mark.parametrize(
    "spec", ["embedded:x;threads=0", "embedded:x;ctx=big", "embedded:x;ctx=64", "embedded:x;gpu=1"]
)
def test_bad_spec_parameters_fail_at_construction(spec: str) -> None:
    with pytest.raises(ValueError, match="embedded:x"):
        make_backend(spec, BackendOptions("local"))


async def test_router_serves_a_streamed_call_from_the_embedded_model(tmp_path: Path) -> None:
    _need_smollm()
    config = RouterConfig(local=SPEC, cloud=SPEC, decisions_path=tmp_path / "decisions.jsonl")
    app = create_app(config)
    state = app[STATE]
    cell = state.cells.open("t/embedded", "always-local", make_strategy("always-local"), 0, state.services)
    async with TestClient(TestServer(app)) as client:
        body = {
            "model": "arena",
            "messages": [{"role": "user", "content": "Say hello."}],
            "max_tokens": 16,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        resp = await client.post(f"/cell/{cell.id}/v1/chat/completions", json=body)
        assert resp.status == 200
        raw = await resp.text()
    events = [json.loads(e[6:]) for e in raw.split("\n\n") if e.startswith("data: {")]
    assert "".join(c["delta"].get("content", "") for e in events for c in e["choices"])
    assert events[-1]["usage"]["completion_tokens"] > 0
    state.log.flush()
    record = json.loads((tmp_path / "decisions.jsonl").read_text().splitlines()[-1])
    assert record["backend"] == "embedded:smollm2-135m"
    assert record["completion_tokens"] == events[-1]["usage"]["completion_tokens"]
    assert record["tokens_estimated"] is False


@pytest.mark.parametrize(
    ("cores", "workers", "expected"), [(2, None, 2), (2, "2", 1), (8, "3", 2), (2, "4", 1), (4, "x", 4)]
)
def test_default_threads_share_the_cores_among_xdist_workers(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: str | None, expected: int
) -> None:
    from pytest_hybridarena.router.backends import embedded

    monkeypatch.setattr(embedded.os, "cpu_count", lambda: cores)
    if workers is None:
        monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
    else:
        monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", workers)
    assert embedded.default_threads() == expected
