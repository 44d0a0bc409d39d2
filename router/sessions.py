"""Router sessions: what a URL's ``/cell/<id>/`` segment binds (strategy, seed, per-cell state) and the
per-cell accounting returned to the item that opened it. One session serves one benchmark cell
(the item's cell, ``results/cells.py``); the HTTP paths and wire fields still say ``cell``.

A session opened with a budget (the item's time budget) has a deadline: every call's time limit is
what is left of it (docs/router.md#budgets), and closing the cell cancels the calls still in
flight, so nothing the cell started outlives it.

Session ids are ``<slug of the cell key>-<random token>``: readable in logs, unguessable, so another
local process cannot spend the cloud key through the proxy by guessing a URL. All mutation
happens on the router's event loop; the server wrapper hops there for open and close.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .strategies.base import Services, SessionContext, Strategy
from .wire.shapes import Side, Usage

__all__ = ["RouterSession", "SessionRegistry", "SessionUsage", "TierSampling"]

_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_RECORDED_ERRORS = 50
MAX_DISTINCT_VALUES = 20  # per sampling parameter and tier; agents send one or two


@dataclass
class TierSampling:
    """How one tier's requests were drawn in a cell: the sampling parameters as the agent sent
    them (distinct values in first-seen order; None for a call that sent none, so the backend's
    default applied) and how often the tier's max-tokens cap filled in a missing limit."""

    calls: int = 0
    temperature: list[float | None] = field(default_factory=list)
    top_p: list[float | None] = field(default_factory=list)
    seed: list[float | None] = field(default_factory=list)  # ints, as sent
    capped_calls: int = 0

    def observe(self, body: dict[str, Any], capped: bool) -> None:
        self.calls += 1
        self.capped_calls += capped
        for name, values in (("temperature", self.temperature), ("top_p", self.top_p), ("seed", self.seed)):
            value = body.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                value = None
            if value not in values and len(values) < MAX_DISTINCT_VALUES:
                values.append(value)

    def to_dict(self, guards: dict[str, Any]) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "temperature": list(self.temperature),
            "top_p": list(self.top_p),
            "seed": list(self.seed),
            "repeat_penalty": guards.get("repeat_penalty"),
            "max_tokens_cap": guards.get("max_tokens_cap"),
            "capped_calls": self.capped_calls,
            "tool_nudge": bool(guards.get("tool_nudge")),
        }


@dataclass
class SessionUsage:
    """Running totals for one cell. ``calls.local``/``mid``/``cloud`` count upstream requests, so
    an escalated call counts once in ``total`` and once on each tier it reached. The ``mid_*``
    totals stay 0 (and out of :meth:`RouterSession.to_dict`) when the router has no mid tier."""

    total: int = 0
    local: int = 0
    mid: int = 0
    cloud: int = 0
    errors: int = 0
    escalated: int = 0
    local_prompt: int = 0
    local_completion: int = 0
    mid_prompt: int = 0
    mid_completion: int = 0
    cloud_prompt: int = 0
    cloud_completion: int = 0
    cached: int = 0
    estimated: bool = False
    cost_usd: float = 0.0  # every priced tier (mid and cloud)
    mid_cost_usd: float = 0.0  # the mid tier's part of cost_usd
    mid_unpriced: bool = False
    unpriced: list[str] = field(default_factory=list)
    cloud_echoed: list[str] = field(default_factory=list)
    latency_s: float = 0.0
    overhead_s: float = 0.0
    error_list: list[dict[str, Any]] = field(default_factory=list)
    decisions: int = 0
    sampling: dict[str, TierSampling] = field(default_factory=dict)

    def observe_sampling(self, side: Side, body: dict[str, Any], capped: bool) -> None:
        self.sampling.setdefault(side, TierSampling()).observe(body, capped)

    def add_tokens(self, side: Side, usage: Usage | None) -> None:
        if usage is None:
            return
        if side == "local":
            self.local_prompt += usage.prompt
            self.local_completion += usage.completion
        elif side == "mid":
            self.mid_prompt += usage.prompt
            self.mid_completion += usage.completion
        else:
            self.cloud_prompt += usage.prompt
            self.cloud_completion += usage.completion
        self.cached += usage.cached
        self.estimated = self.estimated or usage.estimated

    def add_error(self, kind: str, message: str, call: int) -> None:
        self.errors += 1
        if len(self.error_list) < MAX_RECORDED_ERRORS:
            self.error_list.append({"kind": kind, "message": message[:500], "call": call})


