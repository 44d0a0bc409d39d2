"""One agent call through the router: decide, send upstream (with the fault policy), escalate when
the strategy asked for a checked answer (local → cloud for escalate, local → mid → cloud for
turbo), account, and log exactly one decision record.

Time is split three ways so the router's own cost stays visible: time waiting on the upstream,
time waiting on the agent's socket (stream writes), and the rest, which is router overhead.

Budgets (docs/router.md#budgets): every upstream attempt may take at most what is left of the
cell's budget, or of the tier's own limit when the caller set one and it ends first. A call cut
by the cell's budget fails with the kind ``budget`` (``local_budget``...), never retried, and what
the upstream had spent by then is still counted.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from .answers import unusable_reason
from .backends.base import Backend, Stream, UpstreamError, estimate_usage, within
from .errors import ApiError
from .sessions import RouterSession
from .state import RouterState
from .strategies.base import CallOutcome, Decision
from .strategies.features import last_user_text, total_prompt_tokens
from .tapes import enter_call
from .wire.openai import assemble_chunks
from .wire.shapes import ChatRequest, Chunk, Completion, Side, Usage

__all__ = ["Call", "ChunkSource", "check_budget"]

T = TypeVar("T")
_STATUS_FOR_KIND = {
    "connect": 502,
    "timeout": 504,
    "budget": 504,
    "protocol": 502,
    "stream": 502,
    "config": 500,
}


def check_budget(state: RouterState, cell: RouterSession, body_bytes: int) -> None:
    """Refuse a call past the cell's call or byte budget (403: agents do not retry it, unlike 429)."""
    cfg = state.config
    over = None
    if cell.usage.total >= cfg.max_calls_per_cell:
        over = f"cell {cell.key!r} reached its budget of {cfg.max_calls_per_cell} calls"
    elif cell.request_bytes + body_bytes > cfg.max_cell_request_bytes:
        over = f"cell {cell.key!r} reached its budget of {cfg.max_cell_request_bytes} request bytes"
    if over is None:
        cell.request_bytes += body_bytes
        return
    if not cell.budget_reported:
        cell.budget_reported = True
        cell.usage.add_error("cell_budget_exceeded", over, cell.next_index)
    raise ApiError(403, over + "; the agent is probably looping", "cell_budget_exceeded")


