"""The HTML report's charts: matplotlib figures rendered to SVG text for inlining.

Figures are built with :class:`matplotlib.figure.Figure` directly, never through ``pyplot``: no GUI
backend is selected, no global figure registry fills up, and nothing needs a display. Every chart is
rendered under one fixed style (:func:`_style`) whose ``svg.hashsalt`` is derived from the chart's
name, so the same aggregate gives byte-identical SVG and the element ids of two charts on one page
do not collide. Text stays text (``svg.fonttype = none``): matplotlib XML-escapes it, and mathtext
is off so a ``$`` in a task id is printed, not parsed.

Inputs are the cell dicts of ``aggregate.json`` (``docs/report.md``) and per-task pass fractions;
nothing here reads files.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from pytest_hybridarena.results.pareto import config_label

__all__ = ["cloud_share_chart", "heatmap_chart", "pareto_chart", "sweep_chart"]

_MARKERS = "osD^vP*Xph<>"
_PALETTE = mpl.colormaps["tab10"]


@contextmanager
def _style(name: str) -> Iterator[None]:
    """The rc settings every chart is built and saved under (artists read some at creation)."""
    with mpl.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": f"hybridarena-{name}",
            "text.parse_math": False,
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    ):
        yield


def _svg(fig: Figure, name: str, label: str) -> str:
    """The figure as an ``<svg>`` element: no XML prolog, no DOCTYPE, no ``<metadata>`` (it names
    external RDF vocabularies), a ``chart`` class, an id and an accessible label."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buf.getvalue()
    svg = text[text.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg id="chart-{name}" class="chart" role="img" aria-label="{label}" ', 1)


def _styles(labels: Sequence[str]) -> dict[str, tuple[Any, str]]:
    """A stable (color, marker) per configuration label, in the given order."""
    return {lab: (_PALETTE(i % 10), _MARKERS[i % len(_MARKERS)]) for i, lab in enumerate(labels)}


def _labels(cells: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Cell id → configuration label, with the models only where agent · strategy is ambiguous."""
    plain = [config_label(c) for c in cells]
    ambiguous = {
        lab
        for lab in plain
        if len({(c["local_model"], c["cloud_model"]) for c in cells if config_label(c) == lab}) > 1
    }
    return {
        c["id"]: config_label(c, with_models=lab in ambiguous) for c, lab in zip(cells, plain, strict=True)
    }


def _err(iv: dict[str, Any], scale: float = 1.0) -> tuple[float, float, float]:
    """(point, below, above) of an interval, whiskers clipped at 0 when the bound is missing."""
    point = float(iv["point"]) * scale
    low = point if iv.get("low") is None else float(iv["low"]) * scale
    high = point if iv.get("high") is None else float(iv["high"]) * scale
    return point, max(0.0, point - low), max(0.0, high - point)


def pareto_chart(
    cells: Sequence[dict[str, Any]], frontiers: Mapping[str, Sequence[str]], recommended: set[str]
) -> str:
    """Pass rate vs cost per task, one panel per task class, 95% CI whiskers on both axes, the
    Pareto frontier dashed and the decision table's recommendation ringed. Unpriced cells are
    counted in the panel title, not drawn."""
    classes = sorted({c["task_class"] for c in cells})
    label_of = _labels(cells)
    labels = sorted(set(label_of.values()))
    styles = _styles(labels)
    ncols = max(1, min(3, len(classes)))
    nrows = max(1, math.ceil(len(classes) / ncols))
    with _style("pareto"):
        fig = Figure(figsize=(4.3 * ncols, 3.4 * nrows + 0.5), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        by_id = {c["id"]: c for c in cells}
        for ax, tc in zip(axes, classes, strict=False):
            members = [c for c in cells if c["task_class"] == tc and c.get("pass_rate")]
            priced = [c for c in members if c.get("cost_per_task")]
            for c in priced:
                x, xl, xh = _err(c["cost_per_task"])
                y, yl, yh = _err(c["pass_rate"], 100.0)
                color, marker = styles[label_of[c["id"]]]
                ax.errorbar(
                    [x], [y], xerr=[[xl], [xh]], yerr=[[yl], [yh]], fmt=marker, color=color,
                    ecolor=color, elinewidth=1, capsize=3, markersize=7, alpha=0.9,
                )  # fmt: skip
                if c["id"] in recommended:
                    ax.plot([x], [y], "o", markersize=16, markerfacecolor="none", color="black", lw=1.2)
            front = [by_id[i] for i in frontiers.get(tc, ()) if i in by_id]
            if front:
                xs = [float(c["cost_per_task"]["point"]) for c in front]
                ys = [100.0 * float(c["pass_rate"]["point"]) for c in front]
                ax.plot(xs, ys, "--", color="0.35", lw=1.2, zorder=0)
            unpriced = len(members) - len(priced)
            ax.set_title(tc + (f"  ({unpriced} unpriced, not shown)" if unpriced else ""), loc="left")
            ax.set_xlabel("cost per task (USD)")
            ax.set_ylabel("pass rate (%)")
            ax.set_ylim(-5, 105)
            ax.margins(x=0.15)
        for ax in axes[len(classes) :]:
            ax.set_visible(False)
        handles = [
            Line2D([], [], linestyle="none", marker=styles[lab][1], color=styles[lab][0], label=lab)
            for lab in labels
        ]
        handles.append(Line2D([], [], linestyle="--", color="0.35", label="Pareto frontier"))
        handles.append(
            Line2D([], [], linestyle="none", marker="o", markersize=12, markerfacecolor="none",
                   color="black", label="recommended")
        )  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncol=min(4, len(handles)), frameon=False)
        return _svg(fig, "pareto", "pass rate against cost per task, with 95% intervals and the frontier")


def heatmap_chart(
    tasks: Sequence[str],
    configs: Sequence[str],
    passed: npt.NDArray[np.float64],
    judged: npt.NDArray[np.float64],
) -> str:
    """Pass fraction over seeds per (task, configuration): ``passed``/``judged`` are task × config
    counts of passes and non-skipped trials; a cell nobody ran is grey. Counts are printed in the
    cells while the grid is small enough to read them."""
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(judged > 0, passed / np.maximum(judged, 1), np.nan)
    longest = max((len(t) for t in tasks), default=10)
    width = min(22.0, 1.6 + 0.075 * longest + 0.62 * len(configs))
    height = min(60.0, 1.8 + 0.27 * len(tasks) + 0.06 * max((len(c) for c in configs), default=10))
    with _style("heatmap"):
        fig = Figure(figsize=(width, height), layout="constrained")
        ax = fig.subplots()
        cmap = mpl.colormaps["RdYlGn"].with_extremes(bad="0.88")
        # pcolormesh, not imshow: the SVG backend embeds an image as a base64 PNG; a mesh stays vector.
        image = ax.pcolormesh(frac, cmap=cmap, vmin=0.0, vmax=1.0, edgecolors="white", linewidth=1.5)
        ax.set_xlim(0, len(configs))
        ax.set_ylim(len(tasks), 0)
        ax.grid(False)
        ax.set_xticks(np.arange(len(configs)) + 0.5, configs, rotation=35, ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(len(tasks)) + 0.5, tasks)
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        if len(tasks) * len(configs) <= 600:
            for (i, j), n in np.ndenumerate(judged):
                if n:
                    ink = "white" if not 0.2 <= frac[i, j] <= 0.85 else "black"  # legible on dark ends
                    text = f"{int(passed[i, j])}/{int(n)}"
                    ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=7, color=ink)
        bar = fig.colorbar(
            image, ax=ax, shrink=min(1.0, 6.0 / max(height, 1.0)), label="pass fraction over seeds"
        )
        if bar.solids is not None:
            bar.solids.set_rasterized(False)  # colorbars of ≥ 50 colours rasterize: a PNG inside the SVG
            bar.solids.set_edgecolor("face")  # no hairline seams between its 256 vector bands
        return _svg(fig, "heatmap", "pass fraction over seeds per task and configuration")


def cloud_share_chart(cells: Sequence[dict[str, Any]]) -> str:
    """Share of LLM calls and of tokens sent to the cloud per cell, 95% CI whiskers; cells without
    LLM traffic are labelled so."""
    label_of = _labels(cells)
    labels = [f"{c['task_class']} · {label_of[c['id']]}" for c in cells]
    y = np.arange(len(cells))
    with _style("cloud"):
        fig = Figure(figsize=(9.0, 1.2 + 0.42 * max(1, len(cells))), layout="constrained")
        ax = fig.subplots()
        for offset, key, name, color in (
            (-0.2, "cloud_fraction_calls", "by calls", _PALETTE(0)),
            (0.2, "cloud_fraction_tokens", "by tokens", _PALETTE(1)),
        ):
            points, below, above = [], [], []
            for c in cells:
                p, lo, hi = _err(c[key], 100.0) if c.get(key) and c[key]["point"] is not None else (0, 0, 0)
                points.append(p)
                below.append(lo)
                above.append(hi)
            ax.barh(y + offset, points, height=0.38, color=color, label=name)
            ax.errorbar(points, y + offset, xerr=[below, above], fmt="none", ecolor="0.2", capsize=2, lw=1)
        for i, c in enumerate(cells):
            if not c.get("cloud_fraction_calls") and not c.get("cloud_fraction_tokens"):
                ax.text(1, i, "no LLM traffic", va="center", fontsize=8, color="0.4")
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("cloud share (%)")
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncol=2, frameon=False)
        return _svg(fig, "cloud", "share of calls and tokens sent to the cloud per configuration")


def sweep_chart(curves: Sequence[dict[str, Any]]) -> str:
    """Pass rate vs cloud share of calls along each threshold sweep, one panel per task class. Each
    line runs from the always-local anchor (0%) through the sweep's points (point estimates of the
    interval dicts) to the always-cloud anchor (100%); APGR is the normalized area under it."""
    classes = sorted({c["task_class"] for c in curves})
    ncols = max(1, min(3, len(classes)))
    nrows = max(1, math.ceil(len(classes) / ncols))
    with _style("sweeps"):
        fig = Figure(figsize=(4.3 * ncols, 3.2 * nrows + 0.4), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, tc in zip(axes, classes, strict=False):
            for i, curve in enumerate(c for c in curves if c["task_class"] == tc):
                pts = [p for p in curve["points"] if p["cloud_fraction_calls"] and p["pass_rate"]]
                xs = [100.0 * p["cloud_fraction_calls"]["point"] for p in pts]
                ys = [100.0 * p["pass_rate"]["point"] for p in pts]
                local, cloud = curve["anchors"]["local"], curve["anchors"]["cloud"]
                if local is not None:
                    xs, ys = [0.0, *xs], [100.0 * local, *ys]
                if cloud is not None:
                    xs, ys = [*xs, 100.0], [*ys, 100.0 * cloud]
                apgr = "" if curve["apgr"] is None else f" (APGR {curve['apgr']:.2f})"
                ax.plot(
                    xs,
                    ys,
                    "o-",
                    color=_PALETTE(i % 10),
                    label=f"{curve['agent']} · {curve['strategy']}{apgr}",
                )
            ax.set_title(tc, loc="left")
            ax.set_xlabel("cloud share of calls (%)")
            ax.set_ylabel("pass rate (%)")
            ax.set_xlim(-3, 103)
            ax.set_ylim(-5, 105)
            ax.legend(loc="lower right", frameon=False, fontsize=7)
        for ax in axes[len(classes) :]:
            ax.set_visible(False)
        return _svg(fig, "sweeps", "pass rate against cloud share of calls along each threshold sweep")