@dataclass
class RouterSession:
    id: str
    key: str
    strategy_spec: str
    strategy: Strategy
    seed: int
    context: SessionContext
    usage: SessionUsage = field(default_factory=SessionUsage)
    request_bytes: int = 0
    next_index: int = 0
    closed: bool = False
    budget_reported: bool = False
    #: ``time.monotonic()`` by which the cell's calls must be done; None: no budget.
    deadline: float | None = None
    budget_s: float | None = None
    #: The handler tasks of the calls in flight (cancelled when the cell closes).
    inflight: set[asyncio.Task[Any]] = field(default_factory=set)

    def remaining_s(self) -> float | None:
        """Seconds left of the cell's budget (may be <= 0); None when it has none."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def to_dict(
        self, local_model: str, cloud_model: str, guards: dict[str, Any], mid_model: str | None = None
    ) -> dict[str, Any]:
        """The cell's usage as builtins (docs/router.md). With ``mid_model`` (a router with a mid
        tier) ``calls``, ``tokens`` and ``models`` gain their ``mid`` entries and ``mid_cost_usd``
        is added; without it the dict is exactly the two-sided one."""
        u = self.usage
        out: dict[str, Any] = {
            "cell": {"id": self.id, "key": self.key, "strategy": self.strategy_spec, "seed": self.seed},
            "calls": {
                "total": u.total,
                "local": u.local,
                "cloud": u.cloud,
                "errors": u.errors,
                "escalated": u.escalated,
            },
            "tokens": {
                "local_prompt": u.local_prompt,
                "local_completion": u.local_completion,
                "cloud_prompt": u.cloud_prompt,
                "cloud_completion": u.cloud_completion,
                "cached": u.cached,
                "estimated": u.estimated,
            },
            "cost_usd": None if u.unpriced else round(u.cost_usd, 8),
            "cost_unpriced_models": list(u.unpriced),
            "models": {"local": local_model, "cloud": cloud_model, "cloud_echoed": list(u.cloud_echoed)},
            "latency_s": {"total": round(u.latency_s, 6), "router_overhead": round(u.overhead_s, 6)},
            "errors": [dict(e) for e in u.error_list],
            "decisions": u.decisions,
            "request_bytes": self.request_bytes,
            "guards": {side: dict(g) for side, g in guards.items()},
            "sampling": {side: u.sampling.get(side, TierSampling()).to_dict(g) for side, g in guards.items()},
            "budget_s": self.budget_s,
        }
        if mid_model is not None:
            out["calls"] = _with_after(out["calls"], "local", {"mid": u.mid})
            mid_tokens = {"mid_prompt": u.mid_prompt, "mid_completion": u.mid_completion}
            out["tokens"] = _with_after(out["tokens"], "local_completion", mid_tokens)
            out["models"] = _with_after(out["models"], "local", {"mid": mid_model})
            out["mid_cost_usd"] = None if u.mid_unpriced else round(u.mid_cost_usd, 8)
        return out


def _with_after(d: dict[str, Any], key: str, extra: dict[str, Any]) -> dict[str, Any]:
    """``d`` with ``extra`` inserted right after ``key`` (keeps the tiers in order in the JSON)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        out[k] = v
        if k == key:
            out.update(extra)
    return out


def make_cell_id(cell_key: str) -> str:
    slug = _SLUG.sub("-", cell_key).strip("-.")[:48] or "cell"
    return f"{slug}-{secrets.token_urlsafe(16)}"


class SessionRegistry:
    """Open cells by id. Only touched from the router's event loop."""

    def __init__(self) -> None:
        self._cells: dict[str, RouterSession] = {}

    def __len__(self) -> int:
        return len(self._cells)

    def get(self, cell_id: str) -> RouterSession | None:
        return self._cells.get(cell_id)

    def open(
        self,
        cell_key: str,
        strategy_spec: str,
        strategy: Strategy,
        seed: int,
        services: Services,
        cell_id: str | None = None,
        budget_s: float | None = None,
    ) -> RouterSession:
        """Open a cell; with ``budget_s`` its calls must be done within that many seconds."""
        cid = cell_id or make_cell_id(cell_key)
        if cid in self._cells:
            raise ValueError(f"cell id {cid!r} is already open")
        if budget_s is not None and budget_s <= 0:
            raise ValueError(f"cell {cell_key!r}: budget_s must be > 0, got {budget_s!r}")
        context = SessionContext(cell_key=cell_key, seed=seed, services=services)
        cell = RouterSession(
            id=cid, key=cell_key, strategy_spec=strategy_spec, strategy=strategy, seed=seed, context=context
        )
        if budget_s is not None:
            cell.budget_s = budget_s
            cell.deadline = time.monotonic() + budget_s
        self._cells[cid] = cell
        return cell

    def close(self, id_or_key: str) -> RouterSession:
        """Close by id, or by cell key when exactly one open cell has that key."""
        cell = self._cells.pop(id_or_key, None)
        if cell is None:
            matches = [c for c in self._cells.values() if c.key == id_or_key]
            if len(matches) != 1:
                raise KeyError(f"no open cell with id or key {id_or_key!r} ({len(matches)} matches by key)")
            cell = self._cells.pop(matches[0].id)
        cell.closed = True
        for task in cell.inflight:
            task.cancel()
        return cell

    def all(self) -> list[RouterSession]:
        return list(self._cells.values())
