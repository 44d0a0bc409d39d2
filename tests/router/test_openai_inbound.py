"""The OpenAI-shaped inbound path: answers, streams, tools, listings, headers, integrity."""

from __future__ import annotations

import json

from tests.fakes.script import Reply
from tests.router.conftest import Arena, chat


async def test_non_stream_answer_is_relayed_byte_for_byte_from_an_openai_upstream(arena: Arena) -> None:
    root = arena.open("always-cloud")
    arena.up.cloud.queue.append(Reply(text="the **answer**", model="gpt-5.5-2026-04-23"))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat())
    assert resp.status == 200
    body = await resp.json()
    assert body["choices"][0]["message"]["content"] == "the **answer**"
    assert body["model"] == "gpt-5.5-2026-04-23"
    assert resp.headers["X-Arena-Choice"] == "cloud"
    assert float(resp.headers["X-Arena-Router-Overhead-Ms"]) >= 0


async def test_local_answer_from_ollama_comes_back_in_openai_shape_with_usage(arena: Arena) -> None:
    root = arena.open("always-local")
    arena.up.local.queue.append(Reply(text="hi there", prompt_tokens=20, completion_tokens=3))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat())
    body = await resp.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0] == {
        "index": 0,
        "message": {"role": "assistant", "content": "hi there"},
        "finish_reason": "stop",
    }
    assert body["usage"]["prompt_tokens"] == 20
    usage = arena.usage(root)
    assert usage["calls"] == {"total": 1, "local": 1, "cloud": 0, "errors": 0, "escalated": 0}
    assert usage["tokens"]["local_prompt"] == 20
    assert usage["tokens"]["local_completion"] == 3


async def test_cloud_call_is_priced_from_the_echoed_snapshot(arena: Arena) -> None:
    root = arena.open("always-cloud")
    arena.up.cloud.queue.append(
        Reply(prompt_tokens=1_000_000, completion_tokens=0, cached_tokens=0, model="gpt-5.5-2026-04-23")
    )
    await arena.client.post(root + "/v1/chat/completions", json=chat())
    usage = arena.usage(root)
    assert usage["cost_usd"] == 5.0
    assert usage["models"]["cloud_echoed"] == ["gpt-5.5-2026-04-23"]


async def test_unknown_cloud_model_makes_cost_none_and_names_the_model(make_arena) -> None:  # type: ignore[no-untyped-def]
    arena = await make_arena()
    root = arena.open("always-cloud")
    arena.up.cloud.queue.append(Reply(model="mystery-model-9"))
    arena.state.backends["cloud"].model = "mystery-model-9"
    await arena.client.post(root + "/v1/chat/completions", json=chat())
    usage = arena.usage(root)
    assert usage["cost_usd"] is None
    assert usage["cost_unpriced_models"] == ["mystery-model-9"]


async def test_stream_passes_chunks_through_and_counts_usage_from_the_final_chunk(arena: Arena) -> None:
    root = arena.open("always-cloud")
    arena.up.cloud.queue.append(Reply(text="abcdefghi", chunks=3, prompt_tokens=30, completion_tokens=9))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat(stream=True))
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    raw = (await resp.read()).decode()
    events = [e for e in raw.split("\n\n") if e]
    assert events[-1] == "data: [DONE]"
    objs = [json.loads(e[6:]) for e in events[:-1]]
    text = "".join(o["choices"][0]["delta"].get("content", "") for o in objs if o["choices"])
    assert text == "abcdefghi"
    assert all(o["choices"] for o in objs), "usage-only chunk must not reach a client that did not ask for it"
    sent = arena.up.cloud.requests[-1]
    assert sent["stream_options"]["include_usage"] is True
    assert arena.usage(root)["tokens"]["cloud_prompt"] == 30


async def test_stream_keeps_the_usage_chunk_when_the_client_asked_for_it(arena: Arena) -> None:
    root = arena.open("always-cloud")
    body = chat(stream=True, stream_options={"include_usage": True})
    raw = (await (await arena.client.post(root + "/v1/chat/completions", json=body)).read()).decode()
    objs = [json.loads(e[6:]) for e in raw.split("\n\n") if e and e != "data: [DONE]"]
    assert objs[-1]["choices"] == []
    assert objs[-1]["usage"]["completion_tokens"] == 7


async def test_ollama_ndjson_stream_becomes_sse_chunks_with_tool_calls(arena: Arena) -> None:
    root = arena.open("always-local")
    arena.up.local.queue.append(Reply(text="ok", tool_calls=[{"name": "bash", "arguments": {"cmd": "ls"}}]))
    body = chat(
        stream=True,
        stream_options={"include_usage": True},
        tools=[{"type": "function", "function": {"name": "bash"}}],
    )
    raw = (await (await arena.client.post(root + "/v1/chat/completions", json=body)).read()).decode()
    objs = [json.loads(e[6:]) for e in raw.split("\n\n") if e and e != "data: [DONE]"]
    calls = [c for o in objs for ch in o["choices"] for c in ch["delta"].get("tool_calls", [])]
    assert calls[0]["function"] == {"name": "bash", "arguments": '{"cmd": "ls"}'}
    assert calls[0]["id"]
    assert calls[0]["index"] == 0
    finishes = [ch["finish_reason"] for o in objs for ch in o["choices"] if ch["finish_reason"]]
    assert finishes == ["tool_calls"]
    assert objs[-1]["usage"]["prompt_tokens"] == 11


