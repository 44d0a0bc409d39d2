"""Malformed input always gets a 4xx (never a 500) and the server stays up; every upstream fault
becomes a recorded error and an error answer within a bounded time; budgets stop looping agents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fakes.script import Reply
from tests.router.conftest import Arena, chat

M = [{"role": "user", "content": "hi"}]
BAD_OPENAI: list[tuple[str, Any]] = [
    ("not json", b"{nope"),
    ("empty body", b""),
    ("json array", b"[1, 2]"),
    ("json string", b'"hello"'),
    ("invalid utf-8", b'{"messages": "\xff\xfe"}'),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
    ("no messages", {"model": "m"}),
    ("empty messages", {"model": "m", "messages": []}),
    ("messages not a list", {"model": "m", "messages": "hi"}),
    ("message not an object", {"model": "m", "messages": ["hi"]}),
    ("bad role", {"model": "m", "messages": [{"role": "wizard", "content": "x"}]}),
    ("content a number", {"model": "m", "messages": [{"role": "user", "content": 5}]}),
    ("user without content", {"model": "m", "messages": [{"role": "user"}]}),
    ("model not a string", {"model": 7, "messages": M}),
    ("stream not bool", {"model": "m", "messages": M, "stream": "yes"}),
    ("tools not a list", {"model": "m", "messages": M, "tools": {"a": 1}}),
    ("max_tokens negative", {"model": "m", "messages": M, "max_tokens": -1}),
    ("max_tokens bool", {"model": "m", "messages": M, "max_tokens": True}),
    ("temperature out of range", {"model": "m", "messages": M, "temperature": 9}),
    (
        "tool_calls not a list",
        {"model": "m", "messages": [{"role": "assistant", "content": "", "tool_calls": 1}]},
    ),
    ("stream_options not object", {"model": "m", "messages": M, "stream_options": 3}),
]


@pytest.mark.parametrize(("case", "body"), BAD_OPENAI, ids=[c for c, _ in BAD_OPENAI])
async def test_malformed_openai_request_is_a_400_with_an_openai_error(
    arena: Arena, case: str, body: Any
) -> None:
    root = arena.open()
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    resp = await arena.client.post(
        root + "/v1/chat/completions", data=data, headers={"Content-Type": "application/json"}
    )
    assert resp.status == 400, await resp.text()
    err = (await resp.json())["error"]
    assert err["type"] == "invalid_request_error"
    assert err["message"]
    assert (await arena.client.get("/healthz")).status == 200
    assert arena.up.local.requests == [], "nothing malformed reaches an upstream"


BAD_ANTHROPIC: list[tuple[str, Any]] = [
    ("no max_tokens", {"model": "m", "messages": M}),
    (
        "role tool in messages",  # role "system" is accepted (claude-code 2.1 sends it)
        {"model": "m", "max_tokens": 5, "messages": [{"role": "tool", "content": "x"}]},
    ),
    (
        "block without type",
        {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"text": "x"}]}]},
    ),
    ("system a number", {"model": "m", "max_tokens": 5, "system": 3, "messages": M}),
    (
        "tool_result without id",
        {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "tool_result"}]}]},
    ),
]


@pytest.mark.parametrize(("case", "body"), BAD_ANTHROPIC, ids=[c for c, _ in BAD_ANTHROPIC])
async def test_malformed_anthropic_request_is_a_400_with_an_anthropic_error(
    arena: Arena, case: str, body: Any
) -> None:
    root = arena.open()
    resp = await arena.client.post(root + "/v1/messages", json=body)
    assert resp.status == 400
    out = await resp.json()
    assert out["type"] == "error"
    assert out["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
        ("GET", "/cell/x/v1/chat/completions"),
        ("POST", "/cell/unknown-cell/v1/chat/completions"),
        ("GET", "/cell/unknown/v1/models"),
        ("DELETE", "/healthz"),
    ],
)
async def test_unknown_routes_and_cells_are_404_json(arena: Arena, method: str, path: str) -> None:
    resp = await arena.client.request(method, path, json=chat())
    assert resp.status in (404, 405)
    assert (await resp.json())["error"]["type"] == "not_found"


async def test_closed_cell_is_404(arena: Arena) -> None:
    root = arena.open()
    arena.state.cells.close(root.rsplit("/", 1)[-1])
    assert (await arena.client.post(root + "/v1/chat/completions", json=chat())).status == 404


async def test_oversized_body_is_413(make_arena) -> None:  # type: ignore[no-untyped-def]
    arena = await make_arena(max_body_bytes=4096)
    root = arena.open()
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat("x" * 10_000))
    assert resp.status == 413
    assert (await resp.json())["error"]["type"] == "request_too_large"


async def test_call_budget_stops_a_looping_agent_and_is_recorded_once(make_arena) -> None:  # type: ignore[no-untyped-def]
    arena = await make_arena(max_calls_per_cell=2)
    root = arena.open()
    statuses = [
        (await arena.client.post(root + "/v1/chat/completions", json=chat())).status for _ in range(4)
    ]
    assert statuses == [200, 200, 403, 403]
    usage = arena.usage(root)
    assert usage["calls"]["total"] == 2
    assert [e["kind"] for e in usage["errors"]] == ["cell_budget_exceeded"]


async def test_byte_budget_per_cell(make_arena) -> None:  # type: ignore[no-untyped-def]
    arena = await make_arena(max_cell_request_bytes=3000)
    root = arena.open()
    statuses = [
        (await arena.client.post(root + "/v1/chat/completions", json=chat("y" * 1000))).status
        for _ in range(3)
    ]
    assert statuses == [200, 200, 403]


# -- upstream faults ----------------------------------------------------------------------------
FAULTS = [
    ("cloud 500 then ok", "always-cloud", [Reply(status=500), Reply(text="ok")], 200, 2, None),
    (
        "cloud 429 retry-after then ok",
        "always-cloud",
        [Reply(status=429, retry_after="0"), Reply()],
        200,
        2,
        None,
    ),
    ("cloud 503 every time", "always-cloud", [Reply(status=503)] * 4, 503, 4, "cloud_http_503"),
    (
        "cloud 429 asking too long",
        "always-cloud",
        [Reply(status=429, retry_after="3600")],
        429,
        1,
        "cloud_http_429",
    ),
    ("cloud 400 is not retried", "always-cloud", [Reply(status=400)], 400, 1, "cloud_http_400"),
    ("cloud garbage body", "always-cloud", [Reply(fault="garbage")], 502, 1, "cloud_protocol"),
    ("cloud dropped connection", "always-cloud", [Reply(fault="drop")] * 4, 502, 4, "cloud_connect"),
    ("local 500 is not retried", "always-local", [Reply(status=500)], 500, 1, "local_http_500"),
    ("local hang hits the timeout", "always-local", [Reply(fault="hang")], 504, 1, "local_timeout"),
]


@pytest.mark.parametrize(
    ("case", "strategy", "script", "status", "sent", "error"), FAULTS, ids=[f[0] for f in FAULTS]
)
async def test_upstream_fault_becomes_a_recorded_error(
    make_arena,
    case: str,
    strategy: str,
    script: list[Reply],
    status: int,
    sent: int,
    error: str | None,  # type: ignore[no-untyped-def]
) -> None:
    arena = await make_arena(request_timeout_s=0.3, cloud_timeout_s=2.0)
    root = arena.open(strategy)
    rec = arena.up.cloud if strategy == "always-cloud" else arena.up.local
    rec.queue.extend(script)
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat())
    assert resp.status == status
    assert len(rec.requests) == sent
    usage = arena.usage(root)
    (record,) = arena.records()
    if error is None:
        assert usage["errors"] == []
        assert record["error"] is None
    else:
        assert (await resp.json())["error"]["type"] == "upstream_error"
        assert [e["kind"] for e in usage["errors"]] == [error]
        assert record["error"]["kind"] == error
        assert record["status"] == status


async def test_connection_refused_is_502_and_recorded(make_arena) -> None:  # type: ignore[no-untyped-def]
    arena = await make_arena(cloud="openai:gpt-5.5@http://127.0.0.1:9/v1", cloud_retries=1)
    root = arena.open("always-cloud")
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat())
    assert resp.status == 502
    (record,) = arena.records()
    assert record["attempts"] == ["cloud:connect", "cloud:connect"]


async def test_stream_broken_midway_ends_the_stream_with_an_error_event(arena: Arena) -> None:
    root = arena.open("always-cloud")
    arena.up.cloud.queue.append(Reply(text="abcdef", fault="midstream"))
    raw = (
        await (await arena.client.post(root + "/v1/chat/completions", json=chat(stream=True))).read()
    ).decode()
    assert '"upstream_error"' in raw
    assert raw.endswith("data: [DONE]\n\n")
    assert arena.usage(root)["errors"][0]["kind"].startswith("cloud_")
