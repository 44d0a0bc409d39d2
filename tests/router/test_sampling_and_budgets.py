"""Fair sampling (the same on every tier unless a tier's guards say otherwise, and recorded) and
budgets (every call bounded by what is left of its cell's budget) against the fake upstreams."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from pytest_hybridarena.router.app import create_app
from pytest_hybridarena.router.settings import RouterConfig, TierGuards
from pytest_hybridarena.router.strategies.registry import make_strategy
from tests.fakes.script import Reply
from tests.router.conftest import Arena, chat

MakeArena = Callable[..., Awaitable[Arena]]


def open_cell(arena: Arena, strategy: str, budget_s: float | None, key: str = "t/budget") -> str:
    state = arena.state
    cell = state.cells.open(key, strategy, make_strategy(strategy), 0, state.services, budget_s=budget_s)
    return f"/cell/{cell.id}"


# -- sampling -------------------------------------------------------------------------------------
async def test_no_tier_gets_a_repeat_penalty_or_a_max_tokens_cap_by_default(arena: Arena) -> None:
    local, cloud = arena.open("always-local"), arena.open("always-cloud", key="t/c")
    for root in (local, cloud):
        await arena.client.post(root + "/v1/chat/completions", json=chat(temperature=0.3, seed=5))
    sent_local, sent_cloud = arena.up.local.requests[-1], arena.up.cloud.requests[-1]
    assert "repeat_penalty" not in sent_local["options"]
    assert "num_predict" not in sent_local["options"]
    assert (sent_local["options"]["temperature"], sent_local["options"]["seed"]) == (0.3, 5)
    assert "max_tokens" not in sent_cloud
    assert "max_completion_tokens" not in sent_cloud
    for root, tier in ((local, "local"), (cloud, "cloud")):
        sampling = arena.usage(root)["sampling"][tier]
        assert sampling == {
            "calls": 1,
            "temperature": [0.3],
            "top_p": [None],
            "seed": [5],
            "repeat_penalty": None,
            "max_tokens_cap": None,
            "capped_calls": 0,
            "tool_nudge": False,
        }


async def test_guards_apply_to_the_tiers_that_ask_for_them_and_are_recorded(make_arena: MakeArena) -> None:
    arena = await make_arena(
        local_guards=TierGuards(max_tokens_cap=256, repeat_penalty=1.1),
        cloud_guards=TierGuards(max_tokens_cap=512),
    )
    local, cloud = arena.open("always-local"), arena.open("always-cloud", key="t/c")
    await arena.client.post(local + "/v1/chat/completions", json=chat())
    await arena.client.post(local + "/v1/chat/completions", json=chat(max_tokens=9))
    await arena.client.post(cloud + "/v1/chat/completions", json=chat(model="gpt-x"))
    first, second = arena.up.local.requests
    assert first["options"]["repeat_penalty"] == second["options"]["repeat_penalty"] == 1.1
    assert first["options"]["num_predict"] == 256, "the cap fills in a missing max_tokens"
    assert second["options"]["num_predict"] == 9, "the agent's own limit is kept"
    assert arena.up.cloud.requests[-1]["max_completion_tokens"] == 512
    local_sampling = arena.usage(local)["sampling"]["local"]
    assert (local_sampling["calls"], local_sampling["capped_calls"]) == (2, 1)
    assert (local_sampling["repeat_penalty"], local_sampling["max_tokens_cap"]) == (1.1, 256)
    assert local_sampling["temperature"] == [None], "the agent sent none: the backend's default"
    assert arena.usage(cloud)["sampling"]["cloud"]["max_tokens_cap"] == 512
    assert arena.usage(cloud)["sampling"]["cloud"]["repeat_penalty"] is None
    [record] = [r for r in arena.records() if r["choice"] == "cloud"]
    assert record["guards"] == {"max_tokens_cap": 512, "repeat_penalty": None, "tool_nudge": False}


def test_a_repeat_penalty_on_a_tier_whose_api_has_none_is_refused(config: RouterConfig) -> None:
    with pytest.raises(ValueError, match=r"repeat penalty for the cloud tier.*openai:gpt-5\.5"):
        create_app(replace(config, cloud_guards=TierGuards(repeat_penalty=1.1)))


# -- budgets --------------------------------------------------------------------------------------
async def test_a_slow_local_model_is_cut_by_the_cell_budget_and_its_prompt_still_counts(
    arena: Arena,
) -> None:
    root = open_cell(arena, "always-local", budget_s=0.5)
    arena.up.local.queue.append(Reply(fault="hang"))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat("x" * 400))
    assert resp.status == 504
    assert (await resp.json())["error"]["code"] == "budget"
    usage = arena.usage(root)
    assert [e["kind"] for e in usage["errors"]] == ["local_budget"]
    assert "cell's budget of 0.5s" in usage["errors"][0]["message"]
    assert usage["tokens"]["local_prompt"] == 100, "the router's estimate of the prompt it sent"
    assert usage["tokens"]["estimated"] is True
    assert usage["budget_s"] == 0.5


async def test_a_stalled_cloud_stream_is_cut_by_the_budget_and_counts_what_it_streamed(
    arena: Arena,
) -> None:
    root = open_cell(arena, "always-cloud", budget_s=0.5)
    arena.up.cloud.queue.append(Reply(text="y" * 80, chunks=2, fault="stall"))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat("x" * 400, stream=True))
    body = await resp.text()
    assert '"content": "' + "y" * 40 in body or '"content":"' + "y" * 40 in body
    assert "cut by the cell's budget" in body
    usage = arena.usage(root)
    assert [e["kind"] for e in usage["errors"]] == ["cloud_budget"]
    assert usage["tokens"]["cloud_prompt"] == 100
    assert usage["tokens"]["cloud_completion"] > 0, "what was streamed before the cut is counted"
    assert usage["calls"]["cloud"] == 1, "a call cut by the budget is not retried"


async def test_a_call_after_the_budget_is_refused_without_reaching_the_model(arena: Arena) -> None:
    root = open_cell(arena, "always-cloud", budget_s=0.05)
    cell = arena.state.cells.get(root.rsplit("/", 1)[-1])
    assert cell is not None
    assert cell.deadline is not None
    cell.deadline -= 1.0  # as if the agent spent its budget elsewhere
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat())
    assert resp.status == 504
    assert arena.up.cloud.requests == []
    usage = arena.usage(root)
    assert [e["kind"] for e in usage["errors"]] == ["cloud_budget"]
    assert usage["tokens"]["cloud_prompt"] == 0, "nothing was sent, nothing is counted"


async def test_a_tier_limit_shorter_than_the_budget_is_an_ordinary_timeout(make_arena: MakeArena) -> None:
    arena = await make_arena(request_timeout_s=0.3)
    root = open_cell(arena, "always-local", budget_s=60.0)
    arena.up.local.queue.append(Reply(fault="hang"))
    resp = await arena.client.post(root + "/v1/chat/completions", json=chat())
    assert resp.status == 504
    assert [e["kind"] for e in arena.usage(root)["errors"]] == ["local_timeout"]


async def test_without_budget_or_limit_a_call_is_not_bounded_and_closing_the_cell_cancels_it(
    make_arena: MakeArena,
) -> None:
    arena = await make_arena(request_timeout_s=None, cloud_timeout_s=None)
    root = open_cell(arena, "always-local", budget_s=None)
    arena.up.local.queue.append(Reply(fault="hang"))
    arrived, take = asyncio.Event(), arena.up.local.take

    async def taking(request: Any) -> Any:
        try:
            return await take(request)
        finally:
            arrived.set()

    arena.up.local.take = taking  # type: ignore[method-assign]
    call = asyncio.ensure_future(arena.client.post(root + "/v1/chat/completions", json=chat()))
    await arrived.wait()  # the fake has the request: the call is in flight
    cell = arena.state.cells.close(root.rsplit("/", 1)[-1])
    tasks = list(cell.inflight)
    assert len(tasks) == 1
    await asyncio.wait(tasks)
    assert [e["kind"] for e in cell.usage.error_list] == ["local_cancelled"]
    [record] = arena.records()
    assert record["status"] == 499
    call.cancel()
