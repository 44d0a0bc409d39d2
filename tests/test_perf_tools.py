"""Measurement aids: the embedded backend's trace, the router's loop choice, and the
interval arithmetic of bench/embedded_overlap.py (on constructed intervals, no model)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pytest_hybridarena.router.backends import embedded
from pytest_hybridarena.router.backends.base import UpstreamError
from pytest_hybridarena.router.backends.llama_loop import Generated, Sampling
from pytest_hybridarena.router.server import LOOP_ENV, new_loop
from tests.bench_modules import load_bench

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def overlap() -> ModuleType:
    return load_bench("embedded_overlap")


# -- the embedded backend's trace ----------------------------------------------------------------
def test_write_trace_does_nothing_without_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(embedded.TRACE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    embedded.write_trace("generate", "m", 2, 1.0, 2.0, completion_tokens=3)
    assert list(tmp_path.iterdir()) == []


def test_write_trace_appends_one_json_line_per_record_to_a_file_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "trace"
    monkeypatch.setenv(embedded.TRACE_ENV, str(folder))
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    embedded.write_trace("load", "qwen", 1, 10.0, 10.5)
    embedded.write_trace("generate", "qwen", 1, 11.0, 12.25, prompt_tokens=7, completion_tokens=3)
    (path,) = folder.iterdir()
    assert path.name == f"embedded-{os.getpid()}.jsonl"
    load, gen = (json.loads(line) for line in path.read_text().splitlines())
    assert load["kind"] == "load"
    assert load["end"] - load["start"] == 0.5
    assert gen == {
        "kind": "generate",
        "model": "qwen",
        "threads": 1,
        "start": 11.0,
        "end": 12.25,
        "pid": gen["pid"],
        "worker": "gw1",
        "prompt_tokens": 7,
        "completion_tokens": 3,
    }


def test_write_trace_ignores_a_folder_it_cannot_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(embedded.TRACE_ENV, str(blocker / "trace"))
    embedded.write_trace("generate", "m", 1, 1.0, 2.0)  # no exception: tracing never fails a call


def _sampling() -> Sampling:
    return Sampling(max_tokens=8, temperature=0.2, top_p=0.95, seed=1, stop=())


async def test_job_run_reports_completion_tokens_for_the_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "generate", lambda *a: Generated("hi", "stop", 3))
    job = embedded._Job("embedded:m", [1, 2], _sampling(), time.monotonic() + 10, streaming=False)
    assert job.run(llm=None) == 3  # type: ignore[arg-type]
    assert await job.events.get() == Generated("hi", "stop", 3)


async def test_job_run_reports_minus_one_when_generation_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> None:
        raise RuntimeError("llama_decode returned -1")

    monkeypatch.setattr(embedded, "generate", boom)
    job = embedded._Job("embedded:m", [1], _sampling(), time.monotonic() + 10, streaming=False)
    assert job.run(llm=None) == -1  # type: ignore[arg-type]
    assert isinstance(await job.events.get(), UpstreamError)


async def test_job_run_reports_none_for_a_job_cancelled_before_it_started() -> None:
    job = embedded._Job("embedded:m", [1], _sampling(), time.monotonic() + 10, streaming=False)
    job.cancel()
    assert job.run(llm=None) is None  # type: ignore[arg-type]


# -- the router's event loop ---------------------------------------------------------------------
def test_new_loop_is_plain_asyncio_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOOP_ENV, "asyncio")
    loop = new_loop()
    try:
        assert type(loop).__module__.startswith("asyncio")
    finally:
        loop.close()


def test_new_loop_falls_back_to_asyncio_when_uvloop_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOOP_ENV, raising=False)
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import fails as if not installed
    loop = new_loop()
    try:
        assert type(loop).__module__.startswith("asyncio")
    finally:
        loop.close()


def test_new_loop_prefers_uvloop_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop")
    monkeypatch.delenv(LOOP_ENV, raising=False)
    loop = new_loop()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()


def test_new_loop_rejects_an_unknown_name_naming_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOOP_ENV, "trio")
    with pytest.raises(ValueError, match=r"'trio'.*auto, asyncio, uvloop"):
        new_loop()


def test_new_loop_says_how_to_install_uvloop_when_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import fails as if not installed
    with pytest.raises(RuntimeError, match="pip install uvloop"):
        new_loop("uvloop")


def test_new_loop_makes_a_uvloop_when_asked() -> None:
    pytest.importorskip("uvloop")
    loop = new_loop("uvloop")
    try:
        assert type(loop).__module__.startswith("uvloop")
        assert loop.run_until_complete(asyncio.sleep(0, "ok")) == "ok"
    finally:
        loop.close()


# -- bench/embedded_overlap.py -------------------------------------------------------------------
def test_union_merges_overlapping_and_touching_intervals(overlap: ModuleType) -> None:
    assert overlap.union([(5, 6), (0, 2), (1, 3), (3, 4), (7, 7)]) == [(0, 4), (5, 6)]


def test_subtract_and_intersect_split_a_window(overlap: ModuleType) -> None:
    busy = [(1, 2), (4, 6), (9, 12)]
    assert overlap.subtract([(0, 10)], busy) == [(0, 1), (2, 4), (6, 9)]
    assert overlap.intersect([(0, 10)], busy) == [(1, 2), (4, 6), (9, 10)]


def test_overlapped_counts_only_time_with_two_intervals_at_once(overlap: ModuleType) -> None:
    assert overlap.overlapped([(0, 4), (2, 6), (5, 7), (10, 11)]) == 3  # [2,4] and [5,6]


def test_idle_fraction_of_two_workers_with_a_gap_load_and_scoring(overlap: ModuleType) -> None:
    Cell, Gen = overlap.Cell, overlap.Generation
    # gw0: cells [0,10] and [10,20]; gw1: one cell [2,12]. Span 0..20.
    cells = [Cell("gw0", 0, 10, 1.0), Cell("gw0", 10, 20, 1.0), Cell("gw1", 2, 12, 0.5)]
    loads = [Gen("gw0", 0, 1, 0)]
    gens = [Gen("gw0", 1, 8, 100), Gen("gw1", 3, 11, 50), Gen("gw0", 12, 18, 60)]
    fig = overlap.overlap_figures(cells, gens, loads)
    # busy union: [1,11] and [12,18] = 16 of 20 -> idle 20%: [0,1] loading, [11.5,12] and [19,20]
    # scoring (gw1's cell, gw0's last cell), [11,11.5] and [18,19] other.
    assert fig["span_s"] == 20
    assert fig["idle"] == pytest.approx(0.20)
    assert fig["idle_load"] == pytest.approx(0.05)
    assert fig["idle_score"] == pytest.approx(1.5 / 20)
    assert fig["idle_other"] == pytest.approx(1.5 / 20)
    assert fig["both"] == pytest.approx(5 / 20)  # [3,8]
    assert fig["tokens_per_s"] == pytest.approx(210 / 20)
    assert fig["workers"]["gw0"]["busy_of_span"] == pytest.approx(13 / 20)
    assert fig["workers"]["gw1"]["busy_of_own_span"] == pytest.approx(8 / 10)


def test_generations_outside_the_span_do_not_count(overlap: ModuleType) -> None:
    Cell, Gen = overlap.Cell, overlap.Generation
    fig = overlap.overlap_figures([Cell("main", 10, 20, 0.0)], [Gen("main", 5, 15, 1)], [])
    assert fig["idle"] == pytest.approx(0.5)


def test_parse_run_reads_workers_and_optional_threads(overlap: ModuleType) -> None:
    assert overlap.parse_run("2") == (2, None)
    assert overlap.parse_run("2:1") == (2, 1)
