"""Router calibration and quality-vs-cloud-fraction curves.

*Calibration* (RouteLLM's quantile method, Ong et al. 2024): a score-based strategy sends a call to
the cloud when its score is at or above a threshold, so the threshold that sends a share ``t`` of
calls to the cloud is the ``(1 − t)`` quantile of the scores it produced. The scores come from the
decision log (``meta.score`` of each record).

*Curves*: across a threshold sweep (``cascade@threshold=5``, ``cascade@threshold=15``, ... cells),
each configuration is one point (cloud share of calls, pass rate) between the always-local and
always-cloud anchors. The performance gap recovered at a point is
``PGR = (q − q_local) / (q_cloud − q_local)``; **APGR** is the area under PGR over cloud share
0…1 (trapezoid, anchors included: 0.5 is what random routing would get on a straight line), and
**CPT(x)** is the smallest cloud share at which the piecewise-linear curve reaches PGR = x.
Both need at least ``MIN_OPERATING_POINTS`` distinct cloud shares on the curve, anchors included:
the anchors alone always give APGR 0.5, whatever the router did.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from pytest_hybridarena.results.cells import spec_base

__all__ = ["MIN_OPERATING_POINTS", "apgr", "calibrate", "calibrate_threshold", "cpt", "sweep_curves"]

ANCHOR_LOCAL = "always-local"
ANCHOR_CLOUD = "always-cloud"
# Distinct cloud shares (the two anchors and every sweep point strictly between them) a curve needs
# before APGR and CPT mean anything; a sweep point at 0 % or 100 % sits on an anchor.
MIN_OPERATING_POINTS = 3
# heuristic's meta.path → the parameter that sets that path's threshold (router/strategies/heuristic.py)
_PATH_PARAMS = {"agent": "threshold", "legacy": "legacy_threshold"}


def calibrate_threshold(scores: npt.ArrayLike, target_cloud: float) -> float:
    """The ``(1 − target_cloud)`` quantile of ``scores`` (linear interpolation)."""
    if not 0.0 <= target_cloud <= 1.0:
        raise ValueError(f"target cloud fraction must be in [0, 1], got {target_cloud!r}")
    values = np.asarray(scores, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("no scores to calibrate on")
    return float(np.quantile(values, 1.0 - target_cloud))


def _matches(record_strategy: str, wanted: str) -> bool:
    return record_strategy == wanted if "@" in wanted else spec_base(record_strategy) == wanted


def calibrate(decisions: Iterable[dict[str, Any]], strategy: str, target_cloud: float) -> dict[str, Any]:
    """Calibrate ``strategy`` (a name matches every parameterisation; a full spec only itself).

    Uses every decision record of that strategy that carries a numeric ``meta.score`` and was not
    forced to a side. Scores of different paths (heuristic's agent and legacy paths have thresholds
    12 and 25) are calibrated separately as well: each path's own quantile gives that path the
    target share, so together they give it too. ``achieved`` is the share of the records that the
    threshold would send to the cloud (ties can make it differ from the target).
    """
    records = [
        d
        for d in decisions
        if _matches(str(d.get("strategy", "")), strategy)
        and not d.get("forced")
        and isinstance((d.get("meta") or {}).get("score"), int | float)
    ]
    result: dict[str, Any] = {"strategy": strategy, "target_cloud": target_cloud, "records": len(records)}
    if not records:
        result.update(threshold=None, achieved=None, current_cloud=None, by_path={}, suggested_spec=None)
        result["note"] = f"no decision records of {strategy!r} with meta.score"
        return result
    scores = np.array([float(d["meta"]["score"]) for d in records])
    threshold = calibrate_threshold(scores, target_cloud)
    by_path: dict[str, dict[str, Any]] = {}
    for path in sorted({str(d["meta"].get("path", "all")) for d in records}):
        sub = np.array(
            [float(d["meta"]["score"]) for d in records if str(d["meta"].get("path", "all")) == path]
        )
        t = calibrate_threshold(sub, target_cloud)
        current = [d["meta"].get("threshold") for d in records if str(d["meta"].get("path", "all")) == path]
        by_path[path] = {
            "records": int(sub.size),
            "threshold": t,
            "achieved": float(np.mean(sub >= t)),
            "current_threshold": current[0] if len(set(map(str, current))) == 1 else None,
        }
    result.update(
        threshold=threshold,
        achieved=float(np.mean(scores >= threshold)),
        current_cloud=float(np.mean([d.get("choice") == "cloud" for d in records])),
        by_path=by_path,
        suggested_spec=_suggest(strategy, by_path),
    )
    return result


def _suggest(strategy: str, by_path: dict[str, dict[str, Any]]) -> str | None:
    """A heuristic spec with the calibrated per-path thresholds; None for strategies whose
    thresholds are not plain score cutoffs (cascade's band, for one, is a distance, not a score)."""
    if spec_base(strategy) != "heuristic":
        return None
    params = [f"{_PATH_PARAMS[p]}={v['threshold']:.3g}" for p, v in by_path.items() if p in _PATH_PARAMS]
    return f"heuristic@{';'.join(params)}" if params else None


def _pgr(points: Sequence[tuple[float, float]], q_local: float, q_cloud: float) -> list[tuple[float, float]]:
    gap = q_cloud - q_local
    inner = sorted((x, (q - q_local) / gap) for x, q in points if 0.0 < x < 1.0)
    return [(0.0, 0.0), *inner, (1.0, 1.0)]


def apgr(points: Sequence[tuple[float, float]], q_local: float, q_cloud: float) -> float | None:
    """Average performance gap recovered over cloud share 0…1; None when cloud is not better than
    local (no gap to recover). Points at share 0 or 1 are replaced by the anchors."""
    if not q_cloud > q_local:
        return None
    curve = _pgr(points, q_local, q_cloud)
    xs, ys = np.array([p[0] for p in curve]), np.array([p[1] for p in curve])
    return float(np.sum((xs[1:] - xs[:-1]) * (ys[1:] + ys[:-1]) / 2.0))


def cpt(
    points: Sequence[tuple[float, float]], q_local: float, q_cloud: float, recovered: float
) -> float | None:
    """Smallest cloud share where the curve first recovers ``recovered`` (0.5 = 50 %) of the gap."""
    if not q_cloud > q_local:
        return None
    curve = _pgr(points, q_local, q_cloud)
    for (x0, y0), (x1, y1) in itertools.pairwise(curve):
        if y0 >= recovered:
            return x0
        if y1 >= recovered:
            return x0 + (recovered - y0) * (x1 - x0) / (y1 - y0)
    return None  # pragma: no cover (the last point is PGR 1)


def _curve_note(operating: int, q_local: float, q_cloud: float) -> str | None:
    """Why a curve has no APGR/CPT (None when it has them)."""
    if operating < MIN_OPERATING_POINTS:
        return (
            f"too few points: {operating} distinct cloud shares, anchors included "
            f"(APGR and CPT need {MIN_OPERATING_POINTS})"
        )
    return None if q_cloud > q_local else "always-cloud is not better than always-local"


def sweep_curves(cells: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One curve per (class, agent, models, strategy name) with both anchors in the same group.

    Each non-anchor cell of that strategy name (any parameters) is a point at its cloud share of
    calls; cells without calls are left out.
    """
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for c in cells:
        if c.get("pass_rate") is None:
            continue
        key = (c["task_class"], c["agent"], c["local_model"], c["cloud_model"])
        groups.setdefault(key, []).append(c)
    out = []
    for (tc, agent, local, cloud), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        anchors = {c["strategy"]: c for c in members if c["strategy"] in (ANCHOR_LOCAL, ANCHOR_CLOUD)}
        if len(anchors) != 2:
            continue
        q_local = anchors[ANCHOR_LOCAL]["pass_rate"]["point"]
        q_cloud = anchors[ANCHOR_CLOUD]["pass_rate"]["point"]
        names = sorted({spec_base(c["strategy"]) for c in members} - {ANCHOR_LOCAL, ANCHOR_CLOUD})
        for name in names:
            pts = [
                c
                for c in members
                if spec_base(c["strategy"]) == name
                and c["strategy"] not in anchors
                and c["cloud_fraction_calls"]
            ]
            if not pts:
                continue
            xy = [(c["cloud_fraction_calls"]["point"], c["pass_rate"]["point"]) for c in pts]
            operating = 2 + len({x for x, _ in xy if 0.0 < x < 1.0})
            few = operating < MIN_OPERATING_POINTS
            score = None if few else apgr(xy, q_local, q_cloud)
            out.append(
                {
                    "task_class": tc,
                    "agent": agent,
                    "local_model": local,
                    "cloud_model": cloud,
                    "strategy": name,
                    "anchors": {"local": q_local, "cloud": q_cloud},
                    "points": sorted(
                        (
                            {
                                "cell": c["id"],
                                "strategy": c["strategy"],
                                "cloud_fraction_calls": c["cloud_fraction_calls"],
                                "pass_rate": c["pass_rate"],
                            }
                            for c in pts
                        ),
                        key=lambda p: (p["cloud_fraction_calls"]["point"], p["strategy"]),
                    ),
                    "operating_points": operating,
                    "apgr": score,
                    "cpt50": None if few else cpt(xy, q_local, q_cloud, 0.5),
                    "cpt80": None if few else cpt(xy, q_local, q_cloud, 0.8),
                    "note": _curve_note(operating, q_local, q_cloud),
                }
            )
    return out