class Call:
    def __init__(
        self, state: RouterState, cell: RouterSession, req: ChatRequest, inbound: str, started: float
    ) -> None:
        self.state = state
        self.cell = cell
        self.req = req
        self.inbound = inbound
        self.started = started
        self.index = cell.next_index
        cell.next_index += 1
        cell.usage.total += 1
        self.decision: Decision | None = None
        self.decide_s = 0.0
        self.side: Side = "local"
        self.upstream_s = 0.0
        self.client_s = 0.0
        self.ttft_s: float | None = None
        self.attempts: list[str] = []
        self.usage: Usage | None = None
        self.model_echoed: str | None = None
        self.finish_reason: str | None = None
        self.escalated = False
        self.unusable: str | None = None
        self.local_attempt: dict[str, Any] | None = None
        self.mid_attempt: dict[str, Any] | None = None
        self.chain: list[Side] = []  # the tiers that were asked, in order
        self.error: dict[str, str] | None = None
        self.status = 200
        self._finished = False
        self._by_cell = False  # the last attempt's time limit was the cell's remaining budget
        self.tape = enter_call(cell.id, cell.key, self.index, cell)  # backends see the cell (record/replay)
        self._task = asyncio.current_task()
        if self._task is not None:
            cell.inflight.add(self._task)  # closing the cell cancels it

    # -- deciding ---------------------------------------------------------------------------
    async def decide(self) -> Decision:
        t = time.perf_counter()
        ctx = self.cell.context
        ctx.call_index = self.index
        if self.req.force is not None:
            decision = Decision(
                self.req.force, f"forced by model suffix !{self.req.force}", 1.0, {"forced": True}
            )
        else:
            try:
                # A strategy's own model calls (classifier, embeddings) fit in the cell's budget too.
                left = self.cell.remaining_s()
                async with within(math.inf if left is None else max(left, 0.0)):
                    decision = await self.cell.strategy.decide(self.req, ctx)
            except Exception as exc:  # a broken strategy must not break the agent's call
                decision = Decision(
                    "local",
                    f"strategy raised {type(exc).__name__} -> local",
                    0.2,
                    {"strategy_error": str(exc)[:200]},
                )
                self.cell.usage.add_error("strategy_error", f"{type(exc).__name__}: {exc}", self.index)
        if decision.choice not in self.state.backends:
            if self.req.force is not None:
                raise ApiError(
                    400,
                    f"model suffix !{self.req.force}: this router has no {self.req.force} tier "
                    "(configure one with --arena-mid / --mid)",
                    param="model",
                )
            missing = f"strategy chose the {decision.choice} tier, which is not configured"
            self.cell.usage.add_error("strategy_error", missing, self.index)
            decision = Decision(
                "local",
                f"strategy chose the unconfigured {decision.choice} tier -> local",
                0.2,
                {**decision.meta, "strategy_error": f"no {decision.choice} tier"},
            )
        self.decide_s = time.perf_counter() - t
        self.decision = decision
        self.side = decision.choice
        return decision

    def _plan(self, decision: Decision) -> list[Side]:
        """The tiers whose answers are checked before the last one, which answers as is. Empty
        unless the strategy asked for verification; tiers the router lacks are skipped."""
        if not decision.verify:
            return []
        tiers: list[Side] = []
        for side in (decision.choice, *decision.escalate_to):
            if side in self.state.backends and side not in tiers:
                tiers.append(side)
        return tiers[:-1]

    # -- upstream with the fault policy -----------------------------------------------------
    async def _upstream(
        self, side: Side, op: Callable[[Backend, float], Awaitable[T]], checked: bool = False
    ) -> T:
        """Local: one attempt. Cloud: up to 1 + cloud_retries attempts, backing off exponentially
        with full jitter, or exactly as long as Retry-After says (giving up when it asks for more
        than retry_after_cap_s). Mid: like local when its answer is checked (the cloud is the
        fallback, retrying would only delay it), like the cloud when it answers last. All
        attempts of a call fit in the tier's limit (``RouterConfig.timeout_for``) and in what is
        left of the cell's budget; a timeout set by the latter is raised as kind ``budget``."""
        cfg = self.state.config
        backend = self.state.backends[side]
        retrying = side == "cloud" or (side == "mid" and not checked)
        limit = cfg.timeout_for(side)
        attempts = 1 + cfg.cloud_retries if retrying else 1
        begin = time.perf_counter()
        for attempt in range(attempts):
            left, self._by_cell = self._time_left(limit, begin)
            t = time.perf_counter()
            try:
                if left <= 0 and self._by_cell:
                    raise UpstreamError("budget", f"{backend.label}: the cell's budget is used up")
                if left <= 0:
                    raise UpstreamError("timeout", f"{backend.label}: retry budget of {limit:g}s used up")
                result = await op(backend, left)
            except UpstreamError as exc:
                self.upstream_s += time.perf_counter() - t
                err = self.cut(side, exc)
                self.attempts.append(f"{side}:{err.label}")
                gives_up = not retrying or not err.retryable or attempt == attempts - 1
                if not gives_up:
                    if err.retry_after is not None:
                        delay = err.retry_after
                        gives_up = delay > cfg.retry_after_cap_s
                    else:
                        delay = random.uniform(0, cfg.retry_backoff_s * 2**attempt)
                    gives_up = gives_up or delay >= self._time_left(limit, begin)[0]
                if gives_up:
                    if err is exc:
                        raise
                    raise err from exc
                await asyncio.sleep(delay)
                self.upstream_s += delay
                continue
            self.upstream_s += time.perf_counter() - t
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _time_left(self, limit: float | None, begin: float) -> tuple[float, bool]:
        """Seconds the next attempt may take (``math.inf``: unbounded) and whether the cell's
        budget, rather than the tier's limit, sets it."""
        tier_left = math.inf if limit is None else limit - (time.perf_counter() - begin)
        cell_left = self.cell.remaining_s()
        if cell_left is not None and cell_left <= tier_left:
            return cell_left, True
        return tier_left, False

    def cut(self, side: Side, err: UpstreamError) -> UpstreamError:
        """``err`` as the call reports it. A timed-out call still counts what the upstream spent
        on it when the backend knows (embedded generations do); one cut by the cell's budget
        becomes kind ``budget`` and, when the backend cannot say, counts the router's estimate of
        the prompt and of the streamed text. Other errors pass unchanged."""
        if err.kind != "timeout":
            return err
        if not self._by_cell:
            self.cell.usage.add_tokens(side, err.usage)
            return err
        usage = err.usage or estimate_usage(self.req, "")
        self.cell.usage.add_tokens(side, usage)
        return UpstreamError(
            "budget", f"cut by the cell's budget of {self.cell.budget_s:g}s: {err.message}", usage=usage
        )

    def _count_side(self, side: Side) -> None:
        cap = self.state.config.guards_for(side).max_tokens_cap
        self.cell.usage.observe_sampling(side, self.req.body, cap is not None and self.req.max_tokens is None)
        self.chain.append(side)
        if side == "local":
            self.cell.usage.local += 1
        elif side == "mid":
            self.cell.usage.mid += 1
        else:
            self.cell.usage.cloud += 1

    def _fail(self, err: UpstreamError) -> ApiError:
        self.status = err.status if err.kind == "http" and err.status else _STATUS_FOR_KIND.get(err.kind, 502)
        self.error = {"kind": f"{self.side}_{err.label}", "message": err.message[:500]}
        headers = {}
        if err.retry_after is not None and err.status == 429:
            headers["Retry-After"] = str(int(err.retry_after))
        return ApiError(
            self.status,
            f"upstream {self.side} backend failed: {err.message}",
            "upstream_error",
            code=err.label,
            headers=headers,
        )

    def _escalation_check(self, side: Side, result: Completion | None, err: UpstreamError | None) -> bool:
        """After a checked attempt on ``side``: True when the call must go on to the next tier.
        ``unusable`` keeps the first rejection's reason; each tier's attempt is kept apart."""
        reason = None
        if err is not None:
            reason = f"{side} error: {err.label}"
            self.cell.usage.add_error(f"{side}_{err.label}", err.message, self.index)
        elif result is not None:
            reason = unusable_reason(result.message, result.finish_reason, self.req)
        attempt: dict[str, Any] = {
            "usage": _usage_dict(result.usage if result else None),
            "finish_reason": result.finish_reason if result else None,
            "unusable": reason,
        }
        if side == "local":
            self.local_attempt = attempt
        elif side == "mid":
            self.mid_attempt = attempt
        if reason is None:
            return False
        if side == "mid" and result is not None:  # a rejected hosted answer is still billed
            attempt["cost_usd"], attempt["cost_key"] = self._price("mid", result.usage, result.model_echoed)
        if not self.escalated:
            self.escalated = True
            self.unusable = reason
            self.cell.usage.escalated += 1
        return True

    # -- non-streamed -----------------------------------------------------------------------
    async def complete(self) -> Completion:
        decision = self.decision or await self.decide()
        tiers = self._plan(decision)
        for side in tiers:
            self.side = side
            self._count_side(side)
            result: Completion | None = None
            err: UpstreamError | None = None
            try:
                result = await self._upstream(side, lambda b, t: b.complete(self.req, t), checked=True)
            except UpstreamError as exc:
                err = exc
            if result is not None:
                self.cell.usage.add_tokens(side, result.usage)
            if not self._escalation_check(side, result, err):
                assert result is not None
                return self._took(result, count_tokens=False)
        if tiers:
            self.side = self._last_tier(decision)
        self._count_side(self.side)
        try:
            result = await self._upstream(self.side, lambda b, t: b.complete(self.req, t))
        except UpstreamError as exc:
            raise self._fail(exc) from exc
        return self._took(result)

    def _took(self, result: Completion, count_tokens: bool = True) -> Completion:
        self.usage = result.usage
        self.model_echoed = result.model_echoed
        self.finish_reason = result.finish_reason
        if count_tokens:
            self.cell.usage.add_tokens(self.side, result.usage)
        return result

    # -- streamed ---------------------------------------------------------------------------
    def _collector(self, chunks: list[Chunk]) -> Callable[[Backend, float], Awaitable[Stream]]:
        """An upstream op that reads a whole stream into ``chunks`` (a checked answer is judged
        before the agent sees a byte of it)."""

        async def collect(backend: Backend, budget_s: float) -> Stream:
            s = await backend.open_stream(self.req, budget_s)
            try:
                async with within(budget_s):
                    async for chunk in s:
                        chunks.append(chunk)
            except TimeoutError as exc:
                spent = s.usage or estimate_usage(self.req, "x" * s.text_chars)
                raise UpstreamError("timeout", f"{backend.label}: stream timed out", usage=spent) from exc
            except UpstreamError as err:
                if err.usage is None and err.kind == "timeout":
                    err.usage = s.usage or estimate_usage(self.req, "x" * s.text_chars)
                raise
            finally:
                await s.close()
            return s

        return collect

    def _last_tier(self, decision: Decision) -> Side:
        return [s for s in (decision.choice, *decision.escalate_to) if s in self.state.backends][-1]

    async def open_stream(self) -> ChunkSource:
        """Decide and open the upstream stream; faults before the first byte raise ApiError."""
        decision = self.decision or await self.decide()
        tiers = self._plan(decision)
        for side in tiers:
            self.side = side
            self._count_side(side)
            chunks: list[Chunk] = []
            stream: Stream | None = None
            err: UpstreamError | None = None
            try:
                stream = await self._upstream(side, self._collector(chunks), checked=True)
            except UpstreamError as exc:
                err = exc
            result = None
            if stream is not None:
                self.cell.usage.add_tokens(side, stream.usage)
                message, finish = assemble_chunks([c.data for c in chunks])
                result = Completion(
                    body={"choices": [{"message": message, "finish_reason": finish}]},
                    usage=stream.usage,
                    model_echoed=stream.model_echoed,
                )
            if not self._escalation_check(side, result, err):
                assert stream is not None
                self.usage, self.model_echoed, self.finish_reason = (
                    stream.usage,
                    stream.model_echoed,
                    stream.finish_reason,
                )
                return ChunkSource(self, None, chunks)
        if tiers:
            self.side = self._last_tier(decision)
        self._count_side(self.side)
        try:
            upstream = await self._upstream(self.side, lambda b, t: b.open_stream(self.req, t))
        except UpstreamError as exc:
            raise self._fail(exc) from exc
        return ChunkSource(self, upstream, None)

    def stream_failed(self, err: UpstreamError) -> None:
        self.error = {"kind": f"{self.side}_{err.label}", "message": err.message[:500]}

    def client_gone(self) -> None:
        self.error = {"kind": "client_disconnected", "message": "the agent closed the connection mid-stream"}

    def cancelled(self) -> None:
        """The call's handler was cancelled: its cell closed (or the router stopped) mid-call."""
        if self.error is None:
            self.status = 499
            self.error = {
                "kind": f"{self.side}_cancelled",
                "message": "the cell closed while this call was in flight; its generation was stopped",
            }

    # -- headers, accounting, log -----------------------------------------------------------
    def overhead_s(self) -> float:
        return max(0.0, time.perf_counter() - self.started - self.upstream_s - self.client_s)

    def headers(self) -> dict[str, str]:
        d = self.decision
        backend = self.state.backends[self.side]
        return {
            "X-Arena-Call": str(self.index),
            "X-Arena-Strategy": self.cell.strategy_spec,
            "X-Arena-Choice": self.side,
            "X-Arena-Confidence": f"{d.confidence:.3f}" if d else "",
            "X-Arena-Backend": backend.label,
            "X-Arena-Escalated": "1" if self.escalated else "0",
            "X-Arena-Router-Overhead-Ms": f"{self.overhead_s() * 1000:.3f}",
        }

    def finish(self) -> None:
        """Account and log this call once (safe to call again)."""
        if self._finished:
            return
        self._finished = True
        if self._task is not None:
            self.cell.inflight.discard(self._task)
        state, cell, u = self.state, self.cell, self.cell.usage
        total_s = time.perf_counter() - self.started
        overhead = self.overhead_s()
        u.latency_s += total_s
        u.overhead_s += overhead
        if self.error is not None:
            u.add_error(self.error["kind"], self.error["message"], self.index)
        cost, cost_key = self._cost()
        backend = state.backends[self.side]
        if self.side == "cloud" and self.model_echoed and self.model_echoed not in u.cloud_echoed:
            u.cloud_echoed.append(self.model_echoed)
        if self.decision is not None:
            cell.strategy.observe(
                CallOutcome(
                    self.side, self.escalated, self.unusable, self.error["kind"] if self.error else None
                ),
                cell.context,
            )
        u.decisions += 1
        d = self.decision
        usage = self.usage
        record: dict[str, Any] = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "run_id": state.config.run_id,
            "cell": cell.key,
            "call_index": self.index,
            "seed": cell.seed,
            "strategy": cell.strategy_spec,
            "inbound": self.inbound,
            "stream": self.req.stream,
            "model_requested": self.req.model,
            "forced": self.req.force,
            "choice": self.side,
            "decided": d.choice if d else None,
            "reason": d.reason if d else None,
            "confidence": round(d.confidence, 4) if d else None,
            "meta": d.meta if d else {},
            "escalated": self.escalated,
            "unusable": self.unusable,
            "local_attempt": self.local_attempt,
            "backend": backend.label,
            "backend_model": backend.model,
            "model_echoed": self.model_echoed,
            "prompt_tokens": usage.prompt if usage else None,
            "completion_tokens": usage.completion if usage else None,
            "cached_tokens": usage.cached if usage else None,
            "tokens_estimated": usage.estimated if usage else None,
            "prompt_tokens_est": total_prompt_tokens(self.req.messages),
            "cost_usd": cost,
            "cost_key": cost_key,
            "finish_reason": self.finish_reason,
            "status": self.status,
            "error": self.error,
            "attempts": self.attempts,
            "replay": self.tape.replay or None,
            "latency_ms": round(total_s * 1000, 3),
            "ttft_ms": round(self.ttft_s * 1000, 3) if self.ttft_s is not None else None,
            "decide_ms": round(self.decide_s * 1000, 3),
            "upstream_ms": round(self.upstream_s * 1000, 3),
            "overhead_ms": round(overhead * 1000, 3),
            "guards": state.guards.get(self.side, {}),
            "prompt_preview": last_user_text(self.req.messages)[:200],
        }
        if state.has_mid:  # a two-sided router logs exactly the fields it always did
            record["mid_attempt"] = self.mid_attempt
            record["chain"] = list(self.chain)
        state.log.append(record)

    def _cost(self) -> tuple[float | None, str | None]:
        """Cost of the answering call (a rejected local attempt is $0; a rejected hosted mid
        attempt is priced where it is rejected). Adds to the cell total."""
        return self._price(self.side, self.usage, self.model_echoed)

    def _price(self, side: Side, usage: Usage | None, echoed: str | None) -> tuple[float | None, str | None]:
        """Price of one upstream answer on ``side`` at its own model's list price, added to the
        cell's totals. Sides outside ``priced_sides`` cost $0 (key ``local``, or ``free`` for a
        mid tier on the user's own hardware); an unknown model makes the cell's cost null."""
        if side not in self.state.priced_sides:
            return 0.0, "local" if side == "local" else "free"
        if usage is None:
            return None, None
        u = self.cell.usage
        prices = self.state.prices
        model = self.state.backends[side].model
        key = prices.resolve(echoed or "") or prices.resolve(model)
        if key is None:
            name = echoed or model
            if name not in u.unpriced:
                u.unpriced.append(name)
            if side == "mid":
                u.mid_unpriced = True
            return None, None
        cost = prices.cost_usd(key, usage.prompt, usage.completion, usage.cached)
        if cost is not None:
            u.cost_usd += cost
            if side == "mid":
                u.mid_cost_usd += cost
        return cost, key


