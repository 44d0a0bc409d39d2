"""The optional mid tier and the turbo strategy (local → mid → cloud), end to end through the router
against fake upstreams: local is the Ollama fake, mid and cloud are two OpenAI fakes."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from pytest_hybridarena.router.app import create_app
from pytest_hybridarena.router.server import RouterConfig, RouterServer
from pytest_hybridarena.router.specs import runs_locally
from pytest_hybridarena.router.strategies.base import CallOutcome, SessionContext
from pytest_hybridarena.router.strategies.registry import known_strategies, make_strategy
from pytest_hybridarena.router.wire.shapes import ChatRequest
from tests.fakes import openai_fake
from tests.fakes.script import Recorder, Reply
from tests.router.conftest import Arena, ServerFactory, Upstreams, chat

BAD_LOCAL = Reply(text="cut off", finish_reason="length")
LOOPING = Reply(text="start " + "la" * 200)


@dataclass
class MidArena:
    arena: Arena
    mid: Recorder

    @property
    def local(self) -> Recorder:
        return self.arena.up.local

    @property
    def cloud(self) -> Recorder:
        return self.arena.up.cloud

    def open(self, strategy: str = "turbo") -> str:
        return self.arena.open(strategy)

    async def ask(self, root: str, stream: bool = False, **extra: Any) -> tuple[str, dict[str, str]]:
        resp = await self.arena.client.post(root + "/v1/chat/completions", json=chat(stream=stream, **extra))
        raw = await resp.text()
        assert resp.status == 200, raw
        return _answer(raw, stream), dict(resp.headers)

    def usage(self, root: str) -> dict[str, Any]:
        cell = self.arena.state.cells.get(root.rsplit("/", 1)[-1])
        assert cell is not None
        return cell.to_dict("l", "c", self.arena.state.guards, mid_model="m")


def _answer(raw: str, stream: bool) -> str:
    if not stream:
        return str(json.loads(raw)["choices"][0]["message"]["content"])
    objs = [json.loads(e[6:]) for e in raw.split("\n\n") if e and "[DONE]" not in e]
    return "".join(c["delta"].get("content") or "" for o in objs for c in o.get("choices", []))


@pytest.fixture
async def mid_url(aiohttp_server: ServerFactory) -> tuple[Recorder, str]:
    rec = Recorder()
    srv = await aiohttp_server(openai_fake.make_app(rec))
    return rec, str(srv.make_url("/v1"))


@pytest.fixture
async def tiers(make_arena: Callable[..., Awaitable[Arena]], mid_url: tuple[Recorder, str]) -> MidArena:
    rec, url = mid_url
    return MidArena(await make_arena(mid=f"openai:gpt-5-mini@{url}"), rec)


# -- the three tier paths ---------------------------------------------------------------------------
@pytest.mark.parametrize("stream", [False, True])
async def test_turbo_keeps_a_usable_local_answer_local(tiers: MidArena, stream: bool) -> None:
    root = tiers.open()
    tiers.local.queue.append(Reply(text="good local answer"))
    text, headers = await tiers.ask(root, stream)
    assert text == "good local answer"
    assert (headers["X-Arena-Choice"], headers["X-Arena-Escalated"]) == ("local", "0")
    assert tiers.mid.requests == []
    assert tiers.cloud.requests == []
    usage = tiers.usage(root)
    assert usage["calls"] == {"total": 1, "local": 1, "mid": 0, "cloud": 0, "errors": 0, "escalated": 0}
    [record] = tiers.arena.records()
    assert record["chain"] == ["local"]
    assert record["mid_attempt"] is None


@pytest.mark.parametrize("stream", [False, True])
async def test_turbo_reissues_an_unusable_local_answer_to_the_mid_tier(tiers: MidArena, stream: bool) -> None:
    root = tiers.open()
    tiers.local.queue.append(BAD_LOCAL)
    tiers.mid.queue.append(Reply(text="mid answer", prompt_tokens=30, completion_tokens=5))
    text, headers = await tiers.ask(root, stream)
    assert text == "mid answer"
    assert (headers["X-Arena-Choice"], headers["X-Arena-Escalated"]) == ("mid", "1")
    assert headers["X-Arena-Backend"] == "openai:gpt-5-mini"
    assert tiers.cloud.requests == []
    usage = tiers.usage(root)
    assert usage["calls"] == {"total": 1, "local": 1, "mid": 1, "cloud": 0, "errors": 0, "escalated": 1}
    assert (usage["tokens"]["mid_prompt"], usage["tokens"]["mid_completion"]) == (30, 5)
    assert (usage["tokens"]["cloud_prompt"], usage["tokens"]["cloud_completion"]) == (0, 0)
    assert usage["tokens"]["local_prompt"] == 11
    [record] = tiers.arena.records()
    assert record["chain"] == ["local", "mid"]
    assert record["choice"] == "mid"
    assert record["unusable"] == "finish_reason=length"
    assert record["local_attempt"]["unusable"] == "finish_reason=length"
    assert record["mid_attempt"]["unusable"] is None


@pytest.mark.parametrize("stream", [False, True])
async def test_turbo_goes_to_cloud_when_local_and_mid_are_both_unusable(
    tiers: MidArena, stream: bool
) -> None:
    root = tiers.open()
    tiers.local.queue.append(Reply(text="  "))
    tiers.mid.queue.append(LOOPING)
    tiers.cloud.queue.append(Reply(text="cloud answer", prompt_tokens=100, completion_tokens=10))
    text, headers = await tiers.ask(root, stream)
    assert text == "cloud answer"
    assert (headers["X-Arena-Choice"], headers["X-Arena-Escalated"]) == ("cloud", "1")
    usage = tiers.usage(root)
    assert usage["calls"] == {"total": 1, "local": 1, "mid": 1, "cloud": 1, "errors": 0, "escalated": 1}
    assert usage["tokens"]["mid_prompt"] == 11
    assert usage["tokens"]["cloud_prompt"] == 100
    [record] = tiers.arena.records()
    assert record["chain"] == ["local", "mid", "cloud"]
    assert record["unusable"] == "empty answer"
    assert record["mid_attempt"]["unusable"] == "degenerate repetition"


async def test_a_mid_backend_error_goes_to_cloud_after_one_attempt(tiers: MidArena) -> None:
    root = tiers.open()
    tiers.local.queue.append(BAD_LOCAL)
    tiers.mid.queue.append(Reply(status=503))
    tiers.cloud.queue.append(Reply(text="cloud answer"))
    text, headers = await tiers.ask(root)
    assert (text, headers["X-Arena-Choice"]) == ("cloud answer", "cloud")
    assert len(tiers.mid.requests) == 1  # a checked mid tier is not retried: the cloud is next
    usage = tiers.usage(root)
    assert [e["kind"] for e in usage["errors"]] == ["mid_http_503"]
    assert usage["calls"]["mid"] == usage["calls"]["cloud"] == 1
    [record] = tiers.arena.records()
    assert record["mid_attempt"]["unusable"] == "mid error: http_503"


async def test_a_local_backend_error_goes_to_mid(tiers: MidArena) -> None:
    root = tiers.open()
    tiers.local.queue.append(Reply(status=500))
    tiers.mid.queue.append(Reply(text="mid answer"))
    text, headers = await tiers.ask(root)
    assert (text, headers["X-Arena-Choice"]) == ("mid answer", "mid")
    assert tiers.usage(root)["errors"][0]["kind"] == "local_http_500"


# -- stickiness -------------------------------------------------------------------------------------
async def test_turbo_sticks_to_the_mid_tier_for_k_calls_and_still_checks_it(tiers: MidArena) -> None:
    root = tiers.open("turbo@k=2")
    tiers.local.queue.append(BAD_LOCAL)
    tiers.mid.default = Reply(text="mid answer")
    choices = [(await tiers.ask(root))[1]["X-Arena-Choice"] for _ in range(4)]
    assert choices == ["mid", "mid", "mid", "local"]
    assert len(tiers.local.requests) == 2  # the first call and the one after the sticky run
    assert tiers.cloud.requests == []
    # a sticky mid answer is still checked: unusable → cloud, and then the cell sticks to cloud
    root = tiers.open("turbo@k=1")
    tiers.local.queue.append(BAD_LOCAL)
    tiers.mid.queue[:] = [Reply(text="mid answer"), BAD_LOCAL]
    tiers.cloud.default = Reply(text="cloud answer")
    choices = [(await tiers.ask(root))[1]["X-Arena-Choice"] for _ in range(3)]
    assert choices == ["mid", "cloud", "cloud"]


async def test_turbo_sticks_to_cloud_after_a_cloud_escalation(tiers: MidArena) -> None:
    root = tiers.open("turbo@k=1")
    tiers.local.queue.append(BAD_LOCAL)
    tiers.mid.queue.append(BAD_LOCAL)
    tiers.local.default = tiers.mid.default = Reply(text="fine")
    choices = [(await tiers.ask(root))[1]["X-Arena-Choice"] for _ in range(3)]
    assert choices == ["cloud", "cloud", "local"]
    assert len(tiers.mid.requests) == 1  # the sticky cloud call asked neither local nor mid
    assert tiers.usage(root)["calls"] == {
        "total": 3,
        "local": 2,
        "mid": 1,
        "cloud": 2,
        "errors": 0,
        "escalated": 1,
    }


async def test_turbo_strategy_decides_and_observes_like_escalate_with_two_tiers() -> None:
    strategy = make_strategy("turbo@k=1")
    ctx = SessionContext("c", 0, services=None)  # type: ignore[arg-type]
    req = ChatRequest(body={"messages": []}, stream=False, include_usage=False, model="x")
    d = await strategy.decide(req, ctx)
    assert (d.choice, d.verify, d.escalate_to) == ("local", True, ("mid", "cloud"))
    strategy.observe(CallOutcome("mid", escalated=True), ctx)
    d = await strategy.decide(req, ctx)
    assert (d.choice, d.verify, d.escalate_to) == ("mid", True, ("cloud",))
    assert (await strategy.decide(req, ctx)).choice == "local"
    strategy.observe(CallOutcome("local"), ctx)  # no escalation: no stickiness
    assert (await strategy.decide(req, ctx)).choice == "local"
    assert "turbo" in known_strategies()
    with pytest.raises(ValueError, match="unknown parameter"):
        make_strategy("turbo@kk=1")


# -- accounting and cost ----------------------------------------------------------------------------
async def test_each_tier_is_priced_at_its_own_model(tiers: MidArena) -> None:
    state = tiers.arena.state
    state.priced_sides = frozenset({"mid", "cloud"})  # as if the mid tier were hosted
    root = tiers.open()
    tiers.local.queue.append(BAD_LOCAL)
    tiers.mid.queue.append(Reply(text="  ", prompt_tokens=1000, completion_tokens=100))  # billed, rejected
    tiers.cloud.queue.append(Reply(text="cloud answer", prompt_tokens=2000, completion_tokens=200))
    await tiers.ask(root)
    mid_cost = state.prices.cost_usd("gpt-5-mini", 1000, 100, 0)
    cloud_cost = state.prices.cost_usd("gpt-5.5", 2000, 200, 0)
    assert mid_cost is not None
    assert cloud_cost is not None
    assert 0 < mid_cost < cloud_cost
    usage = tiers.usage(root)
    assert usage["mid_cost_usd"] == pytest.approx(mid_cost)
    assert usage["cost_usd"] == pytest.approx(mid_cost + cloud_cost)
    [record] = tiers.arena.records()
    assert record["mid_attempt"]["cost_usd"] == pytest.approx(mid_cost)
    assert record["mid_attempt"]["cost_key"] == "gpt-5-mini"
    assert (record["cost_usd"], record["cost_key"]) == (pytest.approx(cloud_cost), "gpt-5.5")


async def test_a_mid_tier_on_the_users_own_hardware_costs_nothing(tiers: MidArena) -> None:
    assert tiers.arena.state.priced_sides == {"cloud"}  # the fake mid listens on 127.0.0.1
    root = tiers.open()
    tiers.local.queue.append(BAD_LOCAL)
    tiers.mid.queue.append(Reply(text="mid answer", prompt_tokens=5000, completion_tokens=500))
    await tiers.ask(root)
    usage = tiers.usage(root)
    assert (usage["cost_usd"], usage["mid_cost_usd"]) == (0.0, 0.0)
    [record] = tiers.arena.records()
    assert (record["cost_usd"], record["cost_key"]) == (0.0, "free")


async def test_an_unpriced_mid_model_makes_the_cost_unknown(
    make_arena: Callable[..., Awaitable[Arena]], mid_url: tuple[Recorder, str]
) -> None:
    rec, url = mid_url
    arena = await make_arena(mid=f"openai:no-such-model@{url}")
    arena.state.priced_sides = frozenset({"mid", "cloud"})
    tiers = MidArena(arena, rec)
    root = tiers.open()
    tiers.local.queue.append(BAD_LOCAL)
    await tiers.ask(root)
    usage = tiers.usage(root)
    assert usage["cost_usd"] is None
    assert usage["mid_cost_usd"] is None
    assert usage["cost_unpriced_models"] == ["no-such-model"]


def test_runs_locally_decides_which_mid_tiers_are_free() -> None:
    free = ["embedded:qwen2.5-coder-1.5b", "ollama:qwen2.5-coder:14b", "openai:q@http://127.0.0.1:8000/v1"]
    free += ["openai:q@http://192.168.1.20:8000/v1", "openai:q@http://localhost:8000/v1"]
    free += ["replay:ollama:q;dir=tapes"]
    hosted = ["openai:gpt-5-mini", "anthropic:claude-haiku-4-5", "openai:q@https://api.example.com/v1"]
    hosted += ["replay:openai:gpt-5-mini;dir=tapes"]
    assert [runs_locally(s) for s in free] == [True] * len(free)
    assert [runs_locally(s) for s in hosted] == [False] * len(hosted)


# -- without a mid tier -----------------------------------------------------------------------------
async def test_a_router_without_a_mid_tier_reports_two_sides_only(arena: Arena) -> None:
    root = arena.open("escalate")
    arena.up.local.queue.append(BAD_LOCAL)
    await (await arena.client.post(root + "/v1/chat/completions", json=chat())).read()
    cell = arena.state.cells.get(root.rsplit("/", 1)[-1])
    assert cell is not None
    usage = cell.to_dict("l", "c", arena.state.guards)
    assert list(usage["calls"]) == ["total", "local", "cloud", "errors", "escalated"]
    assert "mid_prompt" not in usage["tokens"]
    assert "mid" not in usage["models"]
    assert "mid_cost_usd" not in usage
    [record] = arena.records()
    assert "chain" not in record
    assert "mid_attempt" not in record
    health = await (await arena.client.get("/healthz")).json()
    assert "mid" not in health


async def test_escalate_skips_the_mid_tier_when_one_is_configured(tiers: MidArena) -> None:
    root = tiers.open("escalate")
    tiers.local.queue.append(BAD_LOCAL)
    _, headers = await tiers.ask(root)
    assert headers["X-Arena-Choice"] == "cloud"
    assert tiers.mid.requests == []


async def test_forcing_the_mid_tier_without_one_is_a_400(arena: Arena) -> None:
    root = arena.open()
    resp = await arena.client.post(root + "/v1/chat/completions", json={**chat(), "model": "x!mid"})
    assert resp.status == 400
    assert "no mid tier" in (await resp.json())["error"]["message"]


async def test_forcing_the_mid_tier_and_listing_it(tiers: MidArena) -> None:
    root = tiers.open("always-local")
    resp = await tiers.arena.client.post(root + "/v1/chat/completions", json={**chat(), "model": "x!mid"})
    assert resp.headers["X-Arena-Choice"] == "mid"
    listing = await (await tiers.arena.client.get(root + "/v1/models")).json()
    assert [m["id"] for m in listing["data"]][-1] == "gpt-5-mini!mid"
    health = await (await tiers.arena.client.get("/healthz")).json()
    assert health["mid"] == "openai:gpt-5-mini"


def test_a_turbo_cell_needs_a_mid_tier(upstreams_sync: Upstreams) -> None:
    config = RouterConfig(
        local=f"ollama:q@{upstreams_sync.local_url}", cloud=f"openai:c@{upstreams_sync.cloud_url}"
    )
    with (
        RouterServer(config) as server,
        pytest.raises(ValueError, match=r"'turbo' needs a mid tier.*--arena-mid"),
    ):
        server.open_cell("t/cell", "turbo")
    with pytest.raises(ValueError, match="needs a mid tier"):
        create_app(RouterConfig(local=config.local, cloud=config.cloud, default_cell_strategy="turbo"))
    mid = RouterConfig(local=config.local, cloud=config.cloud, mid=f"openai:m@{upstreams_sync.cloud_url}")
    with RouterServer(mid) as server:
        cell = server.open_cell("t/cell", "turbo@k=1")
        usage = server.close_cell(cell.id)
    assert usage["models"] == {
        "local": "ollama:q",
        "mid": "openai:m",
        "cloud": "openai:c",
        "cloud_echoed": [],
    }
    assert usage["calls"]["mid"] == 0
    assert usage["mid_cost_usd"] == 0.0


def test_the_standalone_router_takes_a_mid_tier_and_refuses_turbo_without_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pytest_hybridarena.router.__main__ import main, parse_args

    assert parse_args(["--mid", "ollama:qwen2.5-coder:14b"]).mid == "ollama:qwen2.5-coder:14b"
    assert parse_args([]).mid is None
    dead = "openai:x@http://127.0.0.1:9/v1"
    assert main(["--local", dead, "--cloud", dead, "--strategy", "turbo", "--port", "0"]) == 2
    assert "'turbo' needs a mid tier" in capsys.readouterr().err
