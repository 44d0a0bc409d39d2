"""Anthropic Messages: inbound (claude-code style agents) and the anthropic: backend."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.script import Recorder, Reply
from tests.router.conftest import Arena, chat

TOOLS = [
    {
        "name": "bash",
        "description": "run",
        "input_schema": {"type": "object", "properties": {"cmd": {"type": "string"}}},
    }
]
HISTORY = [
    {"role": "user", "content": "list files"},
    {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "sure"},
            {"type": "tool_use", "id": "tu1", "name": "bash", "input": {"cmd": "ls"}},
        ],
    },
    {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "tu1", "content": [{"type": "text", "text": "a.py"}]},
            {"type": "text", "text": "now?"},
        ],
    },
]


def events(raw: str) -> list[dict[str, Any]]:
    out = []
    for block in raw.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in lines:
            out.append(json.loads(lines["data"]))
    return out


async def test_anthropic_inbound_translates_tool_history_for_an_openai_backend(arena: Arena) -> None:
    root = arena.open("always-cloud")
    arena.up.cloud.queue.append(
        Reply(text="", tool_calls=[{"name": "bash", "arguments": {"cmd": "cat a.py"}}], cached_tokens=4)
    )
    body = {
        "model": "claude-x",
        "max_tokens": 100,
        "system": [{"type": "text", "text": "You are Claude Code"}],
        "messages": HISTORY,
        "tools": TOOLS,
    }
    resp = await arena.client.post(root + "/v1/messages", json=body)
    out = await resp.json()
    sent = arena.up.cloud.requests[-1]
    assert [m["role"] for m in sent["messages"]] == ["system", "user", "assistant", "tool", "user"]
    assert sent["messages"][2]["tool_calls"][0]["function"] == {"name": "bash", "arguments": '{"cmd": "ls"}'}
    assert sent["messages"][3] == {"role": "tool", "tool_call_id": "tu1", "content": "a.py"}
    assert sent["tools"][0]["function"]["parameters"]["properties"]["cmd"]["type"] == "string"
    assert out["type"] == "message"
    assert out["stop_reason"] == "tool_use"
    assert out["content"] == [
        {"type": "tool_use", "id": "call_0", "name": "bash", "input": {"cmd": "cat a.py"}}
    ]
    assert out["usage"] == {
        "input_tokens": 7,
        "output_tokens": 7,
        "cache_read_input_tokens": 4,
        "cache_creation_input_tokens": 0,
    }


async def test_anthropic_inbound_stream_emits_the_event_sequence(arena: Arena) -> None:
    root = arena.open("always-local")
    arena.up.local.queue.append(
        Reply(text="hello world", tool_calls=[{"name": "bash", "arguments": {"cmd": "ls"}}])
    )
    body = {
        "model": "claude-x",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
        "tools": TOOLS,
    }
    raw = await (await arena.client.post(root + "/v1/messages", json=body)).text()
    evs = events(raw)
    kinds = [e["type"] for e in evs]
    assert kinds[0] == "message_start"
    assert kinds[-2:] == ["message_delta", "message_stop"]
    text = "".join(
        e["delta"]["text"]
        for e in evs
        if e["type"] == "content_block_delta" and e["delta"]["type"] == "text_delta"
    )
    assert text == "hello world"
    args = "".join(
        e["delta"]["partial_json"]
        for e in evs
        if e["type"] == "content_block_delta" and e["delta"]["type"] == "input_json_delta"
    )
    assert json.loads(args) == {"cmd": "ls"}
    starts = [e["content_block"]["type"] for e in evs if e["type"] == "content_block_start"]
    assert starts == ["text", "tool_use"]
    assert kinds.count("content_block_stop") == 2
    assert evs[-2]["delta"]["stop_reason"] == "tool_use"
    assert evs[-2]["usage"]["input_tokens"] == 11


async def test_count_tokens_probe(arena: Arena) -> None:
    root = arena.open()
    out = await (
        await arena.client.post(
            root + "/v1/messages/count_tokens",
            json={"model": "m", "messages": [{"role": "user", "content": "x" * 40}]},
        )
    ).json()
    assert out == {"input_tokens": 10}


async def test_anthropic_backend_non_stream(
    make_arena, anthropic_upstream: tuple[Recorder, str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    rec, url = anthropic_upstream
    monkeypatch.setenv("ARENA_ANTH_KEY", "ak-1")
    arena = await make_arena(cloud=f"anthropic:claude-sonnet-4-6@{url};key_env=ARENA_ANTH_KEY")
    root = arena.open("always-cloud")
    rec.queue.append(
        Reply(
            text="done",
            tool_calls=[{"name": "edit", "arguments": {"p": 1}}],
            prompt_tokens=1000,
            cached_tokens=400,
            completion_tokens=100,
        )
    )
    history = [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "go"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "read", "arguments": '{"f": "a"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "text"},
    ]
    resp = await arena.client.post(
        root + "/v1/chat/completions",
        json={
            "model": "m",
            "messages": history,
            "tool_choice": "required",
            "tools": [{"type": "function", "function": {"name": "edit", "parameters": {"type": "object"}}}],
        },
    )
    out = await resp.json()
    sent = rec.requests[-1]
    assert rec.headers[-1]["x-api-key"] == "ak-1"
    assert rec.headers[-1]["anthropic-version"]
    assert sent["system"] == "sys"
    assert sent["max_tokens"] == 8192
    assert sent["tool_choice"] == {"type": "any"}
    assert sent["messages"][1]["content"][0] == {
        "type": "tool_use",
        "id": "c1",
        "name": "read",
        "input": {"f": "a"},
    }
    assert sent["messages"][2]["content"][0]["type"] == "tool_result"
    msg = out["choices"][0]
    assert msg["finish_reason"] == "tool_calls"
    assert json.loads(msg["message"]["tool_calls"][0]["function"]["arguments"]) == {"p": 1}
    assert out["usage"]["prompt_tokens"] == 1000
    assert out["usage"]["prompt_tokens_details"]["cached_tokens"] == 400
    usage = arena.usage(root)
    assert usage["cost_usd"] == round((600 * 3 + 400 * 0.3 + 100 * 15) / 1e6, 8)


async def test_anthropic_backend_stream_becomes_openai_chunks(
    make_arena, anthropic_upstream: tuple[Recorder, str]
) -> None:  # type: ignore[no-untyped-def]
    rec, url = anthropic_upstream
    arena = await make_arena(cloud=f"anthropic:claude-haiku-4-5@{url}")
    root = arena.open("always-cloud")
    rec.queue.append(
        Reply(
            text="streamed text",
            tool_calls=[{"name": "bash", "arguments": {"cmd": "ls"}}],
            completion_tokens=42,
        )
    )
    raw = await (
        await arena.client.post(
            root + "/v1/chat/completions", json=chat(stream=True, stream_options={"include_usage": True})
        )
    ).text()
    objs = [json.loads(e[6:]) for e in raw.split("\n\n") if e and "[DONE]" not in e]
    text = "".join(c["delta"].get("content") or "" for o in objs for c in o["choices"])
    args = "".join(
        t["function"].get("arguments", "")
        for o in objs
        for c in o["choices"]
        for t in c["delta"].get("tool_calls", [])
    )
    assert text == "streamed text"
    assert json.loads(args) == {"cmd": "ls"}
    assert objs[-1]["usage"]["completion_tokens"] == 42
    assert arena.usage(root)["tokens"]["cloud_completion"] == 42


async def test_anthropic_to_anthropic_round_trip_stream(
    make_arena, anthropic_upstream: tuple[Recorder, str]
) -> None:  # type: ignore[no-untyped-def]
    rec, url = anthropic_upstream
    arena = await make_arena(cloud=f"anthropic:claude-opus-4-7@{url}")
    root = arena.open("always-cloud")
    rec.queue.append(Reply(text="abc"))
    body = {
        "model": "claude-opus-4-7",
        "max_tokens": 50,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    evs = events(await (await arena.client.post(root + "/v1/messages", json=body)).text())
    assert "".join(e["delta"].get("text", "") for e in evs if e["type"] == "content_block_delta") == "abc"
    assert rec.requests[-1]["max_tokens"] == 50