class ChunkSource:
    """The chunks of a streamed answer, live from upstream or replayed from a checked local
    attempt; tracks upstream wait time and fills the call's usage at the end."""

    def __init__(self, call: Call, stream: Stream | None, buffered: list[Chunk] | None) -> None:
        self.call = call
        self.stream = stream
        self.buffered = buffered

    async def __aiter__(self) -> AsyncIterator[Chunk]:
        if self.buffered is not None:
            for chunk in self.buffered:
                yield chunk
            return
        assert self.stream is not None
        call = self.call
        iterator = aiter(self.stream)
        while True:
            t = time.perf_counter()
            try:
                chunk = await anext(iterator)
            except StopAsyncIteration:
                call.upstream_s += time.perf_counter() - t
                break
            except UpstreamError as err:
                call.upstream_s += time.perf_counter() - t
                if err.kind == "timeout" and err.usage is None:
                    err.usage = self.stream.usage or estimate_usage(call.req, "x" * self.stream.text_chars)
                raise call.cut(call.side, err) from err
            call.upstream_s += time.perf_counter() - t
            yield chunk
        call.usage = self.stream.usage
        call.model_echoed = self.stream.model_echoed
        call.finish_reason = self.stream.finish_reason
        if call.usage is not None:
            call.cell.usage.add_tokens(call.side, call.usage)

    async def close(self) -> None:
        if self.stream is not None:
            await self.stream.close()


def _usage_dict(usage: Usage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    return {
        "prompt": usage.prompt,
        "completion": usage.completion,
        "cached": usage.cached,
        "estimated": usage.estimated,
    }
