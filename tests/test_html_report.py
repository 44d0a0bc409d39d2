"""``report.html``: a self-contained page with the tables, three charts and links to every trial's
artifacts, escaped against hostile row text, deterministic, and rendered by a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import matplotlib.image
import numpy as np
import pytest

from pytest_hybridarena.__main__ import main
from pytest_hybridarena.results.analysis import analyze
from pytest_hybridarena.results.html import render_html, write_html
from tests.conftest import MakeTask
from tests.test_analysis import make_row

HOSTILE_TASK = "<script>alert('task')</script>"
HOSTILE_MESSAGE = 'boom <img src=x onerror="alert(1)"> & </td></table>'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "no chromium or chromium-browser on PATH (Debian: apt-get install chromium)"


def trial(task: str, strategy: str, outcome: str, seed: int, cls: str = "puzzles") -> dict[str, Any]:
    """A row as a run writes it: cost and call split by strategy, an artifact folder per trial."""
    calls = {"always-cloud": (0, 4), "heuristic": (3, 1), "always-local": (4, 0)}[strategy]
    cost = {"always-cloud": 0.02, "heuristic": 0.006, "always-local": 0.0}[strategy]
    row = make_row(
        task,
        strategy,
        outcome,
        seed=seed,
        cls=cls,
        cost=cost,
        calls=calls,
        tokens=(900 * calls[0], 900 * calls[1]),
    )
    row["artifacts"] = f"cells/{cls}__{task}__aider-{strategy}-s{seed}"
    if outcome in ("error", "timeout"):
        row["error"] = {"kind": "agent", "message": "agent crashed"}
    return row


def sweep() -> list[dict[str, Any]]:
    """Two classes × 8 tasks × 3 strategies × 2 seeds; one task id and one error message are hostile."""
    rows = []
    for cls, offset in (("puzzles", 0), ("refactors", 3)):
        for i in range(8):
            task = HOSTILE_TASK if (cls, i) == ("puzzles", 7) else f"{cls[:3]}-{i}"
            for seed in (1, 2):
                rows.append(
                    trial(task, "always-cloud", "pass" if (i + seed + offset) % 5 else "fail", seed, cls)
                )
                rows.append(
                    trial(task, "heuristic", "pass" if (i + seed + offset) % 4 else "error", seed, cls)
                )
                rows.append(trial(task, "always-local", "pass" if (i + offset) % 2 else "fail", seed, cls))
    rows[4]["error"] = {"kind": "backend", "message": HOSTILE_MESSAGE}
    return rows


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A run folder with its artifacts on disk and the page written into it."""
    rows = sweep()
    for row in rows:
        folder = tmp_path / row["artifacts"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "aider.log").write_text("transcript\n")
        (folder / "score.log").write_text("2 passed\n")
    return write_html(analyze(rows, resamples=300), rows, tmp_path)


