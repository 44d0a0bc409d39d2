"""The optional mid tier in a benchmark run: the --arena-mid option, turbo cells, three-sided rows,
costs, the summary table and the analysis. Router-level tier paths: tests/router/test_mid_tier.py."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_hybridarena.pricing import load_prices
from pytest_hybridarena.results.analysis import analyze, reprice_rows
from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.report import render_markdown
from pytest_hybridarena.results.rows import Row
from pytest_hybridarena.results.table import render_summary, summarize
from pytest_hybridarena.run.runner import _with_usage
from pytest_hybridarena.shell.settings import ArenaSettings
from tests.conftest import FakeUpstream, MakeTask
from tests.fakes.script import Reply
from tests.test_plugin import rows_of
from tests.test_plugin_router import CALLER_CONFTEST, SOLUTION


# -- through a real pytest session --------------------------------------------------------------
def test_a_turbo_run_with_a_mid_tier_writes_three_sided_rows_and_summary(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    rec = fake_openai.recorder
    rec.default = Reply(text=SOLUTION, prompt_tokens=40, completion_tokens=12)
    # Cells run in id order: always-local's call, then turbo's local attempt (cut off) and mid answer.
    rec.queue[:] = [Reply(text=SOLUTION), Reply(text="def add(", finish_reason="length")]
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-strategies=always-local,turbo",
        f"--arena-local=openai:fake-small@{fake_openai.base_url}",
        f"--arena-mid=openai:fake-mid@{fake_openai.base_url}",
        f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
    )
    result.assert_outcomes(passed=2)
    assert [r["model"] for r in rec.requests] == ["fake-small", "fake-small", "fake-mid"]
    rows = {r["cell"]["strategy"]: r for r in rows_of(pytester)}
    turbo = rows["turbo"]
    assert turbo["calls"] == {"total": 1, "local": 1, "mid": 1, "cloud": 0, "errors": 0, "escalated": 1}
    assert (turbo["tokens"]["mid_prompt"], turbo["tokens"]["mid_completion"]) == (40, 12)
    assert turbo["models"] == {
        "local": "openai:fake-small",
        "mid": "openai:fake-mid",
        "cloud": "openai:fake-big",
    }
    # the mid tier listens on loopback: the user's own hardware, $0
    assert turbo["cost_usd"] == {"scenario": "list-price", "value": 0.0, "mid": 0.0}
    assert rows["always-local"]["calls"]["mid"] == 0
    result.stdout.fnmatch_lines(
        [
            "*hybridarena: local=openai:fake-small@* mid=openai:fake-mid@* cloud=openai:fake-big@*",
            "*local: openai:fake-small@* | mid: openai:fake-mid@* | cloud: *mid $0, local $0",
            "*pass rate*CI?*mid*cloud*calls*",
            "*puzzles*caller*always-local*100.0%*0%*0%*1.0*",
            # tokens: the rejected local attempt 11 + 7, the mid answer 40 + 12: 52 / 70 = 74%
            "*puzzles*caller*turbo*100.0%*74%*0%*1.0*",
            "*mid: mid-tier share of tokens*",
        ]
    )


def test_without_a_mid_tier_rows_and_the_table_stay_two_sided(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    fake_openai.recorder.default = Reply(text=SOLUTION)
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        f"--arena-local=openai:fake-small@{fake_openai.base_url}",
        f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
    )
    [row] = rows_of(pytester)
    assert list(row["calls"]) == ["total", "local", "cloud", "errors", "escalated"]
    assert "mid" not in row["models"]
    assert "mid" not in row["cost_usd"]
    assert not any(k.startswith("mid") for k in row["tokens"])
    assert "mid" not in result.stdout.str().split("hybridarena summary")[1].split("results:")[0].split()


def test_mid_tier_usage_errors(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-mid=bigger")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-mid: backend spec 'bigger' must look like scheme:model*"])
    result = pytester.runpytest("bench_tasks", "--arena-mid=gemini:flash")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-mid: backend spec 'gemini:flash' has unknown scheme 'gemini'*"])
    result = pytester.runpytest("bench_tasks", "--arena-strategies=always-local,turbo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-strategies: strategy 'turbo' needs a mid tier*--arena-mid=*"])


def test_arena_mid_comes_from_the_environment_and_joins_the_config_hash(
    pytester: pytest.Pytester, make_task: MakeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_task("add")
    monkeypatch.setenv("ARENA_MID", "ollama:qwen2.5-coder:14b")
    result = pytester.runpytest("bench_tasks", "--collect-only", "--arena-strategies=turbo")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*mid=ollama:qwen2.5-coder:14b*"])
    base = dict(
        agents=("oracle",), strategies=("turbo",), seeds=(42,), sandbox="process", local="embedded:a",
        cloud="embedded:b", price_as=None, out=None, resume=None, retry=None, fail_under=None,
        validate=False,
    )  # fmt: skip
    two_sided = ArenaSettings(**base).result_relevant()  # type: ignore[arg-type]
    assert "mid" not in two_sided  # runs without a mid tier keep their config_sha
    assert ArenaSettings(**base, mid="ollama:m").result_relevant() == {**two_sided, "mid": "ollama:m"}  # type: ignore[arg-type]


# -- rows, cost, table, analysis (plain functions) ----------------------------------------------
def _usage(mid_cost: float | None = 0.0012) -> dict[str, Any]:
    return {
        "calls": {"total": 2, "local": 2, "mid": 2, "cloud": 1, "errors": 0, "escalated": 2},
        "tokens": {
            "local_prompt": 100,
            "local_completion": 10,
            "mid_prompt": 1000,
            "mid_completion": 100,
            "cloud_prompt": 2000,
            "cloud_completion": 200,
            "cached": 0,
            "estimated": False,
        },
        "cost_usd": None if mid_cost is None else 0.5 + mid_cost,
        "mid_cost_usd": mid_cost,
        "models": {
            "local": "ollama:q",
            "mid": "openai:gpt-5-mini",
            "cloud": "openai:gpt-5.5",
            "cloud_echoed": [],
        },
        "errors": [],
    }


def _row() -> Row:
    return Row(run_id="r", cell=Cell("puzzles", "add", "caller", "turbo", 42), outcome="pass")


def test_usage_with_a_mid_tier_fills_three_sided_row_fields() -> None:
    row = _with_usage(_row(), _usage())
    assert row.calls.to_wire() == {"total": 2, "local": 2, "mid": 2, "cloud": 1, "errors": 0, "escalated": 2}
    assert list(row.tokens.to_wire()) == [
        "local_prompt",
        "local_completion",
        "mid_prompt",
        "mid_completion",
        "cloud_prompt",
        "cloud_completion",
        "cached",
        "estimated",
    ]
    assert row.models.to_wire() == {
        "local": "ollama:q",
        "mid": "openai:gpt-5-mini",
        "cloud": "openai:gpt-5.5",
    }
    assert row.cost_usd.to_wire() == {"scenario": "list-price", "value": pytest.approx(0.5012), "mid": 0.0012}
    assert Row.from_wire(row.to_wire()) == row


def test_price_as_reprices_the_cloud_side_and_keeps_the_mid_tiers_own_price() -> None:
    cloud = load_prices().cost_usd("gpt-5.5", 2000, 200, 0)
    assert cloud is not None
    row = _with_usage(_row(), _usage(), price_as="gpt-5.5")
    assert row.cost_usd.to_wire() == {
        "scenario": "as:gpt-5.5",
        "value": pytest.approx(cloud + 0.0012),
        "mid": 0.0012,
    }
    unpriced = _with_usage(_row(), _usage(mid_cost=None), price_as="gpt-5.5")
    assert unpriced.cost_usd.to_wire() == {"scenario": "as:gpt-5.5", "value": None, "mid": None}
    live = _with_usage(_row(), _usage(), price_as="gpt-5.5").to_wire()
    listed = _with_usage(_row(), _usage()).to_wire()
    assert reprice_rows([listed], "gpt-5.5")[0]["cost_usd"] == live["cost_usd"]


def _mid_rows() -> list[dict[str, Any]]:
    """Four tasks × four strategies, every row with the same three-sided usage."""
    rows = []
    for i in range(4):
        for strategy in ("escalate@k=3", "turbo@k=3", "always-cloud", "heuristic"):
            cell = Cell("puzzles", f"t{i}", "builtin", strategy, 42)
            row = Row(run_id="r", cell=cell, outcome="pass" if i % 2 else "fail")
            rows.append(_with_usage(row, _usage()).to_wire())
    return rows


def test_the_summary_shows_the_mid_share_within_120_columns() -> None:
    rows = _mid_rows()
    text = render_summary(summarize(rows, resamples=200))
    header = text.splitlines()[0].split()
    assert header[header.index("cloud") - 1] == "mid"
    # tokens: local 110, mid 1100, cloud 2200 of 3410
    assert "32%" in text.splitlines()[2]
    assert "65%" in text.splitlines()[2]
    # the README's demo table plus the mid column: 5 characters wider, within 120
    width = max(len(line) for line in text.splitlines())
    assert width <= 120
    for row in rows:
        row["models"].pop("mid")
    assert width == max(len(line) for line in render_summary(summarize(rows, resamples=200)).splitlines()) + 5


def test_the_summary_of_rows_without_a_mid_tier_has_no_mid_column() -> None:
    rows = _mid_rows()
    for row in rows:
        row["models"].pop("mid")
    assert "mid" not in render_summary(summarize(rows, resamples=200)).splitlines()[0].split()


def test_the_analysis_and_summary_md_carry_the_mid_share() -> None:
    agg = analyze(_mid_rows(), resamples=200)
    cell = next(iter(agg["cells"].values()))
    assert cell["mid_fraction_tokens"]["point"] == pytest.approx(1100 / 3410)
    assert cell["mid_fraction_calls"]["point"] == pytest.approx(2 / 5)
    assert cell["cloud_fraction_tokens"]["point"] == pytest.approx(2200 / 3410)
    markdown = render_markdown(agg)
    assert "mid tok" in markdown
    assert "mid calls" in markdown
    plain = analyze([{**r, "models": {"local": "l", "cloud": "c"}} for r in _mid_rows()], resamples=200)
    assert not any("mid_fraction_tokens" in c for c in plain["cells"].values())
