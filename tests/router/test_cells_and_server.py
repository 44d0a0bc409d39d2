"""Per-cell attribution under concurrency, escalation end to end, and the threaded RouterServer."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import httpx
import pytest

from pytest_hybridarena.router.server import RouterConfig, RouterServer
from pytest_hybridarena.router.settings import TierGuards
from tests.fakes.script import Reply
from tests.router.conftest import Arena, Upstreams, chat


def _answer(raw: str, stream: bool) -> str:
    if not stream:
        return str(json.loads(raw)["choices"][0]["message"]["content"])
    objs = [json.loads(e[6:]) for e in raw.split("\n\n") if e and "[DONE]" not in e]
    return "".join(c["delta"].get("content") or "" for o in objs for c in o["choices"])


async def test_two_interleaved_cells_keep_separate_accounts(arena: Arena) -> None:
    a = arena.open("always-local", key="a")
    b = arena.open("always-cloud", key="b")
    arena.up.local.default = Reply(prompt_tokens=5, completion_tokens=1)
    arena.up.cloud.default = Reply(prompt_tokens=100, completion_tokens=10)

    async def one(root: str, i: int) -> int:
        body = chat(f"call {i}", stream=bool(i % 2))
        resp = await arena.client.post(root + "/v1/chat/completions", json=body)
        await resp.read()
        return resp.status

    statuses = await asyncio.gather(*(one(root, i) for i in range(12) for root in (a, b)))
    assert set(statuses) == {200}
    ua, ub = arena.usage(a), arena.usage(b)
    assert ua["calls"] == {"total": 12, "local": 12, "cloud": 0, "errors": 0, "escalated": 0}
    assert ub["calls"] == {"total": 12, "local": 0, "cloud": 12, "errors": 0, "escalated": 0}
    assert ua["tokens"]["local_prompt"] == 60
    assert ua["tokens"]["cloud_prompt"] == 0
    assert ub["tokens"]["cloud_prompt"] == 1200
    assert ub["tokens"]["local_prompt"] == 0
    records = arena.records()
    assert sorted(r["call_index"] for r in records if r["cell"] == "a") == list(range(12))
    assert {r["choice"] for r in records if r["cell"] == "b"} == {"cloud"}


@pytest.mark.parametrize("stream", [False, True])
async def test_escalate_reissues_an_unusable_local_answer_to_cloud(arena: Arena, stream: bool) -> None:
    root = arena.open("escalate@k=1")
    arena.up.local.queue.append(Reply(text="partial", finish_reason="length"))
    arena.up.cloud.queue.append(Reply(text="full answer"))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat(stream=stream))
    text = _answer(await resp.text(), stream)
    assert text == "full answer"
    assert resp.headers["X-Arena-Escalated"] == "1"
    # next call: sticky cloud (k=1), the one after: local first again
    await (await arena.client.post(root + "/v1/chat/completions", json=chat())).read()
    await (await arena.client.post(root + "/v1/chat/completions", json=chat())).read()
    usage = arena.usage(root)
    assert usage["calls"] == {"total": 3, "local": 2, "cloud": 2, "errors": 0, "escalated": 1}
    first = arena.records()[0]
    assert first["escalated"]
    assert first["unusable"] == "finish_reason=length"
    assert first["choice"] == "cloud"
    assert first["local_attempt"]["usage"]["prompt"] == 11
    assert [r["choice"] for r in arena.records()] == ["cloud", "cloud", "local"]


async def test_escalate_keeps_a_usable_local_stream_exactly(arena: Arena) -> None:
    root = arena.open("escalate")
    arena.up.local.queue.append(Reply(text="good local answer"))
    raw = await (await arena.client.post(root + "/v1/chat/completions", json=chat(stream=True))).text()
    contents = [
        json.loads(e[6:])["choices"][0]["delta"].get("content", "")
        for e in raw.split("\n\n")
        if e and "[DONE]" not in e
    ]
    assert "".join(contents) == "good local answer"
    assert arena.up.cloud.requests == []


async def test_escalate_on_local_backend_error(make_arena) -> None:  # type: ignore[no-untyped-def]
    arena = await make_arena()
    root = arena.open("escalate")
    arena.up.local.queue.append(Reply(status=500))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat())
    assert resp.status == 200
    assert resp.headers["X-Arena-Choice"] == "cloud"
    assert arena.usage(root)["errors"][0]["kind"] == "local_http_500"


async def test_tool_nudge_is_off_by_default_and_recorded_when_on(make_arena) -> None:  # type: ignore[no-untyped-def]
    arena = await make_arena()
    root = arena.open()
    body = chat(tools=[{"type": "function", "function": {"name": "bash"}}])
    await arena.client.post(root + "/v1/chat/completions", json=body)
    assert len(arena.up.local.requests[-1]["messages"]) == 1
    assert arena.usage(root)["guards"]["local"]["tool_nudge"] is False
    arena2 = await make_arena(local_guards=TierGuards(tool_nudge=True))
    root2 = arena2.open()
    await arena2.client.post(root2 + "/v1/chat/completions", json=body)
    assert arena2.up.local.requests[-1]["messages"][0]["role"] == "system"
    assert arena2.usage(root2)["guards"]["local"]["tool_nudge"] is True
    assert arena2.usage(root2)["sampling"]["local"]["tool_nudge"] is True
    assert arena2.usage(root2)["guards"]["cloud"]["tool_nudge"] is False


def test_router_server_runs_in_its_own_thread_and_serves_cells(
    upstreams_sync: Upstreams, tmp_path: Path
) -> None:
    cfg = RouterConfig(
        local=f"ollama:qwen@{upstreams_sync.local_url}",
        cloud=f"openai:gpt-5.5@{upstreams_sync.cloud_url}",
        decisions_path=tmp_path / "d.jsonl",
        run_id="r1",
    )
    server = RouterServer(cfg)
    result: dict[str, object] = {}

    def drive() -> None:  # a plain thread, as the plugin's main thread would
        server.start()
        assert any(t.name == "arena-router" for t in threading.enumerate())
        cell = server.open_cell(
            cell_key="puzzles/slugify[builtin-cascade-s42]", strategy="always-cloud", seed=42
        )
        assert cell.base_url.startswith(server.base_url + "/cell/")
        assert cell.base_url.endswith("/v1")
        assert cell.anthropic_base_url + "/v1" == cell.base_url
        r = httpx.post(cell.base_url + "/chat/completions", json=chat(), timeout=10)
        assert r.status_code == 200
        result["usage"] = server.close_cell(cell.id)
        result["after"] = httpx.post(cell.base_url + "/chat/completions", json=chat(), timeout=10).status_code
        server.stop()
        server.stop()

    t = threading.Thread(target=drive)
    t.start()
    t.join(60)
    assert not t.is_alive()
    usage = result["usage"]
    assert isinstance(usage, dict)
    assert json.loads(json.dumps(usage)) == usage
    assert usage["calls"]["cloud"] == 1
    assert usage["decisions"] == 1
    assert result["after"] == 404
    assert len((tmp_path / "d.jsonl").read_text().splitlines()) == 1
    assert not any(t.name == "arena-router" for t in threading.enumerate())


def test_open_cell_rejects_an_unknown_strategy_naming_it() -> None:
    server = RouterServer(
        RouterConfig(local="openai:x@http://127.0.0.1:9/v1", cloud="openai:y@http://127.0.0.1:9/v1")
    ).start()
    try:
        with pytest.raises(ValueError, match=r"'nope'.*known strategies"):
            server.open_cell("k", "nope", 1)
    finally:
        server.stop()


def test_stop_without_start_is_harmless() -> None:
    RouterServer().stop()
