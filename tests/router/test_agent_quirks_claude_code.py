"""claude-code quirks the router handles (seen with @anthropic-ai/claude-code 2.1.330)."""

from __future__ import annotations

from tests.fakes.script import Reply
from tests.router.conftest import Arena


async def test_system_turns_inside_messages_are_folded_into_the_leading_system_message(arena: Arena) -> None:
    # claude-code 2.1 sends its "# Environment" notes as a role "system" turn between user turns,
    # with the `?beta=true` query it always adds; the router answered 400 before.
    root = arena.open("always-local")
    arena.up.local.queue.append(Reply(text="hi"))
    body = {
        "model": "arena",
        "max_tokens": 100,
        "system": [{"type": "text", "text": "You are Claude Code"}],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hello"}]},
            {"role": "system", "content": [{"type": "text", "text": "# Environment\ncwd: /w"}]},
            {"role": "user", "content": "go on"},
        ],
        "thinking": {"type": "adaptive"},
        "context_management": {"edits": []},
        "output_config": {"effort": "high"},
    }
    resp = await arena.client.post(root + "/v1/messages?beta=true", json=body)
    assert resp.status == 200, await resp.text()
    sent = arena.up.local.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "user"]
    assert sent[0]["content"] == "You are Claude Code\n\n# Environment\ncwd: /w"
    assert (await resp.json())["content"] == [{"type": "text", "text": "hi"}]


async def test_a_system_turn_without_a_system_field_becomes_the_system_message(arena: Arena) -> None:
    root = arena.open("always-local")
    body = {
        "model": "arena",
        "max_tokens": 100,
        "messages": [
            {"role": "user", "content": "hello"},
            {"role": "system", "content": "notes"},
        ],
    }
    resp = await arena.client.post(root + "/v1/messages", json=body)
    assert resp.status == 200, await resp.text()
    sent = arena.up.local.requests[-1]["messages"]
    assert sent == [{"role": "system", "content": "notes"}, {"role": "user", "content": "hello"}]


async def test_an_unknown_role_is_still_a_400_naming_the_field(arena: Arena) -> None:
    root = arena.open("always-local")
    body = {"model": "arena", "max_tokens": 10, "messages": [{"role": "tool", "content": "x"}]}
    resp = await arena.client.post(root + "/v1/messages", json=body)
    assert resp.status == 400
    assert "messages[0].role" in (await resp.json())["error"]["message"]
