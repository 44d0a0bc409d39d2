"""The result row (DESIGN §4): one JSON object per cell, schema-versioned, builtins only.

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

from pytest_hybridarena.results.cells import Cell

__all__ = [
    "OUTCOMES",
    "SCHEMA_VERSION",
    "Outcome",
    "Row",
    "config_sha",
    "counts_as_error",
    "counts_as_judged",
    "counts_as_passed",
    "empty_calls",
    "empty_tokens",
    "has_mid_tier",
    "host_info",
    "now_iso",
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


def has_mid_tier(rows: Iterable[Mapping[str, Any]]) -> bool:
    """True when any row was served by a router with a mid tier (its ``models`` name one): the one
    test of "is there a mid tier" for a set of rows (``docs/rows.md``)."""
    return any("mid" in (r.get("models") or {}) for r in rows)


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
    tests: dict[str, int] = field(default_factory=empty_tests)
    calls: dict[str, int] = field(default_factory=empty_calls)
    tokens: dict[str, int] = field(default_factory=empty_tokens)
    cost_usd: dict[str, Any] = field(default_factory=lambda: {"scenario": None, "value": 0.0})
    models: dict[str, str | None] = field(default_factory=lambda: {"local": None, "cloud": None})
    wall_s: dict[str, float] = field(default_factory=lambda: {"agent": 0.0, "score": 0.0, "total": 0.0})
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

    def replace(self, **changes: Any) -> Row:
        return dataclasses.replace(self, **changes)

    def to_wire(self) -> dict[str, Any]:
        """The row as JSON-ready builtins; raises TypeError naming the field if anything else slipped in."""
        data: dict[str, Any] = {
            "schema": self.schema,
            "run_id": self.run_id,
            "cell": self.cell.to_wire(),
            "models": dict(self.models),
            "outcome": self.outcome,
            "error": dict(self.error) if self.error else None,
            "tests": dict(self.tests),
            "calls": dict(self.calls),
            "tokens": dict(self.tokens),
            "cost_usd": dict(self.cost_usd),
            "wall_s": dict(self.wall_s),
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
            tests=data.get("tests") or empty_tests(),
            calls=data.get("calls") or empty_calls(),
            tokens=data.get("tokens") or empty_tokens(),
            cost_usd=data.get("cost_usd") or {"scenario": None, "value": 0.0},
            models=data.get("models") or {"local": None, "cloud": None},
            wall_s=data.get("wall_s") or {"agent": 0.0, "score": 0.0, "total": 0.0},
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
