"""Rows of the system this project replaces (its ``raw.jsonl``), converted to our row schema.

The old ``ResultRow`` (the replaced system's ``core/metrics.py``) has no schema field, no seed in
practice and no cost. The mapping, also in ``docs/report.md``:

============================  ==================================================================
ours                          theirs
============================  ==================================================================
``cell.task_class``           ``category`` (puzzles/refactors/real-prs, or legacy A/B/C/D as is)
``cell.task_id``              ``task_id``
``cell.agent``                ``route`` (the agent name; legacy R1..R5)
``cell.strategy``             ``router_strategy``; else from the folder (``<strategy>/seed-N/``,
                              ``cascade-threshold-N/`` → ``cascade@threshold=N``); else the route
                              markers among the backends (``router/always-local``); else ``none``
``cell.seed``                 ``seed``; else the folder's ``seed-N``; else the replicate index
                              (0, 1, ...) of that (class, task, route, strategy, models) in
                              input order — their seeds were labels for replicate runs
``models.local/cloud``        ``local_model_id``/``cloud_model_id``; else read from
                              ``routing.per_call_backends`` (``step/local/M``, ``planner/cloud/M``;
                              a bare name is cloud when the price table knows it, else local;
                              ``router/S`` is a route marker, not a model); else, for a side the
                              row used, the one model the file (else all inputs) names for it
``outcome``                   ``error`` set → ``error`` (``timeout`` when it says timed out);
                              ``quality.functional_pass`` true/false → ``pass``/``fail``;
                              null → ``skipped`` (unscored prose tasks, kind ``unscored``)
``tokens``                    the four ``local_*``/``cloud_*`` fields and ``cached``; all four 0
                              with a non-zero total → the totals count as cloud (their rule)
``calls``                     ``routing.total_calls/local_calls/cloud_calls``
``wall_s.total``/``agent``    ``latency.wall_ms`` / 1000
``tests``                     ``quality.tests_passed``/``tests_total``
``cost_usd``                  cloud tokens at the cloud model's list price (scenario
                              ``legacy:list-price``), for every outcome; null when that model is
                              unknown or not priced
``run_id``                    ``legacy:<variant>`` or ``legacy:<file name>``
============================  ==================================================================
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pytest_hybridarena.pricing import PriceTable
from pytest_hybridarena.results.rows import SCHEMA_VERSION, Tokens, cloud_cost, empty_tests

__all__ = ["convert_legacy", "is_legacy", "legacy_models"]

_TIMEOUT = re.compile(r"time[sd]?[ _-]?out", re.IGNORECASE)
_SEED_DIR = re.compile(r"seed-(-?\d+)$")
_THRESHOLD_DIR = re.compile(r"cascade-threshold-(\d+(?:\.\d+)?)$")
_NOT_MODELS = {"always-local", "always-cloud"}  # bare route markers
_MARKER = "router/"  # ``router/<strategy>``: which route the router took, not a model
Models = tuple[str | None, str | None]


def is_legacy(data: dict[str, Any]) -> bool:
    """True for an old ``ResultRow``: it has ``route`` and ``quality`` and no ``schema``."""
    return "schema" not in data and "route" in data and "quality" in data


def _from_path(path: Path) -> tuple[str | None, int | None]:
    """(strategy, seed) from the old sweep layout ``<strategy>/seed-<seed>/raw.jsonl``."""
    seed_match = _SEED_DIR.search(path.parent.name)
    if not seed_match:
        return None, None
    folder = path.parent.parent.name
    threshold = _THRESHOLD_DIR.fullmatch(folder)
    strategy = f"cascade@threshold={threshold.group(1)}" if threshold else (folder or None)
    return strategy, int(seed_match.group(1))


def _backends(data: dict[str, Any], prices: PriceTable) -> tuple[dict[str, set[str]], set[str]]:
    """Models by side and route markers (strategies) named in ``routing.per_call_backends``."""
    seen: dict[str, set[str]] = {"local": set(), "cloud": set()}
    markers: set[str] = set()
    for entry in (data.get("routing") or {}).get("per_call_backends") or []:
        text = str(entry)
        parts = text.split("/")
        if parts[0] == "error":
            continue
        if text in _NOT_MODELS or text.startswith(_MARKER):
            markers.add(text.removeprefix(_MARKER))
            continue
        if len(parts) >= 3 and parts[1] in seen:
            side, model = parts[1], "/".join(parts[2:])
        else:
            model = text
            side = "cloud" if prices.resolve(model) else "local"
        seen[side].add(prices.resolve(model) or model if side == "cloud" else model)
    return seen, markers


def _models(data: dict[str, Any], prices: PriceTable) -> Models:
    local, cloud = data.get("local_model_id"), data.get("cloud_model_id")
    if local or cloud:
        return local, cloud
    seen, _ = _backends(data, prices)
    return ("+".join(sorted(seen["local"])) or None, "+".join(sorted(seen["cloud"])) or None)


def legacy_models(rows: list[tuple[Path, dict[str, Any]]], prices: PriceTable) -> dict[Path, Models]:
    """Per input file, the model to assume for a side a row used without naming any model for it.

    An old route that called its models through its own client (R4 in the tracked data) names no
    backend, so its cloud tokens could not be priced. Within one file (one sweep) the cloud model
    is the same for every route, so when the file's rows name exactly one cloud model (one local
    model), that is the default for the side; a file that names none takes the one model all inputs
    name, if there is exactly one. Several candidates: no default (the cost stays null).
    """
    by_file: dict[Path, dict[str, set[str]]] = {}
    for path, data in rows:
        local, cloud = _models(data, prices)
        named = by_file.setdefault(path, {"local": set(), "cloud": set()})
        named["local"].update(m for m in (local or "").split("+") if m)
        named["cloud"].update(m for m in (cloud or "").split("+") if m)
    everywhere = {side: set().union(*(n[side] for n in by_file.values())) for side in ("local", "cloud")}

    def pick(names: set[str], side: str) -> str | None:
        pool = names or everywhere[side]
        return next(iter(pool)) if len(pool) == 1 else None

    return {path: (pick(n["local"], "local"), pick(n["cloud"], "cloud")) for path, n in by_file.items()}


def convert_legacy(
    data: dict[str, Any],
    *,
    source: Path,
    prices: PriceTable,
    replicates: dict[tuple[Any, ...], int],
    defaults: Models | None = None,
) -> dict[str, Any]:
    """One old row as one of ours (wire format). ``replicates`` counts the rows seen so far per
    (class, task, route, strategy, models) across all inputs, to number seedless replicates.
    ``defaults`` (from :func:`legacy_models`) fill a side the row used but names no model for; the
    row's ``legacy.inferred`` lists those sides. Every row is priced, whatever its outcome: an
    error, a timeout or an unscored row spent its tokens too."""
    path_strategy, path_seed = _from_path(source)
    _, markers = _backends(data, prices)
    strategy = data.get("router_strategy") or path_strategy or "+".join(sorted(markers)) or "none"
    local, cloud = _models(data, prices)
    tok = data.get("tokens") or {}
    routing = data.get("routing") or {}
    split = {
        k: int(tok.get(k) or 0)
        for k in ("local_prompt", "local_completion", "cloud_prompt", "cloud_completion")
    }
    if not any(split.values()) and (tok.get("prompt") or tok.get("completion")):
        split["cloud_prompt"], split["cloud_completion"] = (
            int(tok.get("prompt") or 0),
            int(tok.get("completion") or 0),
        )
    calls = {k: int(routing.get(f"{k}_calls") or 0) for k in ("total", "local", "cloud")}
    inferred = []
    for side, default in zip(("local", "cloud"), defaults or (None, None), strict=True):
        used = split[f"{side}_prompt"] or split[f"{side}_completion"] or calls[side]
        if default and used and (local if side == "local" else cloud) is None:
            inferred.append(side)
            if side == "local":
                local = default
            else:
                cloud = default
    task_class, task_id, agent = str(data.get("category")), str(data["task_id"]), str(data["route"])
    seed = data.get("seed")
    if seed is None:
        seed = path_seed
    if seed is None:
        group = (task_class, task_id, agent, strategy, local, cloud)
        seed = replicates.get(group, 0)
        replicates[group] = seed + 1
    quality = data.get("quality") or {}
    error = data.get("error")
    if error:
        outcome = "timeout" if _TIMEOUT.search(str(error)) else "error"
        err: dict[str, str] | None = {"kind": "legacy", "message": str(error)[-2000:]}
    elif quality.get("functional_pass") is None:
        outcome, err = (
            "skipped",
            {"kind": "unscored", "message": "functional_pass is null (not scored by tests)"},
        )
    else:
        outcome, err = ("pass" if quality["functional_pass"] else "fail"), None
    tokens = {**split, "cached": int(tok.get("cached") or 0), "estimated": False}
    wall = float((data.get("latency") or {}).get("wall_ms") or 0) / 1000.0
    tests = empty_tests()
    if quality.get("tests_total") is not None:
        tests["total"] = int(quality["tests_total"])
        tests["passed"] = int(quality.get("tests_passed") or 0)
        tests["failed"] = tests["total"] - tests["passed"]
    return {
        "schema": SCHEMA_VERSION,
        "run_id": f"legacy:{data.get('variant') or source.name}",
        "cell": {
            "task_id": task_id,
            "task_class": task_class,
            "agent": agent,
            "strategy": strategy,
            "seed": seed,
        },
        "models": {"local": local, "cloud": cloud},
        "outcome": outcome,
        "error": err,
        "tests": tests,
        "calls": calls,
        "tokens": tokens,
        "cost_usd": {"scenario": "legacy:list-price", "value": _cost(split, tokens["cached"], cloud, prices)},
        "wall_s": {"agent": wall, "score": 0.0, "total": wall},
        "started_at": data.get("started_at") or "",
        "finished_at": data.get("finished_at") or "",
        "legacy": {
            "source": str(source),
            "variant": data.get("variant"),
            "output_ref": data.get("output_ref"),
            **({"inferred": inferred} if inferred else {}),
        },
    }


def _cost(split: dict[str, int], cached: int, cloud: str | None, prices: PriceTable) -> float | None:
    prompt, completion = split["cloud_prompt"], split["cloud_completion"]
    if not prompt and not completion:
        return 0.0
    if cloud is None or "+" in cloud:
        return None
    return cloud_cost(Tokens(cloud_prompt=prompt, cloud_completion=completion, cached=cached), cloud, prices)
