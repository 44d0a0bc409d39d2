"""``python -m pytest_hybridarena report`` and ``pricing refresh`` end to end."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.__main__ import main
from pytest_hybridarena.pricing import load_prices
from pytest_hybridarena.results.report import ReportWarning, load_rows, render_markdown, write_artifacts
from pytest_hybridarena.results.table import render_summary, summarize
from tests.conftest import MakeTask
from tests.test_analysis import make_row, strategy_rows

DATA = Path(__file__).parent / "data"


def write_rows(path: Path, rows: list[dict[str, Any]], tail: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + tail, encoding="utf-8")
    return path


N = 200  # tasks: enough for heuristic (the baseline's outcomes on every task) to be non-inferior


def sweep_rows() -> list[dict[str, Any]]:
    rows = strategy_rows("always-cloud", [i % 5 != 0 for i in range(N)], cost=0.02, calls=(0, 4))
    rows += strategy_rows("heuristic", [i % 5 != 0 for i in range(N)], cost=0.008, calls=(3, 1))
    rows += strategy_rows("always-local", [i % 2 == 0 for i in range(N)], cost=0.0, calls=(4, 0))
    return rows


def test_report_reproduces_the_table_the_live_run_printed(
    pytester: pytest.Pytester, make_task: MakeTask, capsys: pytest.CaptureFixture[str]
) -> None:
    make_task("add")
    make_task("mul", cls="refactors")
    live = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--arena-seeds=42,7")
    lines = live.stdout.lines
    start = next(i for i, line in enumerate(lines) if line.startswith("local: ")) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("pass rate: intention-to-treat"))
    printed = lines[start:end]
    assert printed[0].startswith("class")
    (run_dir,) = (p.parent for p in pytester.path.glob("reports/*/results.jsonl"))

    capsys.readouterr()
    assert main(["report", str(run_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[: len(printed)] == printed
    assert (run_dir / "aggregate.json").is_file()
    assert (run_dir / "summary.md").is_file()


def test_report_prints_the_summary_table_of_the_same_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sweep_rows()
    path = write_rows(tmp_path / "run" / "results.jsonl", rows)
    assert main(["report", str(path), "--resamples", "500"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(render_summary(summarize(rows, resamples=500)) + "\n")
    assert "heuristic is non-inferior to always-cloud" not in out  # sentences live in summary.md
    assert "decision table" in out
    agg = json.loads((tmp_path / "run" / "aggregate.json").read_text())
    assert agg["schema_version"] == 1
    assert set(agg) >= {
        "settings",
        "rows",
        "cells",
        "comparisons",
        "pareto",
        "decisions",
        "curves",
        "calibration",
        "inputs",
    }
    assert agg["inputs"] == [str(path)]
    assert agg["settings"]["resamples"] == 500
    summary = (tmp_path / "run" / "summary.md").read_text()
    for heading in (
        "## Cells",
        "## Paired comparisons vs always-cloud",
        "## Decision table",
        "## Pareto frontier",
    ):
        assert heading in summary
    assert "heuristic is non-inferior to always-cloud at 5 pts while using 40% of its cost" in summary
    assert (
        "| puzzles | aider   | heuristic | 1        | 50%            | 80%            |" in summary
    )  # a sweep


def test_report_merges_inputs_and_writes_to_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = sweep_rows()
    a = write_rows(tmp_path / "a" / "results.jsonl", rows[:N])
    b = write_rows(tmp_path / "b" / "results.jsonl", rows[N:])
    assert (
        main(["report", str(a.parent), str(b), "--out", str(tmp_path / "merged"), "--resamples", "300"]) == 0
    )
    agg = json.loads((tmp_path / "merged" / "aggregate.json").read_text())
    assert agg["rows"]["total"] == len(rows)
    assert len(agg["cells"]) == 3
    assert not (tmp_path / "a" / "aggregate.json").exists()


def test_report_over_overlapping_runs_keeps_one_copy_of_each_cell_and_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = [
        {**r, "run_id": "20260101-000000-aaaa", "finished_at": "2026-01-01T00:10:00+00:00"}
        for r in strategy_rows("heuristic", [False] * 9)
    ]
    second = [
        {**r, "run_id": "20260102-000000-bbbb", "finished_at": "2026-01-02T00:10:00+00:00"}
        for r in strategy_rows("heuristic", [True] * 9)
    ]
    a = write_rows(tmp_path / "a" / "results.jsonl", first)
    b = write_rows(tmp_path / "b" / "results.jsonl", second)
    # the older run given last: the newer copy still wins
    assert (
        main(["report", str(b.parent), str(a.parent), "--out", str(tmp_path / "out"), "--resamples", "200"])
        == 0
    )
    err = capsys.readouterr().err
    assert "warning: 9 cells appear more than once in the inputs" in err
    assert "dropped 9 rows" in err
    assert "kept run 20260102-000000-bbbb" in err
    assert "dropped run 20260101-000000-aaaa" in err
    agg = json.loads((tmp_path / "out" / "aggregate.json").read_text())
    (cell,) = agg["cells"].values()
    assert (cell["n"], cell["tasks"]) == (9, 9)  # not n = 18 for 9 tasks
    assert cell["pass_rate"]["point"] == 1.0
    assert agg["rows"]["runs"] == ["20260102-000000-bbbb"]


def test_a_retried_attempt_replaces_the_earlier_row_of_its_run(tmp_path: Path) -> None:
    error = {**make_row("t1", "heuristic", "error"), "finished_at": "2026-01-01T00:01:00+00:00"}
    retry = {**make_row("t1", "heuristic", "pass"), "finished_at": "2026-01-01T00:02:00+00:00", "attempt": 2}
    path = write_rows(tmp_path / "results.jsonl", [error, retry, make_row("t2", "heuristic", "fail")])
    with pytest.warns(ReportWarning, match=r"kept run r attempt 2 .*, dropped run r"):
        rows = load_rows([path])
    assert sorted((r["cell"]["task_id"], r["outcome"]) for r in rows) == [("t1", "pass"), ("t2", "fail")]
    assert len(load_rows([path], dedupe=False)) == 3


def test_the_table_shows_the_cloud_share_of_calls_and_of_tokens_within_120_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = []
    for strategy, calls, tokens, cost in (
        ("always-cloud", (0, 1), (0, 900), 0.0189),
        ("always-local", (1, 0), (900, 0), 0.0),
        ("escalate", (1, 0), (900, 0), 0.0),
        ("heuristic", (3, 1), (2700, 300), 0.004),
    ):
        rows += [
            make_row(
                f"t{i}", strategy, "fail", agent="builtin", calls=calls, tokens=tokens, cost=cost, wall=600.0
            )
            for i in range(4)
        ]
    # a timeout that reached the cloud once but whose tokens never came back
    rows.append(make_row("t9", "timeout-only", "timeout", agent="builtin", calls=(0, 1), cost=0.0))
    path = write_rows(tmp_path / "results.jsonl", rows)
    assert main(["report", str(path), "--resamples", "200"]) == 0
    out = capsys.readouterr().out
    table = out.split("\n\n")[0].splitlines()
    assert table[0].split()[-4:] == ["cloud", "calls", "$/row", "wall"]
    by_strategy = {line.split()[2]: line for line in table[2:]}
    assert " 100/100% " in by_strategy["always-cloud"]
    assert " 0/0% " in by_strategy["always-local"]
    assert " 25/10% " in by_strategy["heuristic"]
    assert " 100/– " in by_strategy["timeout-only"]  # 100% cloud by calls, no tokens: not "–"
    assert max(len(line) for line in table) <= 120
    start = next(i for i, line in enumerate(table) if line.startswith("pass rate: intention-to-treat"))
    legend = " ".join(table[start:])
    assert "cloud: cloud share of calls / of tokens" in legend
    assert "$/row: mean per row over every row of the cell" in legend


def test_report_tolerates_a_torn_last_line_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sweep_rows()[:5]
    path = write_rows(tmp_path / "results.jsonl", rows, tail='{"schema": 1, "run_id": "r", "ce')
    assert main(["report", str(path), "--resamples", "200"]) == 0
    captured = capsys.readouterr()
    assert "results.jsonl:6: skipped a torn last line" in captured.err
    assert json.loads((tmp_path / "aggregate.json").read_text())["rows"]["total"] == 5


def test_report_refuses_a_bad_line_that_is_not_the_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sweep_rows()[:3]
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n{oops\n" + json.dumps(rows[1]) + "\n")
    assert main(["report", str(path)]) == 2
    assert "results.jsonl:2: not JSON" in capsys.readouterr().err


def test_report_refuses_rows_of_another_schema_and_missing_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_rows(tmp_path / "results.jsonl", [{**sweep_rows()[0], "schema": 2}])
    assert main(["report", str(path)]) == 2
    assert "results.jsonl:1: not a result row: row schema 2 is not supported" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_report_price_as_reprices_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = make_row("a", "always-cloud", "pass", cost=None)
    row["tokens"].update(cloud_prompt=1_000_000, cloud_completion=0)
    path = write_rows(tmp_path / "results.jsonl", [row])
    assert main(["report", str(path), "--price-as", "gpt-5-mini", "--resamples", "100"]) == 0
    assert "$0.2500" in capsys.readouterr().out  # the live table's cost column, repriced
    agg = json.loads((tmp_path / "aggregate.json").read_text())
    assert next(iter(agg["cells"].values()))["cost_per_task"]["point"] == pytest.approx(0.25)
    assert agg["settings"]["price_as"] == "gpt-5-mini"
    assert main(["report", str(path), "--price-as", "gpt-9"]) == 2
    assert "not in the price table" in capsys.readouterr().err


def test_report_baseline_and_margin_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_rows(tmp_path / "results.jsonl", sweep_rows())
    assert (
        main(["report", str(path), "--baseline", "always-local", "--margin", "10", "--resamples", "300"]) == 0
    )
    agg = json.loads((tmp_path / "aggregate.json").read_text())
    assert agg["settings"]["margin"] == pytest.approx(0.10)
    assert {e["baseline"] for e in agg["comparisons"]} == {"always-local"}
    assert main(["report", str(path), "--margin", "150"]) == 2


def test_report_calibrates_from_the_decision_logs_of_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    write_rows(run / "results.jsonl", sweep_rows())
    records = [
        {"strategy": "heuristic", "choice": "local", "meta": {"score": float(s), "path": "agent"}}
        for s in range(50)
    ]
    write_rows(run / "decisions" / "gw0.jsonl", records[:25])
    write_rows(run / "decisions" / "gw1.jsonl", records[25:])
    assert (
        main(["report", str(run), "--calibrate", "heuristic", "--target-cloud", "0.1", "--resamples", "200"])
        == 0
    )
    out = capsys.readouterr().out
    assert "calibration of heuristic for 10% cloud calls (50 records): threshold 44.100" in out
    assert "try: --arena-strategies=heuristic@threshold=44.1" in out
    agg = json.loads((run / "aggregate.json").read_text())
    assert agg["calibration"]["threshold"] == pytest.approx(44.1)
    assert "## Calibration" in (run / "summary.md").read_text()


def test_report_reads_legacy_raw_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(DATA / "legacy-raw.jsonl"), "--out", str(tmp_path), "--resamples", "200"]) == 0
    out = capsys.readouterr().out
    assert "R1" in out
    assert json.loads((tmp_path / "aggregate.json").read_text())["rows"]["by_outcome"]["skipped"] == 1


def test_write_artifacts_and_render_markdown_are_usable_without_the_cli(tmp_path: Path) -> None:
    rows = load_rows([write_rows(tmp_path / "results.jsonl", sweep_rows())])
    agg, paths = write_artifacts(tmp_path / "out", rows, resamples=200)
    assert paths["summary"].read_text() == render_markdown(agg)
    assert json.loads(paths["aggregate"].read_text())["cells"].keys() == agg["cells"].keys()


# --- pricing refresh ------------------------------------------------------------------------------


def _table(tmp_path: Path) -> Path:
    table = tmp_path / "prices.toml"
    table.write_text(
        '# pinned\n\n[meta]\nsource = "models.dev"\nfetched = "2026-04-27"\n\n'
        '[models."gpt-5"]\ninput = 1.25\ncached_input = 0.125\noutput = 10.00\n\n'
        '[models."claude-haiku-4-5"]\ninput = 1.00\ncached_input = 0.10\noutput = 5.00\n\n'
        '[models."gpt-5.5"]\ninput = 5.00\ncached_input = 0.50\noutput = 30.00\n'
    )
    return table


def _cost_map(tmp_path: Path) -> Path:
    data = {
        "gpt-5": {
            "input_cost_per_token": 1.5e-06,
            "cache_read_input_token_cost": 1.5e-07,
            "output_cost_per_token": 1e-05,
        },
        "anthropic/claude-haiku-4-5": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06},
    }
    path = tmp_path / "cost_map.json"
    path.write_text(json.dumps(data))
    return path


def test_pricing_refresh_prints_the_diff_and_writes_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table, cost_map = _table(tmp_path), _cost_map(tmp_path)
    before = table.read_text()
    assert main(["pricing", "refresh", "--table", str(table), "--cost-map", str(cost_map)]) == 1
    out = capsys.readouterr().out
    assert "~ gpt-5: input 1.25 → 1.5, cached_input 0.125 → 0.15" in out
    assert "  claude-haiku-4-5: unchanged" in out  # no cached price in the map: the pinned one stays
    assert "  gpt-5.5: not in LiteLLM's map; kept" in out
    assert table.read_text() == before

    assert main(["pricing", "refresh", "--table", str(table), "--cost-map", str(cost_map), "--write"]) == 0
    loaded = load_prices(table)
    assert loaded.prices["gpt-5"].input == pytest.approx(1.5)
    assert loaded.prices["gpt-5.5"].output == pytest.approx(30.0)
    assert loaded.fetched != "2026-04-27"
    assert loaded.source.startswith("cost_map.json; kept from models.dev: gpt-5.5")
    assert table.read_text().startswith("# pinned\n")
    assert main(["pricing", "refresh", "--table", str(table), "--cost-map", str(cost_map)]) == 0
    assert "the table is current" in capsys.readouterr().out


def test_pricing_refresh_without_litellm_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    assert main(["pricing", "refresh", "--table", str(_table(tmp_path))]) == 2
    assert "pip install litellm" in capsys.readouterr().err


def test_pricing_refresh_from_the_installed_litellm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        importlib.metadata.distribution("litellm")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("LiteLLM is not installed (it is not a dependency); pip install litellm to run this")
    table = _table(tmp_path)
    assert main(["pricing", "refresh", "--table", str(table)]) in (0, 1)
    out = capsys.readouterr().out
    assert "bundled cost map" in out
    assert "gpt-5:" in out
