"""``report.html``: the aggregate and its rows as one self-contained page.

The page needs nothing but itself: the style sheet is inline, the charts are inline SVG
(:mod:`pytest_hybridarena.results.charts`), there is no script and no external reference, so it opens
offline, from a mail attachment or a CI artifact. Every string that comes from the rows or the
aggregate (task ids, agent and strategy specs, error messages) goes through :func:`html.escape`;
link targets are also percent-quoted, so a row cannot inject markup or a ``javascript:`` URL.

The output is deterministic for the same aggregate and rows: cells in the aggregate's order, trials
sorted by (task, seed), fixed SVG hash salts, and no clock (the only date shown is
``settings.generated``, when the aggregate carries one). Links to each trial's artifacts
(transcript, ``score.log``) are relative to the run folder, where the page is written; see
:func:`write_html` for merged runs.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import numpy as np

from pytest_hybridarena.results import charts

# The one grouping rule, so a trial lands under exactly the cell the aggregate computed.
from pytest_hybridarena.results.figures import cell_id as id_of
from pytest_hybridarena.results.figures import group_cells
from pytest_hybridarena.results.fmt import (
    DASH,
    cost_cell,
    duration,
    money,
    percent_ci,
    points_ci,
    settings_line,
)
from pytest_hybridarena.results.pareto import config_label
from pytest_hybridarena.results.rows import Cost, Tests, Timing, counts_as_judged, counts_as_passed

__all__ = ["render_html", "write_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1360px;
padding:0 16px;color:#1d232a}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{padding:3px 8px;border-bottom:1px solid #e4e8ec;text-align:left;vertical-align:top}
th{background:#f4f6f8}td.num{text-align:right;white-space:nowrap}
.muted{color:#5b6570}.tag{font-size:11px;padding:0 5px;border-radius:8px;margin-left:4px;white-space:nowrap}
.rec{background:#1f7a3a;color:#fff}.front{background:#dde6f0}.v-non-inferior,.o-pass{color:#1f7a3a;font-weight:600}
.v-inferior,.o-error,.o-timeout{color:#b42318;font-weight:600}.v-inconclusive{color:#9a6700}.o-fail{color:#b42318}
.o-skipped,.v-no-pairs{color:#5b6570}svg.chart{max-width:100%;height:auto;display:block;margin:8px 0}
details{margin:4px 0}summary{cursor:pointer}td.err{max-width:520px;overflow-wrap:anywhere}
nav a{margin-right:12px}td.config{white-space:nowrap}
"""


