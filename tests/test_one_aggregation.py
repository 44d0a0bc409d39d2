"""One aggregation: every output shows the same figures for the same cell.

The terminal table, ``summary.md``, ``aggregate.json`` and ``report.html`` of random row sets are
parsed back and compared cell by cell (pass rate and its bounds, cloud shares, dollars, counts),
and ``python -m pytest_hybridarena report`` over the written ``results.jsonl`` must print the very
table the live run printed. The last test perturbs one path and checks that the comparison fails.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pytest_hybridarena.__main__ import main
from pytest_hybridarena.results import figures, table
from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.html import write_html
from pytest_hybridarena.results.report import write_artifacts
from pytest_hybridarena.results.rows import OUTCOMES, Row

RESAMPLES = 200
MODEL_PAIRS = [("ollama:a", "openai:gpt-5.5"), ("ollama:b", "openai:gpt-5.5"), (None, None)]


@st.composite
def wire_rows(draw: st.DrawFn, mid: bool) -> dict[str, Any]:
    local, cloud = draw(st.sampled_from(MODEL_PAIRS))
    calls = {"local": draw(st.integers(0, 5)), "cloud": draw(st.integers(0, 5))}
    tokens = {
        "local_prompt": draw(st.integers(0, 4000)),
        "local_completion": draw(st.integers(0, 1000)),
        "cloud_prompt": draw(st.integers(0, 4000)),
        "cloud_completion": draw(st.integers(0, 1000)),
        "cached": 0,
    }
    models: dict[str, str | None] = {"local": local, "cloud": cloud}
    cost: dict[str, Any] = {
        "scenario": "list-price",
        "value": draw(st.one_of(st.none(), st.integers(0, 50_000).map(lambda x: x / 1e6))),
    }
    if mid and local is not None:
        models = {"local": local, "mid": "ollama:m", "cloud": cloud}
        calls["mid"] = draw(st.integers(0, 3))
        tokens |= {"mid_prompt": draw(st.integers(0, 2000)), "mid_completion": draw(st.integers(0, 500))}
        cost["mid"] = 0.0
    calls["total"] = sum(calls.values())
    wall = draw(st.integers(0, 2000)) / 10
    return Row(
        run_id="run",
        cell=Cell(
            draw(st.sampled_from(["bugs", "puzzles"])),
            draw(st.sampled_from([f"t{i}" for i in range(6)])),
            draw(st.sampled_from(["aider", "builtin"])),
            draw(st.sampled_from(["always-cloud", "heuristic"])),
            draw(st.integers(0, 2)),
        ),
        outcome=draw(st.sampled_from(OUTCOMES)),
        calls=calls,
        tokens=tokens,
        cost_usd=cost,
        models=models,
        wall_s={"agent": wall, "score": 0.0, "total": wall},
    ).to_wire()


def _dedupe(row: dict[str, Any]) -> tuple[Any, ...]:
    c, m = row["cell"], row["models"]
    return (
        c["task_class"],
        c["task_id"],
        c["agent"],
        c["strategy"],
        c["seed"],
        m.get("local"),
        m.get("cloud"),
    )


row_sets = st.booleans().flatmap(
    lambda mid: st.lists(wire_rows(mid), min_size=1, max_size=30, unique_by=_dedupe)
)


# --- reading each output back ---------------------------------------------------------------------


def _terminal_cells(text: str) -> list[dict[str, str]]:
    """The cell lines of the terminal table as {header: text}, columns cut where the dashes are."""
    lines = text.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    spans[-1] = (spans[-1][0], 10_000)
    header = [lines[0][a:b].strip() for a, b in spans]
    body = []
    for line in lines[2:]:
        if not line.strip() or line.startswith("pass rate: "):
            break  # the legend, or the pass-by-round table after a blank line
        body.append({h: line[a:b].strip() for h, (a, b) in zip(header, spans, strict=True)})
    return body


def _markdown_cells(text: str) -> list[dict[str, str]]:
    lines = text.split("## Cells\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    split = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    return [dict(zip(split[0], cells, strict=True)) for cells in split[2:]]


def _html_cells(page: str) -> list[list[str]]:
    body = page.split('<table class="headline">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [html.unescape(re.sub(r"<(?!br>)[^>]+>", "", td)) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def _rate(iv: dict[str, Any] | None, digits: int = 1) -> str:
    """The aggregate's number as the test itself writes it (not through the package's formatters)."""
    if iv is None or iv["point"] is None:
        return "–"
    p, lo, hi = (100 * iv[k] for k in ("point", "low", "high"))
    return f"{p:.{digits}f}% [{lo:.{digits}f}–{hi:.{digits}f}]"


def _share(iv: dict[str, Any] | None) -> str:
    return "–" if iv is None else f"{100 * iv['point']:.0f}"


def check_outputs_agree(
    rows: list[dict[str, Any]], run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the live run writes and prints, then ``report`` over its results.jsonl; every figure of
    every cell must read the same in each output."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "results.jsonl").write_text(
        "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows), encoding="utf-8"
    )
    live = table.render_run_summary(rows, resamples=RESAMPLES)  # what ArenaReporter prints
    aggregate, paths = write_artifacts(run_dir, rows, resamples=RESAMPLES)
    page = write_html(aggregate, rows, run_dir).read_text(encoding="utf-8")
    stored = json.loads(paths["aggregate"].read_text(encoding="utf-8"))
    markdown = paths["summary"].read_text(encoding="utf-8")

    cells = list(stored["cells"].values())
    term, md, pages = _terminal_cells(live), _markdown_cells(markdown), _html_cells(page)
    assert len(term) == len(md) == len(pages) == len(cells)
    for c, t, m, h in zip(cells, term, md, pages, strict=True):
        where = c["id"]
        assert (t["class"], t["agent"], t["strategy"]) == (c["task_class"], c["agent"], c["strategy"]), where
        assert (m["class"], m["agent"], m["strategy"]) == (c["task_class"], c["agent"], c["strategy"]), where
        assert [int(t[k]) for k in ("n", "pass", "fail", "err", "t/o", "skip")] == [
            c["n"],
            *(c["counts"][o] for o in ("pass", "fail", "error", "timeout", "skipped")),
        ], where
        assert int(m["n"]) == int(h[-7]) == c["n"], where
        # pass rate and its bounds
        rate = _rate(c["pass_rate"])
        assert t["pass rate [95% CI]"] == m["pass rate [95% CI]"] == h[-6] == rate, where
        # cloud shares: calls / tokens
        calls, tokens = c["cloud_fraction_calls"], c["cloud_fraction_tokens"]
        share = "–" if calls is None and tokens is None else f"{_share(calls)}/{_share(tokens)}"
        share += "%" if tokens is not None else ""
        assert t["cloud"] == share, where
        assert m["cloud calls"] == _rate(calls, 0), where
        assert m["cloud tok"] == _rate(tokens, 0), where
        assert h[-2].split("<br>")[:2] == [f"calls {_rate(calls, 0)}", f"tokens {_rate(tokens, 0)}"], where
        # dollars
        cost = c["cost_per_task"]
        per_row = "–" if cost is None else f"${cost['point']:.4f}"
        assert t["$/row"] == per_row, where
        with_ci = "unpriced" if c["cost_unpriced"] else "–"
        if cost is not None:
            with_ci = f"${cost['point']:.4f} [{cost['low']:.4f}–{cost['high']:.4f}]"
        assert m["cost/task"] == h[-3] == with_ci, where
        assert m["spent"] == ("–" if c["cost_total"] is None else f"${c['cost_total']:.4f}"), where
        if "mid" in t:
            mid = c.get("mid_fraction_tokens")
            assert t["mid"] == ("–" if mid is None else _share(mid) + "%"), where
            assert m["mid tok"] == _rate(mid, 0), where

    capsys.readouterr()
    assert main(["report", str(run_dir / "results.jsonl"), "--resamples", str(RESAMPLES)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(live + "\n"), "report printed another table than the live run"


# Each example writes and re-reads a whole run; shrinking would take minutes, so a failure is
# reported as drawn (it names the cell).
@settings(
    max_examples=25,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=row_sets)
def test_every_output_shows_the_same_figures_for_every_cell(
    rows: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    check_outputs_agree(rows, tmp_path_factory.mktemp("run"), capsys)


def _fixed_rows() -> list[dict[str, Any]]:
    return [
        Row(
            run_id="run",
            cell=Cell("bugs", f"t{i}", "aider", "heuristic", seed),
            # seeds of a task mostly agree, so the bootstrap (and its seed) decides the interval
            outcome="pass" if i % 5 not in (0, 1) or seed == 0 else "fail",
            calls={"total": 2, "local": 1, "cloud": 1},
            cost_usd={"scenario": "list-price", "value": 0.001 * i},
            models={"local": "ollama:a", "cloud": "openai:gpt-5.5"},
        ).to_wire()
        for i in range(40)
        for seed in range(3)
    ]


def test_a_cell_figure_depends_on_its_key_and_rows_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _fixed_rows()
    other = [
        {**r, "cell": {**r["cell"], "strategy": "always-cloud", "task_id": "x" + r["cell"]["task_id"]}}
        for r in rows
    ]
    (alone,) = table.summarize(rows, resamples=RESAMPLES)
    together = {s.strategy: s for s in table.summarize(rows + other, resamples=RESAMPLES)}
    assert together["heuristic"] == alone
    assert alone.bootstrap_seed == figures.cell_seed_of(alone.key)
    check_outputs_agree(rows + other, tmp_path / "run", capsys)


def test_the_check_fails_when_one_path_is_perturbed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal table alone drawing its bootstrap from another seed is caught."""
    real = figures.cell_figures

    def other_seed(key: figures.CellKey, members: Any, **kw: Any) -> figures.CellFigures:
        shifted = (key[0] + " ", *key[1:])  # the seed comes from the task class
        out = real(shifted, members, **kw)
        return dataclasses.replace(out, key=key)

    monkeypatch.setattr(table, "cell_figures", other_seed)
    with pytest.raises(AssertionError):
        check_outputs_agree(_fixed_rows(), tmp_path / "run", capsys)
