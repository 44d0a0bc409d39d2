"""The result row: one JSON object per cell, schema-versioned, builtins only.

A :class:`Row` becomes a dict at one place (:meth:`Row.to_wire`) and comes back at one place
(:meth:`Row.from_wire`). The dict travels from a worker to the controller as an attribute of the
test report (``report.arena_row``), where anything but builtins (a ``Path``!) aborts an xdist run,
so :meth:`to_wire` checks that before execnet does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pytest_hybridarena.pricing import PriceTable
from pytest_hybridarena.results.cells import Cell

__all__ = [
    "OUTCOMES",
    "SCHEMA_VERSION",
    "TIERS",
    "Calls",
    "Cost",
    "Models",
    "Outcome",
    "Row",
    "Tests",
    "Tier",
    "Timing",
    "Tokens",
    "as_row",
    "cloud_cost",
    "config_sha",
    "counts_as_error",
    "counts_as_judged",
    "counts_as_passed",
    "empty_calls",
    "empty_tokens",
    "has_mid_tier",
    "host_info",
    "now_iso",
    "priced_as",
]

SCHEMA_VERSION = 1
Outcome = Literal["pass", "fail", "error", "timeout", "skipped"]
OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "error", "timeout", "skipped")


# --- the outcome rule: one place says what each outcome counts as ------------------------------


def counts_as_judged(outcome: str) -> bool:
    """A trial of the pass rate: every outcome but ``skipped`` (intention-to-treat: errors and
    timeouts are trials that did not pass; a skipped row has no verdict)."""
    return outcome != "skipped"


def counts_as_passed(outcome: str) -> bool:
    """A passed trial: ``pass`` only."""
    return outcome == "pass"


def counts_as_error(outcome: str) -> bool:
    """A harness-side failure (``error`` or ``timeout``): what makes a sweep unclean, unlike an
    unsolved ``fail``."""
    return outcome in ("error", "timeout")


def has_mid_tier(rows: Iterable[Row | Mapping[str, Any]]) -> bool:
    """True when any row was served by a router with a mid tier (:meth:`Models.from_wire`): the
    one test of "is there a mid tier" for a set of rows (``docs/rows.md``)."""
    return any((r.models if isinstance(r, Row) else Models.from_wire(r.get("models"))).has_mid for r in rows)


# --- the typed parts of a row -------------------------------------------------------------------
#
# Each part reads its wire object (``from_wire``, tolerant of rows written before an optional key
# existed) and writes it back key for key, in the documented order (``to_wire``), so a row read and
# written again is byte-identical. A key that is optional on the wire (the mid tier's, ``estimated``,
# ``errors``, ``escalated``) is None here when the row did not carry it.

Tier = Literal["local", "mid", "cloud"]
TIERS: tuple[Tier, ...] = ("local", "mid", "cloud")


@dataclass(frozen=True)
class Tokens:
    """``tokens``: prompt and completion tokens per tier, ``cached`` and ``estimated``."""

    local_prompt: int = 0
    local_completion: int = 0
    cloud_prompt: int = 0
    cloud_completion: int = 0
    cached: int = 0
    mid_prompt: int | None = None  # None: the run had no mid tier
    mid_completion: int | None = None
    estimated: bool | None = None  # None: a row written before the key existed

    @property
    def has_mid(self) -> bool:
        return self.mid_prompt is not None or self.mid_completion is not None

    @property
    def local(self) -> int:
        return self.local_prompt + self.local_completion

    @property
    def cloud(self) -> int:
        return self.cloud_prompt + self.cloud_completion

    @property
    def mid(self) -> int:
        return (self.mid_prompt or 0) + (self.mid_completion or 0)

    @property
    def total(self) -> int:
        """Prompt and completion tokens of every tier."""
        return self.local + self.mid + self.cloud

    def of(self, tier: Tier) -> int:
        return {"local": self.local, "mid": self.mid, "cloud": self.cloud}[tier]

    @property
    def billed_cached(self) -> int:
        """Cached tokens count toward the cloud's bill only when the cloud side saw prompt tokens."""
        return self.cached if self.cloud_prompt else 0

    def to_wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"local_prompt": self.local_prompt, "local_completion": self.local_completion}
        if self.has_mid:
            out["mid_prompt"] = self.mid_prompt or 0
            out["mid_completion"] = self.mid_completion or 0
        out |= {
            "cloud_prompt": self.cloud_prompt,
            "cloud_completion": self.cloud_completion,
            "cached": self.cached,
        }
        if self.estimated is not None:
            out["estimated"] = self.estimated
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any] | None, *, mid: bool | None = None) -> Tokens:
        """``mid`` forces the mid tier's keys on (True, 0 when missing) or off (False); None: as the
        object has them."""
        d = data or {}
        has_mid = ("mid_prompt" in d or "mid_completion" in d) if mid is None else mid
        return cls(
            local_prompt=d.get("local_prompt", 0),
            local_completion=d.get("local_completion", 0),
            cloud_prompt=d.get("cloud_prompt", 0),
            cloud_completion=d.get("cloud_completion", 0),
            cached=d.get("cached", 0),
            mid_prompt=d.get("mid_prompt", 0) if has_mid else None,
            mid_completion=d.get("mid_completion", 0) if has_mid else None,
            estimated=d["estimated"] if "estimated" in d else None,
        )


