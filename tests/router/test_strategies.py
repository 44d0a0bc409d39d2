"""Every strategy on crafted requests: agent vs non-agent, first call, post-tool-call, aider
phases, borderline scores, helper failures; plus the registry and spec parsing."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_hybridarena.router.answers import is_degenerate, unusable_reason
from pytest_hybridarena.router.specs import parse_backend_spec, parse_spec
from pytest_hybridarena.router.strategies.base import CallOutcome, Decision, SessionContext
from pytest_hybridarena.router.strategies.features import keyword_hits
from pytest_hybridarena.router.strategies.phase import detect_phase
from pytest_hybridarena.router.strategies.registry import (
    BUILTIN_STRATEGIES,
    known_strategies,
    make_strategy,
)
from pytest_hybridarena.router.wire.shapes import ChatRequest
from tests.router import aider_prompts


class FakeServices:
    def __init__(self, reply: str | Exception = "SIMPLE", vectors: Any = None) -> None:
        self.reply = reply
        self.vectors = vectors
        self.classified: list[str] = []
        self.embed_calls = 0

    async def classify(self, text: str) -> str:
        self.classified.append(text)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply

    async def embed(self, texts: list[str]) -> list[list[float]] | None:
        self.embed_calls += 1
        if isinstance(self.vectors, Exception):
            raise self.vectors
        if self.vectors is None:
            return None
        return [self.vectors(t) for t in texts]


def req(*messages: dict[str, Any], tools: int = 0, **body: Any) -> ChatRequest:
    b: dict[str, Any] = {"model": "m", "messages": list(messages), **body}
    if tools:
        b["tools"] = [{"type": "function", "function": {"name": f"t{i}"}} for i in range(tools)]
    return ChatRequest(body=b, stream=False, include_usage=False, model="m")


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def system(text: str) -> dict[str, Any]:
    return {"role": "system", "content": text}


CALL = {
    "role": "assistant",
    "content": None,
    "tool_calls": [{"id": "1", "type": "function", "function": {"name": "bash", "arguments": "{}"}}],
}
TOOL = {"role": "tool", "tool_call_id": "1", "content": "ok"}


async def decide(spec: str, request: ChatRequest, services: FakeServices | None = None) -> Decision:
    ctx = SessionContext("c", 0, services or FakeServices())
    return await make_strategy(spec).decide(request, ctx)


# -- features ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "side", "hits"),
    [
        ("please plan the migration", "cloud", 1),
        ("an explanation of the information along the way", "cloud", 0),
        ("fix formatting in information", "local", 0),
        ("format it, fix the typo", "local", 2),
        ("consider the trade-off and the tradeoff", "cloud", 2),
    ],
)
def test_keywords_match_on_word_boundaries_only(text: str, side: str, hits: int) -> None:
    assert keyword_hits(text, side) == hits


# -- controls and rules ------------------------------------------------------------------------
async def test_controls() -> None:
    assert (await decide("always-local", req(user("design a compiler")))).choice == "local"
    assert (await decide("always-cloud", req(user("rename x")))).choice == "cloud"


async def test_rules_cloud_triggers_raise_confidence_per_trigger() -> None:
    text = "design the architecture\n" + "```a```\n" * 3
    d = await decide("rules", req(user(text)))
    assert d.choice == "cloud"
    assert d.confidence == pytest.approx(0.8)
    assert d.meta["triggers"] == 2


async def test_rules_long_prompt_goes_cloud_and_local_keyword_local() -> None:
    assert (await decide("rules", req(system("x" * 16_004), user("hi")))).choice == "cloud"
    d = await decide("rules", req(user("rename the variable")))
    assert (d.choice, d.confidence) == ("local", 0.85)
    assert (await decide("rules", req(user("hello")))).confidence == 0.6


async def test_rules_threshold_is_a_parameter() -> None:
    assert (await decide("rules@max_tokens=10", req(user("x" * 100)))).choice == "cloud"


# -- heuristic ---------------------------------------------------------------------------------
async def test_heuristic_non_agent_falls_through_to_legacy() -> None:
    d = await decide("heuristic", req(user("compare these and explain why the design is better")))
    assert d.reason.startswith("heuristic[not-agent -> legacy]")
    assert d.meta["path"] == "legacy"
    assert d.meta["threshold"] == 25
    # 3 cloud keywords x 14 = 42 -> cloud
    assert d.choice == "cloud"
    assert d.meta["score"] >= 25


async def test_heuristic_agent_first_call_is_planning_and_goes_cloud() -> None:
    d = await decide(
        "heuristic", req(system("You are opencode, an agent"), user("add a feature to the parser"))
    )
    assert d.meta["path"] == "agent"
    assert d.meta["first_call"] is True
    assert d.choice == "cloud"
    assert d.meta["score"] >= 12


async def test_heuristic_agent_tool_result_goes_local() -> None:
    d = await decide("heuristic", req(system("s"), user("do it"), CALL, TOOL))
    assert d.meta["observation"]
    assert d.meta["after_tool_call"]
    assert d.choice == "local"
    assert d.meta["score"] == pytest.approx(1 / 60 - 20, abs=0.01)


async def test_heuristic_threshold_param_moves_the_cutoff() -> None:
    r = req(system("You are opencode"), user("add a feature"))  # score 15 + tiny
    assert (await decide("heuristic", r)).choice == "cloud"
    assert (await decide("heuristic@threshold=16", r)).choice == "local"


async def test_heuristic_extra_markers_param() -> None:
    r = req(system("MyBot v1"), user("x"))
    assert (await decide("heuristic", r)).meta["path"] == "legacy"
    assert (await decide("heuristic@markers=MyBot|Other", r)).meta["path"] == "agent"


# -- llm-classifier ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reply", "choice", "confidence"),
    [
        ("COMPLEX", "cloud", 0.8),
        ("simple.", "local", 0.8),
        ("maybe", "local", 0.4),
        (TimeoutError("t"), "local", 0.3),
    ],
)
async def test_classifier_maps_replies_and_falls_back_local(
    reply: Any, choice: str, confidence: float
) -> None:
    d = await decide("llm-classifier", req(user("x" * 5000)), FakeServices(reply))
    assert (d.choice, d.confidence) == (choice, confidence)


async def test_classifier_sees_at_most_4000_characters() -> None:
    services = FakeServices("SIMPLE")
    await decide("llm-classifier", req(user("y" * 9000)), services)
    assert len(services.classified[0]) == 4000


# -- embedding-knn -----------------------------------------------------------------------------
def _vec(text: str) -> list[float]:
    return [3.0, 0.1] if "design" in text.lower() or "architect" in text.lower() else [0.1, 3.0]


async def test_knn_votes_with_the_nearest_examples() -> None:
    d = await decide("embedding-knn", req(user("design a plugin architecture")), FakeServices(vectors=_vec))
    assert d.choice == "cloud"
    assert d.meta["weight_cloud"] > d.meta["weight_local"]
    d = await decide("embedding-knn", req(user("rename a var")), FakeServices(vectors=_vec))
    assert d.choice == "local"


async def test_knn_without_embedder_or_on_failure_goes_local_and_retries_next_call() -> None:
    assert (await decide("embedding-knn", req(user("x")), FakeServices(vectors=None))).confidence == 0.3
    services = FakeServices(vectors=RuntimeError("down"))
    ctx = SessionContext("c", 0, services)
    strategy = make_strategy("embedding-knn")
    assert (await strategy.decide(req(user("x")), ctx)).reason.startswith("embedding failed")
    services.vectors = _vec
    assert (await strategy.decide(req(user("design it")), ctx)).choice == "cloud"
    assert services.embed_calls == 2


# -- cascade -------------------------------------------------------------------------------------
async def test_cascade_trusts_a_clear_heuristic_without_asking_the_classifier() -> None:
    services = FakeServices("COMPLEX")
    d = await decide(
        "cascade", req(system("s"), user("go"), CALL, TOOL), services
    )  # agent score ~ -20, d ~ 32
    assert d.choice == "local"
    assert services.classified == []
    assert d.reason.startswith("cascade: trust")


async def test_cascade_borderline_disagreement_lets_the_classifier_win() -> None:
    r = req(system("You are opencode"), user("add a feature"))  # score ~15, d ~3
    d = await decide("cascade", r, FakeServices("SIMPLE"))
    assert d.choice == "local"
    assert d.confidence == pytest.approx(0.7)
    assert "overrides" in d.reason
    assert d.meta["heuristic_choice"] == "cloud"
    assert d.meta["classifier_choice"] == "local"


async def test_cascade_borderline_agreement_boosts_confidence() -> None:
    r = req(system("You are opencode"), user("add a feature"))
    d = await decide("cascade", r, FakeServices("COMPLEX"))
    assert d.choice == "cloud"
    assert d.confidence == pytest.approx(min(1, 0.5 + (0.5 + 3.0 / 30 + 0.8) / 4), abs=0.01)


async def test_cascade_band_is_a_parameter() -> None:
    r = req(system("You are opencode"), user("add a feature"))  # d ~3
    services = FakeServices("SIMPLE")
    d = await decide("cascade@threshold=2", r, services)
    assert d.choice == "cloud"
    assert services.classified == []


async def test_cascade_failed_classifier_routes_local_on_borderline() -> None:
    r = req(system("You are opencode"), user("add a feature"))
    assert (await decide("cascade", r, FakeServices(ConnectionError("x")))).choice == "local"


# -- phase-aware -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "phase"),
    [
        (aider_prompts.ARCHITECT, "architect"),
        (aider_prompts.EDITOR_DIFF, "editor"),
        (aider_prompts.EDITOR_WHOLE, "editor"),
        (aider_prompts.CODE_DIFF, None),
        (aider_prompts.ASK, None),
        ("You are an expert software engineer acting as the architect.", "architect"),
    ],
)
def test_phase_detection_on_the_prompts_aider_really_sends(prompt: str, phase: str | None) -> None:
    assert detect_phase([system(prompt), user("change foo")]) == phase


async def test_phase_aware_routes_architect_cloud_editor_local_rest_legacy() -> None:
    assert (await decide("phase-aware", req(system(aider_prompts.ARCHITECT), user("x")))).choice == "cloud"
    assert (await decide("phase-aware", req(system(aider_prompts.EDITOR_DIFF), user("x")))).choice == "local"
    d = await decide("phase-aware", req(system(aider_prompts.CODE_DIFF), user("rename x")))
    assert d.meta["phase"] == "fallback"
    assert d.meta["path"] == "legacy"


async def test_phase_aware_reads_the_first_user_message_when_aider_sends_no_system_role() -> None:
    r = req(user(aider_prompts.ARCHITECT), {"role": "assistant", "content": "Ok."}, user("refactor"))
    assert (await decide("phase-aware", r)).choice == "cloud"


# -- escalate --------------------------------------------------------------------------------------
async def test_escalate_answers_local_first_and_sticks_to_cloud_for_k_calls() -> None:
    strategy = make_strategy("escalate@k=2")
    ctx = SessionContext("c", 0, FakeServices())
    d = await strategy.decide(req(user("x")), ctx)
    assert d.choice == "local"
    assert d.verify
    strategy.observe(CallOutcome("cloud", escalated=True), ctx)
    assert [(await strategy.decide(req(user("x")), ctx)).choice for _ in range(3)] == [
        "cloud",
        "cloud",
        "local",
    ]


BUILTIN_FEEDBACK = (
    "Result of your edit blocks:\n- applied: calc.py (reply line 2) — whole file\n\n"
    "The checks failed:\n\n$ python -m pytest -q -x\n(exit 1)\nFAILED tests/test_calc.py::test_add\n"
)
AIDER_TEST_OUTPUT = "=== 1 failed, 3 passed in 0.12s ===\nFix the test failures."
FIRST_TURN = req(system("s"), user("Implement add. Traceback (most recent call last): in the docs"))


@pytest.mark.parametrize("feedback", [BUILTIN_FEEDBACK, AIDER_TEST_OUTPUT, "x\nValueError: bad\n"])
async def test_escalate_sends_the_call_after_a_failed_check_to_cloud_and_sticks(feedback: str) -> None:
    strategy = make_strategy("escalate@k=2")
    ctx = SessionContext("c", 0, FakeServices())
    retry = req(system("s"), user("Implement add."), {"role": "assistant", "content": "..."}, user(feedback))
    d = await strategy.decide(retry, ctx)
    assert (d.choice, d.verify) == ("cloud", False)
    assert d.reason.startswith("escalate: the agent's check failed (")
    assert (await strategy.decide(req(user("x")), ctx)).choice == "cloud"  # sticky: k=2 in all
    assert (await strategy.decide(req(user("x")), ctx)).choice == "local"


async def test_escalate_keeps_a_first_call_and_a_passing_check_local() -> None:
    assert (await decide("escalate", FIRST_TURN)).choice == "local"
    passed = req(system("s"), user("go"), {"role": "assistant", "content": "."}, user("The checks passed:"))
    assert (await decide("escalate", passed)).choice == "local"


async def test_escalate_on_fail_0_ignores_failed_checks() -> None:
    retry = req(system("s"), user("go"), {"role": "assistant", "content": "."}, user(BUILTIN_FEEDBACK))
    assert (await decide("escalate@on_fail=0", retry)).choice == "local"


async def test_cascade_sends_the_call_after_a_failed_check_to_cloud() -> None:
    services = FakeServices("SIMPLE")
    retry = req(
        system("s"), user("go"), CALL, {"role": "tool", "tool_call_id": "1", "content": BUILTIN_FEEDBACK}
    )
    d = await decide("cascade", retry, services)
    assert d.choice == "cloud"
    assert services.classified == []
    assert (await decide("cascade@on_fail=0", retry, FakeServices("SIMPLE"))).choice == "local"


@pytest.mark.parametrize(
    ("message", "finish", "request_body", "reason"),
    [
        ({"content": "fine"}, "length", {}, "finish_reason=length"),
        ({"content": "  "}, "stop", {}, "empty answer"),
        ({"content": "ok " + "la" * 200}, "stop", {}, "degenerate repetition"),
        (
            {"content": "prose"},
            "stop",
            {"tool_choice": "required"},
            "no tool call although tool_choice required one",
        ),
        (
            {"content": "prose only"},
            "stop",
            {"system": "Describe each change with a *SEARCH/REPLACE block*"},
            "no SEARCH/REPLACE block or code fence",
        ),
        ({"content": "def f(): pass"}, "stop", {}, None),
        ({"content": None, "tool_calls": [{"id": "1"}]}, "tool_calls", {"tool_choice": "required"}, None),
    ],
)
def test_unusable_answers_are_detected(
    message: dict[str, Any], finish: str, request_body: dict[str, Any], reason: str | None
) -> None:
    msgs = [system(request_body["system"])] if "system" in request_body else []
    extra = {k: v for k, v in request_body.items() if k != "system"}
    r = req(*msgs, user("go"), tools=1 if extra else 0, **extra)
    assert unusable_reason(message, finish, r) == reason


def test_degenerate_detection_ignores_normal_code() -> None:
    code = "\n".join(f"def f{i}(x):\n    return x + {i}" for i in range(40))
    assert not is_degenerate(code)
    assert is_degenerate("start " + "\n" * 300)


# -- registry and specs -------------------------------------------------------------------------
def test_known_strategies_are_the_eight_plus_escalate() -> None:
    names = (
        "always-local always-cloud rules heuristic llm-classifier embedding-knn cascade phase-aware escalate"
    )
    assert set(known_strategies()) >= set(names.split())


def test_unknown_strategy_names_the_bad_name_and_lists_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown strategy 'cascad'.*known strategies: .*cascade"):
        make_strategy("cascad")
    with pytest.raises(ValueError, match="unknown parameter"):
        make_strategy("cascade@treshold=3")
    with pytest.raises(ValueError, match="must be a number"):
        make_strategy("cascade@threshold=high")


def test_registered_strategy_is_made_per_cell() -> None:
    class Mine:
        name = "mine"

        def __init__(self, params: dict[str, str]) -> None:
            self.params = params

        async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
            return Decision("cloud", "mine", 1.0)

        def observe(self, outcome: CallOutcome, context: SessionContext) -> None:
            return None

    table = {**BUILTIN_STRATEGIES, "mine-test": Mine}
    a, b = make_strategy("mine-test@x=1", table), make_strategy("mine-test", table)
    with pytest.raises(ValueError, match="unknown strategy 'mine-test'"):
        make_strategy("mine-test")  # nothing process-wide: the built-in table stays as it was
    assert a is not b
    assert a.params == {"x": "1"}


def test_parse_spec_and_backend_spec() -> None:
    assert parse_spec("cascade@threshold=10;k=3") == ("cascade", {"threshold": "10", "k": "3"})
    assert parse_spec("always-local") == ("always-local", {})
    with pytest.raises(ValueError, match="key=value"):
        parse_spec("cascade@threshold")
    spec = parse_backend_spec("ollama:qwen2.5-coder:7b@http://127.0.0.1:11434;key_env=X")
    assert (spec.scheme, spec.model, spec.base_url, spec.params) == (
        "ollama",
        "qwen2.5-coder:7b",
        "http://127.0.0.1:11434",
        {"key_env": "X"},
    )
    with pytest.raises(ValueError, match="scheme:model"):
        parse_backend_spec("gpt-5.5")