class Links(HTMLParser):
    """Every src/href value in the page, SVG included."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href")]


def links_of(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.targets


def test_html_report_holds_the_tables_and_at_least_three_svg_charts(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert report.name == "report.html"
    assert '<table class="headline">' in page
    assert '<table class="decisions">' in page
    assert "Δ vs always-cloud [95% CI]" in page
    assert "heuristic is non-inferior to always-cloud" in page or "not shown non-inferior" in page
    assert "has the highest pass rate" in page  # a decision table reason sentence
    assert len(re.findall(r"<svg\b", page)) >= 3
    for chart in ("pareto", "heatmap", "cloud"):
        assert f'<svg id="chart-{chart}" class="chart"' in page


def test_html_report_links_every_trial_to_its_artifact_folder_and_files(report: Path) -> None:
    targets = links_of(report.read_text(encoding="utf-8"))
    folders = [t for t in targets if t.startswith("cells/") and t.endswith("/")]
    assert len(folders) == len(sweep())
    assert "cells/puzzles__puz-0__aider-heuristic-s1/aider.log" in targets
    for target in (t for t in targets if t.startswith("cells/")):
        assert (report.parent / unquote(target)).exists(), target


def test_html_report_references_no_external_resource(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    external = [t for t in links_of(page) if re.match(r"\s*(?:[a-z][a-z0-9+.-]*:|//)", t, re.I)]
    assert external == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page, re.I)
    assert "<link" not in page
    assert "<script" not in page.lower()


def test_html_report_escapes_task_ids_and_error_messages_from_rows(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert HOSTILE_TASK not in page
    assert "&lt;script&gt;alert(" in page
    assert "<img" not in page
    assert "boom &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;/td&gt;&lt;/table&gt;" in page


def test_html_report_is_identical_for_the_same_aggregate(tmp_path: Path) -> None:
    rows = sweep()
    aggregate = analyze(rows, resamples=300)
    first = render_html(aggregate, rows, tmp_path)
    assert render_html(analyze(rows, resamples=300), list(reversed(rows)), tmp_path) == first
    assert "generated" not in first
    assert "generated 2026-11-23 12:00 UTC" in render_html(
        {**aggregate, "settings": {**aggregate["settings"], "generated": "2026-11-23 12:00 UTC"}},
        rows,
        tmp_path,
    )


def test_report_command_writes_the_page_only_with_html(
    pytester: pytest.Pytester, make_task: MakeTask, capsys: pytest.CaptureFixture[str]
) -> None:
    make_task("add")
    make_task("mul", cls="refactors")
    run = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--arena-seeds=42,7")
    run.assert_outcomes(passed=4, failed=4)  # nop fails every task
    (run_dir,) = (p.parent for p in pytester.path.glob("reports/*/results.jsonl"))
    assert main(["report", str(run_dir), "--resamples", "200"]) == 0
    assert not (run_dir / "report.html").exists()
    assert main(["report", str(run_dir), "--resamples", "200", "--html"]) == 0
    assert f"wrote {run_dir / 'report.html'}" in capsys.readouterr().out
    targets = [
        t for t in links_of((run_dir / "report.html").read_text(encoding="utf-8")) if t.startswith("cells/")
    ]
    assert any(t.endswith("/score.log") for t in targets)
    assert all((run_dir / unquote(t)).exists() for t in targets)


def chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_headless_chromium_loads_the_page_with_every_chart_in_its_dom(report: Path, tmp_path: Path) -> None:
    dom = chromium(report, tmp_path, "--dump-dom").stdout
    assert dom.count('class="chart"') >= 3
    for chart in ("pareto", "heatmap", "cloud"):
        assert re.search(rf'<svg[^>]*id="chart-{chart}"', dom)
    assert "pass fraction over seeds" in dom  # text inside the heatmap's SVG survived parsing


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_headless_chromium_paints_the_charts(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    chromium(report, tmp_path, f"--screenshot={shot}", "--window-size=1400,4000", "--hide-scrollbars")
    pixels = (matplotlib.image.imread(shot)[..., :3] * 255).round().astype(np.int16)

    def painted(rgb: tuple[int, int, int]) -> int:
        return int((np.abs(pixels - np.array(rgb)).max(axis=-1) <= 6).sum())

    # Colours only the charts use (the page's own CSS has none of them; stripping the SVGs gives 0).
    assert painted((0x00, 0x68, 0x37)) > 200  # heatmap: RdYlGn at 1.0, tasks passed on every seed
    assert painted((0xA5, 0x00, 0x26)) > 200  # heatmap: RdYlGn at 0.0
    assert painted((0x1F, 0x77, 0xB4)) > 200  # tab:blue, the first configuration's markers and call bars


def test_html_report_links_rows_of_a_merged_run_to_its_sibling_folder(tmp_path: Path) -> None:
    here, there = trial("a", "always-cloud", "pass", 1), trial("a", "heuristic", "pass", 1)
    here["run_id"], there["run_id"] = "run-1", "run-2"
    (tmp_path / "run-2" / there["artifacts"]).mkdir(parents=True)
    (tmp_path / "run-2" / there["artifacts"] / "aider.log").write_text("transcript\n")
    targets = links_of(render_html(analyze([here, there], resamples=200), [here, there], tmp_path / "run-1"))
    assert f"{here['artifacts']}/" in targets
    assert f"../run-2/{there['artifacts']}/aider.log" in targets


def test_html_report_never_links_a_row_path_outside_the_run_or_to_a_scheme(tmp_path: Path) -> None:
    rows = [trial("a", "always-cloud", "pass", 1), trial("b", "always-cloud", "pass", 1)]
    rows[0]["artifacts"] = "javascript:alert(1)"
    rows[1]["artifacts"] = "../../etc"
    targets = links_of(render_html(analyze(rows, resamples=200), rows, tmp_path))
    assert "javascript%3Aalert%281%29/" in targets
    assert not any(".." in t or t.lower().startswith("javascript:") for t in targets)


def test_a_class_where_nothing_passed_shows_no_recommendation(tmp_path: Path) -> None:
    rows = [trial(f"t{i}", s, "fail", 1) for i in range(3) for s in ("always-cloud", "always-local")]
    page = render_html(analyze(rows, resamples=200), rows, tmp_path)
    assert "no configuration solved any task of this class (0 of 6 trials passed" in page
    assert 'class="tag rec"' not in page