@dataclass(frozen=True)
class Calls:
    """``calls``: LLM calls through the router, per tier, with upstream errors and escalations."""

    total: int = 0
    local: int = 0
    cloud: int = 0
    mid: int | None = None  # None: the run had no mid tier
    errors: int | None = None  # None: a row written before the key existed
    escalated: int | None = None

    @property
    def has_mid(self) -> bool:
        return self.mid is not None

    @property
    def served(self) -> int:
        """Calls a model answered on some tier (local + mid + cloud)."""
        return self.local + (self.mid or 0) + self.cloud

    def of(self, tier: Tier) -> int:
        return {"local": self.local, "mid": self.mid or 0, "cloud": self.cloud}[tier]

    def to_wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"total": self.total, "local": self.local}
        if self.mid is not None:
            out["mid"] = self.mid
        out["cloud"] = self.cloud
        if self.errors is not None:
            out["errors"] = self.errors
        if self.escalated is not None:
            out["escalated"] = self.escalated
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any] | None, *, mid: bool | None = None) -> Calls:
        d = data or {}
        has_mid = ("mid" in d) if mid is None else mid
        return cls(
            total=d.get("total", 0),
            local=d.get("local", 0),
            cloud=d.get("cloud", 0),
            mid=d.get("mid", 0) if has_mid else None,
            errors=d.get("errors"),
            escalated=d.get("escalated"),
        )


@dataclass(frozen=True)
class Cost:
    """``cost_usd``: the price list used and the value (None: a model is missing from the price
    table); ``mid`` is the mid tier's part of ``value`` when the run had one (``has_mid``)."""

    scenario: str | None = None
    value: float | None = 0.0
    mid: float | None = None
    has_mid: bool = False

    def to_wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scenario": self.scenario, "value": self.value}
        if self.has_mid:
            out["mid"] = self.mid
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any] | None) -> Cost:
        d = data or {"scenario": None, "value": 0.0}
        return cls(scenario=d.get("scenario"), value=d.get("value"), mid=d.get("mid"), has_mid="mid" in d)


def cloud_cost(tokens: Tokens, model: str, prices: PriceTable) -> float | None:
    """The cloud side's tokens at ``model``'s list prices, rounded to 8 decimals (local tokens are
    $0; cached tokens count only with cloud prompt tokens); None when the table lacks the model."""
    value = prices.cost_usd(model, tokens.cloud_prompt, tokens.cloud_completion, tokens.billed_cached)
    return None if value is None else round(value, 8)


def priced_as(tokens: Tokens, price_as: str, prices: PriceTable, mid: Cost | None = None) -> Cost:
    """The repricing rule, for a live ``--arena-price-as`` run and ``report --price-as`` alike: the
    cloud side's tokens billed at ``price_as``'s rates; a mid tier (``mid.has_mid``) keeps its own
    price (``mid.mid``), which is added to the value."""
    value = cloud_cost(tokens, price_as, prices)
    scenario = f"as:{price_as}"
    if mid is None or not mid.has_mid:
        return Cost(scenario, value)
    total = None if value is None or mid.mid is None else round(value + mid.mid, 8)
    return Cost(scenario, total, mid=mid.mid, has_mid=True)