async def test_tool_call_arguments_are_objects_for_ollama_and_strings_back(arena: Arena) -> None:
    root = arena.open("always-local")
    arena.up.local.queue.append(Reply(text="", tool_calls=[{"name": "edit", "arguments": {"path": "a.py"}}]))
    history = [
        {"role": "user", "content": [{"type": "text", "text": "fix"}, {"type": "text", "text": "it"}]},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "read", "arguments": '{"p": 1}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "file text"},
    ]
    resp = await arena.client.post(root + "/v1/chat/completions", json={"model": "m", "messages": history})
    sent = arena.up.local.requests[-1]
    assert sent["messages"][0]["content"] == "fix\nit"
    assert sent["messages"][1]["tool_calls"][0]["function"]["arguments"] == {"p": 1}
    assert sent["think"] is False
    assert "repeat_penalty" not in sent["options"], "no guard is on by default"
    assert "num_predict" not in sent["options"], "no max-tokens cap by default"
    msg = (await resp.json())["choices"][0]
    assert msg["message"]["tool_calls"][0]["function"]["arguments"] == '{"path": "a.py"}'
    assert msg["finish_reason"] == "tool_calls"


async def test_client_max_tokens_is_kept_and_cloud_reasoning_params_renamed(arena: Arena) -> None:
    local = arena.open("always-local")
    await arena.client.post(local + "/v1/chat/completions", json=chat(max_tokens=77))
    assert arena.up.local.requests[-1]["options"]["num_predict"] == 77
    cloud = arena.open("always-cloud", key="t/cloud")
    await arena.client.post(cloud + "/v1/chat/completions", json=chat(max_tokens=77, temperature=0.2))
    sent = arena.up.cloud.requests[-1]
    assert sent["max_completion_tokens"] == 77
    assert "max_tokens" not in sent
    assert "temperature" not in sent
    assert sent["model"] == "gpt-5.5"


async def test_model_suffix_forces_the_backend(arena: Arena) -> None:
    root = arena.open("always-local")
    resp = await arena.client.post(root + "/v1/chat/completions", json={**chat(), "model": "anything!cloud"})
    assert resp.headers["X-Arena-Choice"] == "cloud"
    resp = await arena.client.post(root + "/v1/chat/completions", json={**chat(), "model": "x!local"})
    assert resp.headers["X-Arena-Choice"] == "local"
    rec = arena.records()
    assert [r["forced"] for r in rec] == ["cloud", "local"]


async def test_agent_authorization_is_never_forwarded_upstream(arena: Arena, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = arena.open("always-cloud")
    await arena.client.post(
        root + "/v1/chat/completions", json=chat(), headers={"Authorization": "Bearer agent-secret"}
    )
    sent = arena.up.cloud.headers[-1]
    assert "agent-secret" not in json.dumps(sent)
    assert "Authorization" not in sent, "a local-URL OpenAI backend gets no key unless key_env says so"


async def test_key_env_key_is_sent_upstream_and_never_logged(make_arena, monkeypatch, upstreams) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARENA_TEST_KEY", "sk-test-123")
    arena = await make_arena(cloud=f"openai:gpt-5.5@{upstreams.cloud_url};key_env=ARENA_TEST_KEY")
    root = arena.open("always-cloud")
    await arena.client.post(
        root + "/v1/chat/completions", json=chat(), headers={"Authorization": "Bearer agent"}
    )
    assert arena.up.cloud.headers[-1]["Authorization"] == "Bearer sk-test-123"
    assert arena.records(), "flushes the log"
    assert "sk-test-123" not in arena.decisions.read_text()


async def test_router_never_alters_model_content(arena: Arena) -> None:
    root = arena.open("always-local")
    arena.up.local.queue.append(Reply(text="exact\n\ttext [router] ✓"))
    body = await (await arena.client.post(root + "/v1/chat/completions", json=chat())).json()
    assert body["choices"][0]["message"]["content"] == "exact\n\ttext [router] ✓"


async def test_listings_and_health(arena: Arena) -> None:
    root = arena.open()
    models = await (await arena.client.get(root + "/v1/models")).json()
    assert models["object"] == "list"
    assert "arena" in [m["id"] for m in models["data"]]
    anth = await (
        await arena.client.get(root + "/v1/models", headers={"anthropic-version": "2023-06-01"})
    ).json()
    assert anth["data"][0]["type"] == "model"
    assert await (await arena.client.get(root + "/api/tags")).json() == {"models": []}
    health = await (await arena.client.get("/healthz")).json()
    assert health["ok"] is True
    assert "escalate" in health["strategies"]


async def test_decision_record_has_the_contract_fields(arena: Arena) -> None:
    root = arena.open("heuristic", key="cls/task[a-heuristic-s1]", seed=1)
    await arena.client.post(root + "/v1/chat/completions", json=chat("rename x to y"))
    (rec,) = arena.records()
    fields = "cell call_index strategy choice reason confidence backend backend_model prompt_tokens"
    fields += " completion_tokens cached_tokens latency_ms ttft_ms status error meta"
    fields += " model_echoed overhead_ms run_id"
    for field in fields.split():
        assert field in rec, field
    assert rec["cell"] == "cls/task[a-heuristic-s1]"
    assert rec["run_id"] == "test-run"
    assert rec["meta"]["path"] == "legacy"
    assert isinstance(rec["meta"]["score"], float)
    assert root.rsplit("-", 1)[-1] not in json.dumps(rec), "the cell token must not be logged"