_NOTHING = '<p class="muted">No configurations.</p>'


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(headers: Sequence[str], body: Iterable[Sequence[str]], cls: str = "") -> str:
    """Headers are escaped here; body cells are HTML already (the caller escapes what it puts in)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    rows = "".join("<tr>" + "".join(cells) + "</tr>\n" for cells in body)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody></table>'


def _td(text: str, cls: str = "", raw: bool = False) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{text if raw else _e(text)}</td>"


def _headline(aggregate: dict[str, Any]) -> str:
    cells = list(aggregate["cells"].values())
    compared = {e["cell"]: e for e in aggregate["comparisons"]}
    baselines = {e["baseline_cell"] for e in aggregate["comparisons"]}
    frontier = {i for ids in aggregate["pareto"].values() for i in ids}
    recommended = {d["recommended"] for d in aggregate["decisions"] if d["recommended"]}
    vary = len(_models(aggregate)) > 1
    body = []
    for n, c in enumerate(cells):
        tags = ('<span class="tag rec">recommended</span>' if c["id"] in recommended else "") + (
            '<span class="tag front">frontier</span>' if c["id"] in frontier else ""
        )
        cost = cost_cell(c["cost_per_task"], c["cost_unpriced"])
        calls, tokens = percent_ci(c["cloud_fraction_calls"], 0), percent_ci(c["cloud_fraction_tokens"], 0)
        cloud = f"calls {calls}<br>tokens {tokens}"
        if "mid_fraction_tokens" in c:  # a run with a mid tier: its share under the cloud's
            mid_calls, mid_tokens = (
                percent_ci(c["mid_fraction_calls"], 0),
                percent_ci(c["mid_fraction_tokens"], 0),
            )
            cloud += f"<br>mid: calls {mid_calls}, tokens {mid_tokens}"
        entry = compared.get(c["id"])
        if entry is not None:
            verdict = entry["verdict"]
            badge = f'<span class="v-{_e(verdict.replace(" ", "-"))}">{_e(verdict)}</span>'
            delta = f"{_e(points_ci(entry['diff'], ' pts'))}<br>{badge}"
        else:
            delta = "baseline" if c["id"] in baselines else "–"
        models = [_td(f"{c['local_model'] or DASH} + {c['cloud_model'] or DASH}", "muted")] if vary else []
        body.append(
            (
                _td(c["task_class"]),
                _td(f'<a href="#cell-{n}">{_e(config_label(c))}</a>{tags}', "config", raw=True),
                *models,
                _td(str(c["n"]), "num"),
                _td(percent_ci(c["pass_rate"]), "num"),
                _td(str(c["counts"]["error"]), "num"),
                _td(str(c["counts"]["timeout"]), "num"),
                _td(cost, "num"),
                _td(cloud, "num", raw=True),
                _td(delta, "num", raw=True),
            )
        )
    baseline = aggregate["settings"]["baseline"]
    headers = ["class", "configuration", *(["models (local + cloud)"] if vary else []), "n"]
    headers += ["pass rate [95% CI]", "errors", "timeouts", "cost/task [95% CI]", "cloud share"]
    headers += [f"Δ vs {baseline} [95% CI]"]
    return _table(headers, body, "headline")


def _models(aggregate: dict[str, Any]) -> list[tuple[str, str]]:
    """The distinct (local, cloud) model pairs of the cells, ``–`` for none."""
    pairs = {(c["local_model"] or DASH, c["cloud_model"] or DASH) for c in aggregate["cells"].values()}
    return sorted(pairs)


def _decisions(aggregate: dict[str, Any]) -> str:
    cells = aggregate["cells"]

    def label(cell_id: str | None) -> str:
        return "–" if cell_id is None else config_label(cells[cell_id])

    body = [
        (
            _td(d["task_class"]),
            _td(label(d["recommended"]), "config"),
            _td(label(d["best"]), "config"),
            _td(d["reason"]),
        )
        for d in aggregate["decisions"]
    ]
    out = _table(("class", "recommended", "best", "why"), body, "decisions")
    sentences = [
        f"<li>{_e(e['agent'])}, {_e(e['task_class'])}: {_e(e['sentence'])}</li>"
        for e in aggregate["comparisons"]
    ]
    if sentences:
        baseline = _e(aggregate["settings"]["baseline"])
        out += f"\n<h3>Paired comparisons vs {baseline}</h3>\n<ul>{''.join(sentences)}</ul>"
        out += '<p class="muted">Verdicts are Holm-corrected within each (class, agent, models) family.</p>'
    return out


def _heatmap(rows: Sequence[dict[str, Any]]) -> str:
    groups = [
        (key, [r for r in members if counts_as_judged(r["outcome"])]) for key, members in group_cells(rows)
    ]
    groups = [(key, members) for key, members in groups if members]
    tasks = sorted(
        {(r["cell"]["task_class"], r["cell"]["task_id"]) for _, members in groups for r in members}
    )
    keys = sorted({key[1:] for key, _ in groups}, key=lambda k: tuple(p or "" for p in k))
    plain = [f"{a} · {s}" for a, s, _, _ in keys]
    labels = [
        lab if plain.count(lab) == 1 else f"{lab} ({lo or '-'} + {cl or '-'})"
        for lab, (_, _, lo, cl) in zip(plain, keys, strict=True)
    ]
    if not tasks:
        return '<p class="muted">No judged trials (every row was skipped).</p>'
    t_index = {t: i for i, t in enumerate(tasks)}
    k_index = {k: j for j, k in enumerate(keys)}
    passed = np.zeros((len(tasks), len(keys)))
    judged = np.zeros((len(tasks), len(keys)))
    for key, members in groups:
        for r in members:
            i, j = t_index[(r["cell"]["task_class"], r["cell"]["task_id"])], k_index[key[1:]]
            judged[i, j] += 1
            passed[i, j] += counts_as_passed(r["outcome"])
    return charts.heatmap_chart([f"{c} / {t}" for c, t in tasks], labels, passed, judged)


def _pareto(cells: list[dict[str, Any]], frontiers: dict[str, Any], recommended: set[str]) -> str:
    if not any(c.get("pass_rate") and c.get("cost_per_task") for c in cells):
        return '<p class="muted">No configuration has both a pass rate and a known cost.</p>'
    return charts.pareto_chart(cells, frontiers, recommended)


def _relative(path: object) -> PurePosixPath | None:
    """``path`` as a relative path that stays below its base (no ``..``), else None."""
    if not isinstance(path, str) or not path:
        return None
    pure = PurePosixPath(path)
    return None if pure.is_absolute() or ".." in pure.parts else pure


def _run_folder(run_id: str, out_dir: Path, runs: Sequence[str]) -> str:
    """Where a row's run folder is, relative to the page: the page's own folder, or a sibling."""
    if len(runs) <= 1 or out_dir.name == run_id or _relative(run_id) is None or "/" in run_id:
        return ""
    return f"../{run_id}/" if (out_dir.parent / run_id).is_dir() else ""


def _links(row: dict[str, Any], out_dir: Path, runs: Sequence[str]) -> str:
    """Links to a trial's artifact folder, each file in it (when the folder is on disk here) and its
    decision log; percent-quoted, so no row can smuggle in a scheme or markup."""
    base = _run_folder(str(row.get("run_id")), out_dir, runs)
    links = []
    folder = _relative(row.get("artifacts"))
    if folder is not None:
        href = quote(f"{base}{folder}")
        links.append(f'<a href="{_e(href)}/">folder</a>')
        on_disk = Path(os.path.normpath(out_dir / base / folder))  # base may start with ../
        if on_disk.is_dir():
            for f in sorted(p for p in on_disk.iterdir() if p.is_file()):
                links.append(f'<a href="{_e(href + "/" + quote(f.name))}">{_e(f.name)}</a>')
    ref = str(row.get("decisions_ref") or "")
    path, _, fragment = ref.partition("#")
    if _relative(path) is not None:
        href = quote(f"{base}{path}") + (f"#{quote(fragment, safe='=')}" if fragment else "")
        links.append(f'<a href="{_e(href)}">decisions</a>')
    return " · ".join(links) or '<span class="muted">–</span>'


def _trials(aggregate: dict[str, Any], rows: Sequence[dict[str, Any]], out_dir: Path) -> str:
    by_cell = {id_of(key): members for key, members in group_cells(rows)}
    runs = aggregate["rows"].get("runs") or sorted({str(r.get("run_id")) for r in rows})
    ids = list(aggregate["cells"]) + sorted(set(by_cell) - set(aggregate["cells"]))
    parts = []
    for n, cell_id in enumerate(ids):
        members = sorted(
            by_cell.get(cell_id, []), key=lambda r: (r["cell"]["task_id"], int(r["cell"]["seed"]))
        )
        passed = sum(counts_as_passed(r["outcome"]) for r in members)
        body = []
        for r in members:
            err = r.get("error") or {}
            message = str(err.get("message") or "")
            short = message if len(message) <= 300 else message[:300] + "…"
            tests, cost = Tests.from_wire(r.get("tests")), Cost.from_wire(r.get("cost_usd")).value
            body.append(
                (
                    _td(r["cell"]["task_id"]),
                    _td(str(r["cell"]["seed"]), "num"),
                    _td(r["outcome"], f"o-{_e(r['outcome'])}"),
                    _td(f"{tests.passed}/{tests.total}", "num"),
                    _td(money(cost), "num"),
                    _td(duration(float(Timing.from_wire(r.get("wall_s")).total)), "num"),
                    (f'<td class="err" title="{_e(message)}">' if message else "<td>")
                    + (f"<b>{_e(err.get('kind'))}</b>: {_e(short)}" if err else "")
                    + "</td>",
                    _td(_links(r, out_dir, runs), raw=True),
                )
            )
        headers = ("task", "seed", "outcome", "tests", "cost", "wall", "error", "artifacts")
        parts.append(
            f'<details id="cell-{n}"><summary>{_e(cell_id.replace("|", " · "))} — {len(members)} trials, '
            f"{passed} passed</summary>\n{_table(headers, body, 'trials')}</details>"
        )
    return "\n".join(parts)


def _sweeps(curves: list[dict[str, Any]]) -> str:
    """The sweep chart, and why a curve has no APGR (too few points, no gap to recover)."""
    notes = [
        f"<li>{_e(c['task_class'])}, {_e(c['agent'])} · {_e(c['strategy'])}: {_e(c['note'])}</li>"
        for c in curves
        if c.get("note")
    ]
    return charts.sweep_chart(curves) + (f"\n<ul>{''.join(notes)}</ul>" if notes else "")


def render_html(aggregate: dict[str, Any], rows: Iterable[dict[str, Any]], out_dir: str | Path) -> str:
    """The page as a string; ``out_dir`` is where it will live (artifact links are relative to it)."""
    rows = list(rows)
    out = Path(out_dir)
    cells = list(aggregate["cells"].values())
    recommended = {d["recommended"] for d in aggregate["decisions"] if d["recommended"]}
    counts = ", ".join(f"{v} {k}" for k, v in aggregate["rows"]["by_outcome"].items() if v)
    runs = ", ".join(aggregate["rows"]["runs"])
    generated = aggregate["settings"].get("generated")
    models = _models(aggregate)
    if len(models) == 1:
        counts += f" · local model {models[0][0]} · cloud model {models[0][1]}"
    sections = [
        ("configurations", "Configurations", _headline(aggregate)),
        ("pareto", "Pass rate vs cost", _pareto(cells, aggregate["pareto"], recommended)),
        ("decisions", "Decision table", _decisions(aggregate)),
        ("tasks", "Per task × configuration", _heatmap(rows)),
        ("cloud", "Cloud share", charts.cloud_share_chart(cells) if cells else _NOTHING),
    ]
    if aggregate.get("curves"):
        sections.append(("sweeps", "Threshold sweeps", _sweeps(aggregate["curves"])))
    sections.append(("trials", "Trials and artifacts", _trials(aggregate, rows, out)))
    nav = "".join(f'<a href="#{key}">{_e(title)}</a>' for key, title, _ in sections)
    body = "\n".join(
        f'<section id="{key}">\n<h2>{_e(title)}</h2>\n{content}\n</section>'
        for key, title, content in sections
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>hybridarena report — {_e(runs)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>hybridarena report</h1>\n<p>{_e(settings_line(aggregate))}.</p>\n"
        f'<p class="muted">runs: {_e(runs)} · trials: {_e(counts)}'
        + (f" · generated {_e(generated)}" if generated else "")
        + f"</p>\n<nav>{nav}</nav>\n{body}\n"
        '<p class="muted">Pass rate is intention-to-treat (errors and timeouts count as not passed). '
        "Every interval is a 95% task-clustered bootstrap; see docs/statistics.md.</p>\n</body>\n</html>\n"
    )


def write_html(aggregate: dict[str, Any], rows: Iterable[dict[str, Any]], out_dir: str | Path) -> Path:
    """Write ``report.html`` into ``out_dir`` (created if missing) and return its path.

    Artifact links are the rows' ``artifacts`` folders, relative to ``out_dir``: they resolve when
    the page is written into the run folder (the default of ``report --html``). When rows of several
    runs are merged, a row of another run links to ``../<run_id>/…`` if that sibling folder exists.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.html"
    path.write_text(render_html(aggregate, rows, out), encoding="utf-8")
    return path
