"""Signs of life while cells run: plain lines in logs (pytester sessions), the live line's drawing
and the numbers it shows (plain functions and a fake terminal, no threads, no clocks asserted)."""

from __future__ import annotations

import io
import time
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_hybridarena.router.server import RouterServer
from pytest_hybridarena.router.sessions import SessionUsage
from pytest_hybridarena.shell.item import router_session_key
from pytest_hybridarena.shell.progress import (
    CellWatch,
    LiveLine,
    ProgressReporter,
    Sweep,
    fit,
    format_duration,
)
from tests.conftest import MakeTask


def screen(text: str) -> tuple[str, int]:
    """What a terminal shows on one line after ``text`` (printable characters overwrite, ``\\b``
    moves the cursor left), and where the cursor is."""
    cells: list[str] = []
    cursor = 0
    for ch in text:
        if ch == "\b":
            cursor = max(0, cursor - 1)
            continue
        assert ch not in "\r\n", "a live line stays on its line"
        if cursor == len(cells):
            cells.append(ch)
        else:
            cells[cursor] = ch
        cursor += 1
    return "".join(cells), cursor


def test_plain_progress_prints_one_line_per_finished_cell_with_the_sweeps_eta(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--arena-seeds=1,2")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "hybridarena: puzzles/add[[]nop-always-local-s1] fail in *s | 1/4 cells, ETA * s",
            "hybridarena: puzzles/add[[]nop-always-local-s2] fail in *s | 2/4 cells, ETA * s",
            "hybridarena: puzzles/add[[]oracle-always-local-s1] pass in *s | 3/4 cells, ETA * s",
            "hybridarena: puzzles/add[[]oracle-always-local-s2] pass in *s | 4/4 cells",
        ]
    )
    out = result.stdout.str()
    assert "\r" not in out, "logs get whole lines, no cursor tricks"
    assert "\b" not in out


def test_progress_off_prints_no_cell_lines(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-agents=nop", "--arena-progress=off")
    result.assert_outcomes(failed=1)
    assert "hybridarena: puzzles/add" not in result.stdout.str()
    bad = pytester.runpytest("bench_tasks", "--arena-progress=loud")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["*--arena-progress: 'loud' is not one of auto, live, plain, off*"])


def test_xdist_controller_prints_the_plain_lines_of_cells_run_by_workers(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    pytest.importorskip("xdist")
    make_task("add")
    result = pytester.runpytest_subprocess(
        "bench_tasks", "-n", "2", "--arena-agents=oracle,nop", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["hybridarena: puzzles/add[[]*] * in *s | 1/2 cells, ETA * s"])
    result.stdout.fnmatch_lines(["hybridarena: puzzles/add[[]*] * in *s | 2/2 cells"])


def test_a_live_line_is_drawn_after_pytests_text_and_erased_without_a_trace() -> None:
    base = "bench_tasks/puzzles/add/task.toml::add[builtin-always-local-s42] "
    written = [base]
    line = LiveLine(written.append, room=40)
    status = " [3s | calls 1 local, 0 cloud]"
    line.show(status)
    assert screen("".join(written)) == (base + status, len(base + status))
    line.show(" [4s]")
    shown, cursor = screen("".join(written))
    assert shown.rstrip() == base + " [4s]"
    assert cursor == len(base) + 5
    line.show(" [a status far longer than the forty columns of room it was given]")
    assert len(screen("".join(written))[0]) <= len(base) + 40, "never wider than its room: no wrap"
    line.clear()
    shown, cursor = screen("".join(written))
    assert (shown.rstrip(), cursor) == (base.rstrip(), len(base)), "pytest's line and cursor are back"


def test_fit_drops_the_least_important_parts_first() -> None:
    parts = ["1m05s", "calls 3 local, 1 cloud", "12.3k tokens", "last call cloud"]
    tail = "12/40 cells, ETA 14 min"
    assert (
        fit(parts, tail, 200)
        == "[1m05s | calls 3 local, 1 cloud | 12.3k tokens | last call cloud | 12/40 cells, ETA 14 min]"
    )
    assert fit(parts, tail, 60) == "[1m05s | calls 3 local, 1 cloud | 12/40 cells, ETA 14 min]"
    assert fit(parts, tail, 10) == "[1m05s]"
    assert fit(parts, tail, 5) == ""


def test_sweep_eta_is_mean_cell_time_times_cells_left_over_workers() -> None:
    sweep = Sweep(total=40)
    assert sweep.text() == "0/40 cells"
    for _ in range(12):
        sweep.finish(60.0)
    sweep.finish(None)  # a resumed or skipped cell: done, but not a measure of cell time
    assert sweep.text() == "13/40 cells, ETA 27 min"
    sweep.workers = 2
    assert sweep.text() == "13/40 cells, ETA 14 min"
    assert (format_duration(42), format_duration(185), format_duration(3720)) == ("42s", "3m05s", "1h02m")


def _router_with(usage: SessionUsage) -> Any:
    """A real RouterServer (not started) whose state holds one open cell: peek_usage is the code read."""
    server = RouterServer.__new__(RouterServer)
    server._state = SimpleNamespace(cells={"cid": SimpleNamespace(usage=usage)})  # type: ignore[assignment]
    return server


def test_a_cells_watch_reads_calls_tokens_and_the_last_tier_from_the_router() -> None:
    usage = SessionUsage()
    item = SimpleNamespace(stash=pytest.Stash())
    watch = CellWatch(item, "puzzles/add[builtin-escalate-s42]", time.monotonic())  # type: ignore[arg-type]
    watch.poll()
    assert watch.parts(watch.started)[1:] == [], "no router cell yet: only the elapsed time"
    item.stash[router_session_key] = (_router_with(usage), "cid")
    usage.local, usage.local_prompt, usage.local_completion = 1, 900, 100
    watch.poll()
    assert watch.parts(watch.started)[1:] == ["calls 1 local, 0 cloud", "1.0k tokens", "last call local"]
    usage.local, usage.cloud, usage.cloud_prompt = 2, 1, 1500  # an escalated call
    watch.poll()
    assert watch.parts(watch.started)[1:] == ["calls 2 local, 1 cloud", "2.5k tokens", "last call cloud"]


def test_the_live_tick_shows_the_cell_and_the_sweep_then_clears() -> None:
    base = "bench_tasks/puzzles/add/task.toml "
    terminal = SimpleNamespace(_tw=SimpleNamespace(width_of_current_line=len(base), fullwidth=120))
    progress = object.__new__(ProgressReporter)
    progress.tr = terminal
    stream = io.StringIO()
    progress.stream = stream
    progress.sweep = Sweep(total=3, done=1, durations=[10.0])
    usage = SessionUsage(local=2, cloud=1, local_prompt=10, cloud_completion=5)
    item = SimpleNamespace(stash=pytest.Stash())
    item.stash[router_session_key] = (_router_with(usage), "cid")
    draw = progress._live(CellWatch(item, "puzzles/add[x-y-s1]", time.monotonic()))  # type: ignore[arg-type]
    assert draw is not None
    tick, done = draw
    tick()
    shown, _ = screen(base + stream.getvalue())
    assert shown.startswith(base + " [")
    assert "calls 2 local, 1 cloud | 15 tokens | last call cloud | 1/3 cells, ETA 20 s]" in shown
    done()
    assert screen(base + stream.getvalue()) == (base + " " * (len(shown) - len(base)), len(base))