@dataclass(frozen=True)
class Tests:
    """``tests``: the acceptance suite's counts."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    total: int = 0

    def to_wire(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "skipped": self.skipped,
            "total": self.total,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any] | None) -> Tests:
        d = data or {}
        return cls(**{k: d.get(k, 0) for k in ("passed", "failed", "errors", "skipped", "total")})


@dataclass(frozen=True)
class Timing:
    """``wall_s``: seconds spent by the agent, by scoring, and in all."""

    agent: float = 0.0
    score: float = 0.0
    total: float = 0.0

    def to_wire(self) -> dict[str, Any]:
        return {"agent": self.agent, "score": self.score, "total": self.total}

    @classmethod
    def from_wire(cls, data: Mapping[str, Any] | None) -> Timing:
        d = data or {}
        return cls(agent=d.get("agent", 0.0), score=d.get("score", 0.0), total=d.get("total", 0.0))


@dataclass(frozen=True)
class Models:
    """``models``: the model specs that served the cell; ``mid`` only when the run had a mid tier."""

    local: str | None = None
    cloud: str | None = None
    mid: str | None = None
    has_mid: bool = False

    def of(self, tier: Tier) -> str | None:
        return {"local": self.local, "mid": self.mid, "cloud": self.cloud}[tier]

    def to_wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"local": self.local}
        if self.has_mid:
            out["mid"] = self.mid
        out["cloud"] = self.cloud
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any] | None) -> Models:
        """Tier detection, in one place: a mid tier is there when the object names one."""
        d = data or {}
        return cls(local=d.get("local"), cloud=d.get("cloud"), mid=d.get("mid"), has_mid="mid" in d)


def empty_tests() -> dict[str, int]:
    return {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "total": 0}


def empty_calls() -> dict[str, int]:
    return {"total": 0, "local": 0, "cloud": 0}


def empty_tokens() -> dict[str, int]:
    return {"local_prompt": 0, "local_completion": 0, "cloud_prompt": 0, "cloud_completion": 0, "cached": 0}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def host_info() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cpu": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def config_sha(settings: dict[str, Any]) -> str:
    """SHA-256 of the settings that change what a cell measures (models, sandbox, limits), so a
    resumed or compared row can be matched to the configuration that produced it."""
    blob = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class Row:
    """One cell's result. ``error`` is ``{"kind", "message"}`` for error/timeout outcomes (and may
    describe a scoring problem on a fail), else None. Costs are recomputable from tokens × pricing.

    ``rounds`` (``{"used", "pass_round", "outcomes", "score_s"}``) is set only for agents that work
    in rounds (``rounds.py``); ``review`` (``{"rounds", "lines_changed", "files_changed"}``) for every
    agent that ran (``review.py``); ``sampling`` (per tier: how the router drew the cell's calls,
    the router's cell usage) for cells that had a router. All None otherwise, and in rows written
    before they existed (``docs/rows.md``).
    """

    run_id: str
    cell: Cell
    outcome: Outcome
    error: dict[str, str] | None = None
    tests: Tests = field(default_factory=Tests)
    calls: Calls = field(default_factory=Calls)
    tokens: Tokens = field(default_factory=Tokens)
    cost_usd: Cost = field(default_factory=Cost)
    models: Models = field(default_factory=Models)
    wall_s: Timing = field(default_factory=Timing)
    sandbox: dict[str, Any] = field(default_factory=dict)
    decisions_ref: str | None = None
    artifacts: str | None = None
    config_sha: str = ""
    pricing_sha: str | None = None
    task_sha: str = ""
    host: dict[str, Any] = field(default_factory=host_info)
    started_at: str = ""
    finished_at: str = ""
    versions: dict[str, str | None] = field(default_factory=dict)
    worker: str | None = None
    attempt: int = 1
    rounds: dict[str, Any] | None = None
    review: dict[str, Any] | None = None
    sampling: dict[str, Any] | None = None
    schema: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        # A part given as its wire object (a dict) is read into its typed form here, so callers and
        # tests may build a row from wire pieces.
        for name, kind in _PARTS.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                object.__setattr__(self, name, kind.from_wire(value))

    def replace(self, **changes: Any) -> Row:
        return dataclasses.replace(self, **changes)

    @property
    def cost(self) -> Cost:
        return self.cost_usd

    @property
    def timing(self) -> Timing:
        return self.wall_s

    @property
    def judged(self) -> bool:
        """A trial of the pass rate (:func:`counts_as_judged`)."""
        return counts_as_judged(self.outcome)

    @property
    def passed(self) -> bool:
        return counts_as_passed(self.outcome)

    @property
    def is_error(self) -> bool:
        """An error or a timeout (:func:`counts_as_error`)."""
        return counts_as_error(self.outcome)

    @property
    def has_mid_tier(self) -> bool:
        return self.models.has_mid

    def to_wire(self) -> dict[str, Any]:
        """The row as JSON-ready builtins; raises TypeError naming the field if anything else slipped in."""
        data: dict[str, Any] = {
            "schema": self.schema,
            "run_id": self.run_id,
            "cell": self.cell.to_wire(),
            "models": self.models.to_wire(),
            "outcome": self.outcome,
            "error": dict(self.error) if self.error else None,
            "tests": self.tests.to_wire(),
            "calls": self.calls.to_wire(),
            "tokens": self.tokens.to_wire(),
            "cost_usd": self.cost_usd.to_wire(),
            "wall_s": self.wall_s.to_wire(),
            "sandbox": dict(self.sandbox),
            "decisions_ref": self.decisions_ref,
            "artifacts": self.artifacts,
            "config_sha": self.config_sha,
            "pricing_sha": self.pricing_sha,
            "task_sha": self.task_sha,
            "host": dict(self.host),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "versions": dict(self.versions),
            "worker": self.worker,
            "attempt": self.attempt,
            "rounds": _copy(self.rounds),
            "review": dict(self.review) if self.review is not None else None,
            "sampling": _copy_nested(self.sampling),
        }
        _check_builtins(data, "row")
        return data

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Row:
        """Rebuild a row; raises ValueError for a schema this version cannot read."""
        schema = data.get("schema")
        if schema != SCHEMA_VERSION:
            raise ValueError(f"row schema {schema!r} is not supported (this plugin reads {SCHEMA_VERSION})")
        if data.get("outcome") not in OUTCOMES:
            raise ValueError(f"row outcome {data.get('outcome')!r} is not one of {OUTCOMES}")
        return cls(
            run_id=data["run_id"],
            cell=Cell.from_wire(data["cell"]),
            outcome=data["outcome"],
            error=data.get("error"),
            tests=Tests.from_wire(data.get("tests")),
            calls=Calls.from_wire(data.get("calls")),
            tokens=Tokens.from_wire(data.get("tokens")),
            cost_usd=Cost.from_wire(data.get("cost_usd")),
            models=Models.from_wire(data.get("models")),
            wall_s=Timing.from_wire(data.get("wall_s")),
            sandbox=data.get("sandbox") or {},
            decisions_ref=data.get("decisions_ref"),
            artifacts=data.get("artifacts"),
            config_sha=data.get("config_sha", ""),
            pricing_sha=data.get("pricing_sha"),
            task_sha=data.get("task_sha", ""),
            host=data.get("host") or {},
            started_at=data.get("started_at", ""),
            finished_at=data.get("finished_at", ""),
            versions=data.get("versions") or {},
            worker=data.get("worker"),
            attempt=int(data.get("attempt", 1)),
            rounds=data.get("rounds"),
            review=data.get("review"),
            sampling=data.get("sampling"),
        )


_PARTS: dict[str, Any] = {
    "tests": Tests,
    "calls": Calls,
    "tokens": Tokens,
    "cost_usd": Cost,
    "models": Models,
    "wall_s": Timing,
}


def as_row(row: Row | Mapping[str, Any]) -> Row:
    """A typed row from a row or its wire object (readers accept both)."""
    return row if isinstance(row, Row) else Row.from_wire(dict(row))


def _copy(rounds: dict[str, Any] | None) -> dict[str, Any] | None:
    if rounds is None:
        return None
    return {k: list(v) if isinstance(v, list | tuple) else v for k, v in rounds.items()}


def _copy_nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_nested(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy_nested(v) for v in value]
    return value


_BUILTIN_SCALARS = (str, int, float, bool, type(None))


def _check_builtins(value: object, where: str) -> None:
    if isinstance(value, _BUILTIN_SCALARS):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: key {key!r} is not a string")
            _check_builtins(item, f"{where}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_builtins(item, f"{where}[{index}]")
        return
    raise TypeError(
        f"{where} holds a {type(value).__name__} ({value!r}); rows carry builtins only "
        "(execnet cannot send anything else between xdist workers)"
    )
