"""Signs of life while a sweep runs: a live status line on a terminal, plain lines in CI logs.

A cell can run for ten minutes with nothing printed, so the process whose terminal the user watches
(a plain session, or the xdist controller; never a worker) shows:

- ``live`` (a terminal): while a cell runs, a status at the end of pytest's current line —
  elapsed time, the cell's calls so far by tier, tokens so far, the tier of the last call, and the
  sweep's ETA — redrawn about once a second by a background thread and erased (backspaces, never
  ``\\r``) before pytest writes the cell's result, so ``-v`` lines and progress dots stay intact.
- ``plain`` (not a terminal): one line per finished cell with its outcome, time and the sweep's
  ETA, and for a long cell a heartbeat line at most every :data:`HEARTBEAT_S` seconds.

The live numbers come from the router's per-cell usage (``router/sessions.py``), read from the
ticker thread without hopping onto the router's loop: the router runs in a thread of this very
process and only ever increments plain ints, so a read at worst misses the call in flight.
Under xdist the cells run in the workers, out of the controller's sight: the controller prints
the plain per-cell lines (with an ETA that divides by the number of workers) and nothing live.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import IO, Any

import pytest

from pytest_hybridarena.results.rows import Calls, counts_as_judged
from pytest_hybridarena.shell.item import ArenaItem, router_session_key, row_of

__all__ = [
    "HEARTBEAT_S",
    "MODES",
    "CellWatch",
    "LiveLine",
    "ProgressReporter",
    "Sweep",
    "format_duration",
]

MODES = ("auto", "live", "plain", "off")
TICK_S = 1.0
HEARTBEAT_S = 60.0


def format_duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def format_eta(seconds: float) -> str:
    """``ETA 14 min``: whole minutes from two minutes on, seconds below."""
    if seconds < 120:
        return f"ETA {max(0, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"ETA {minutes} min"
    return f"ETA {minutes // 60} h {minutes % 60:02d} min"


def _tokens(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 1000 else str(n)


@dataclass
class Sweep:
    """How far the sweep is, and when it should end: the mean wall time of the cells that really
    ran (resumed and skipped cells are counted as done but not timed) times the cells left,
    divided by the processes running them."""

    total: int = 0
    done: int = 0
    workers: int = 1
    durations: list[float] = field(default_factory=list)

    def finish(self, duration: float | None) -> None:
        self.done += 1
        if duration is not None:
            self.durations.append(duration)

    def eta_s(self) -> float | None:
        if not self.durations or self.total <= self.done:
            return None
        mean = sum(self.durations) / len(self.durations)
        return mean * (self.total - self.done) / max(1, self.workers)

    def text(self) -> str:
        """``12/40 cells, ETA 14 min`` (no ETA until a cell has finished)."""
        counted = f"{self.done}/{self.total} cells"
        eta = self.eta_s()
        return counted if eta is None else f"{counted}, {format_eta(eta)}"


def read_usage(router: Any, cell_id: str) -> Any | None:
    """The router's running ``SessionUsage`` of an open cell, or None once it is closed
    (``RouterServer.peek_usage``: read without waiting on the router's loop)."""
    peek = getattr(router, "peek_usage", None)
    return None if peek is None else peek(cell_id)


class CellWatch:
    """What is known about the running cell: its name, when it started and, once the item has
    opened its router cell, the usage the router counts for it."""

    def __init__(self, item: pytest.Item, name: str, started: float) -> None:
        self.item = item
        self.name = name
        self.started = started
        self.calls: dict[str, int] = {}
        self.tokens = 0
        self.tier: str | None = None

    def poll(self) -> None:
        """Refresh the counters; the last tier is the one whose call count moved last (checked
        cloud first, since an escalated call reaches local before it reaches cloud)."""
        handle = self.item.stash.get(router_session_key, None)
        if handle is None:
            return
        usage = read_usage(*handle)
        if usage is None:
            return
        calls = {tier: int(getattr(usage, tier, 0)) for tier in ("local", "mid", "cloud")}
        for tier in ("cloud", "mid", "local"):
            if calls[tier] > self.calls.get(tier, 0):
                self.tier = tier
                break
        self.calls = calls
        self.tokens = sum(
            int(getattr(usage, f"{tier}_{part}", 0))
            for tier in ("local", "mid", "cloud")
            for part in ("prompt", "completion")
        )

    def parts(self, now: float) -> list[str]:
        """The status pieces in order of importance: elapsed, calls, tokens, last tier."""
        parts = [format_duration(now - self.started)]
        if self.calls:
            mid = f", {self.calls['mid']} mid" if self.calls.get("mid") else ""
            parts.append(f"calls {self.calls['local']} local{mid}, {self.calls['cloud']} cloud")
            parts.append(f"{_tokens(self.tokens)} tokens")
            if self.tier is not None:
                parts.append(f"last call {self.tier}")
        return parts


def fit(parts: list[str], tail: str, room: int) -> str:
    """``[a | b | tail]`` within ``room`` columns, dropping the least important parts (the last
    ones of ``parts``, then ``tail``) until it fits; "" when not even the first part does."""
    candidates = [[*parts[:n], tail] for n in range(len(parts), 0, -1)] + [parts[:1]]
    for chosen in candidates:
        text = "[" + " | ".join(p for p in chosen if p) + "]"
        if len(text) <= room:
            return text
    return ""


class LiveLine:
    """A status drawn after the text of the terminal's current line and replaced in place.

    It only moves the cursor with backspaces over what it drew itself, so the line pytest is
    writing (a ``-v`` node id, a row of dots) is never rewritten and pytest's own idea of the
    current line stays right. Fits in ``room`` columns: it must not wrap, or a backspace could
    not reach back."""

    def __init__(self, write: Callable[[str], None], room: int) -> None:
        self.write = write
        self.room = room
        self.shown = 0

    def show(self, text: str) -> None:
        text = text[: max(0, self.room)]
        pad = max(0, self.shown - len(text))
        self.write("\b" * self.shown + text + " " * pad + "\b" * pad)
        self.shown = len(text)

    def clear(self) -> None:
        if self.shown:
            self.write("\b" * self.shown + " " * self.shown + "\b" * self.shown)
            self.shown = 0


class Ticker:
    """Calls ``tick`` about every ``interval`` seconds on a daemon thread until stopped."""

    def __init__(self, tick: Callable[[], None], interval: float = TICK_S) -> None:
        self._tick = tick
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="arena-progress", daemon=True)

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._tick()
            except Exception:  # progress must never take a cell down: stop drawing instead
                return

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(5.0)


def _terminal_stream(tw: Any) -> IO[str] | None:
    """A file on the terminal's own descriptor, duplicated now (at configure, while pytest's
    capture is suspended): during a cell, fd 1 is redirected to pytest's capture file, and a
    thread writing to ``sys.stdout`` would write into the cell's captured output. None when the
    terminal has no descriptor (pytester's in-process runs)."""
    file = getattr(tw, "_file", None)
    try:
        fd = file.fileno() if file is not None else None
    except (AttributeError, OSError, ValueError):
        return None
    if fd is None:
        return None
    encoding = getattr(file, "encoding", None) or "utf-8"
    return os.fdopen(os.dup(fd), "w", encoding=encoding, errors="replace")


def resolve_mode(mode: str, config: pytest.Config, stream: IO[str] | None) -> str:
    """``auto`` is ``live`` on a terminal, ``plain`` elsewhere; the xdist controller, which cannot
    see a running cell, and ``-s`` (a cell's own output would tear a live line) get ``plain``."""
    if mode == "off":
        return "off"
    xdist_controller = bool(getattr(config.option, "numprocesses", None)) and not getattr(
        config.option, "collectonly", False
    )
    if mode == "plain" or xdist_controller:
        return "plain"
    tty = stream is not None and stream.isatty() and os.environ.get("TERM") != "dumb"
    if mode == "live":
        return "live" if stream is not None else "plain"
    return "live" if tty and config.getoption("capture") != "no" else "plain"


class ProgressReporter:
    """The pytest side: counts cells, times them, runs the ticker around each cell's call."""

    def __init__(self, config: pytest.Config, mode: str, terminal: Any) -> None:
        self.config = config
        self.tr = terminal
        self.stream = _terminal_stream(terminal._tw)
        self.mode = resolve_mode(mode, config, self.stream)
        self.sweep = Sweep()
        self._phase_s: dict[str, float] = {}
        self._workers: set[str] = set()

    # -- counting -------------------------------------------------------------------------
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.sweep.total = sum(isinstance(item, ArenaItem) for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """Every worker collects the whole plan; they share it, so the total is one worker's."""
        self._workers.add(str(getattr(getattr(node, "gateway", None), "id", id(node))))
        self.sweep.workers = len(self._workers)
        self.sweep.total = sum("/task.toml::" in nodeid for nodeid in ids)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        cell = row_of(report, "arena_cell")
        crashed = str(report.when) == "???"  # an xdist worker died in this cell
        if cell is None and not crashed:
            return
        self._phase_s[report.nodeid] = self._phase_s.get(report.nodeid, 0.0) + report.duration
        finished = report.when == "call" or crashed or (report.when == "setup" and not report.passed)
        if not finished:
            return
        row = row_of(report)
        outcome = row["outcome"] if row else ("skipped" if report.skipped else "error")
        timed = row is not None and not row.get("resumed") and counts_as_judged(outcome)
        duration = self._phase_s.pop(report.nodeid, 0.0)
        self.sweep.finish(duration if timed else None)
        if self.mode == "plain":
            self.tr.ensure_newline()
            if self.tr._tw.width_of_current_line:  # xdist's progress letters: no path, no newline
                self.tr._tw.line()
            self.tr.write_line(self.finished_line(report.nodeid, cell, row, outcome, duration))
            self.tr.flush()

    def finished_line(
        self,
        nodeid: str,
        cell: dict[str, Any] | None,
        row: dict[str, Any] | None,
        outcome: str,
        duration: float,
    ) -> str:
        name = _cell_name(nodeid, cell)
        resumed = " (resumed)" if row is not None and row.get("resumed") else ""
        calls = Calls.from_wire((row or {}).get("calls"))
        used = f", calls {calls.local} local, {calls.cloud} cloud" if calls.total else ""
        took = f"{outcome} in {format_duration(duration)}{resumed}{used}"
        return f"hybridarena: {name} {took} | {self.sweep.text()}"

    # -- the running cell -------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, Any]:
        if self.mode == "off" or self.stream is None or not isinstance(item, ArenaItem):
            return (yield)
        watch = CellWatch(item, item.cell.key, time.monotonic())
        draw = self._live(watch) if self.mode == "live" else self._heartbeat(watch)
        if draw is None:
            return (yield)
        tick, done = draw
        ticker = Ticker(tick).start()
        try:
            return (yield)
        finally:
            ticker.stop()
            done()

    def _write(self, text: str) -> None:
        assert self.stream is not None
        self.stream.write(text)
        self.stream.flush()

    def _live(self, watch: CellWatch) -> tuple[Callable[[], None], Callable[[], None]] | None:
        tw = self.tr._tw
        used = tw.width_of_current_line % tw.fullwidth
        if used == 0 and tw.width_of_current_line:
            return None  # the cursor sits on the last column: a backspace cannot reach back
        line = LiveLine(self._write, tw.fullwidth - used - 1)  # never the last column: no wrap

        def tick() -> None:
            watch.poll()
            text = fit(watch.parts(time.monotonic()), self.sweep.text(), line.room - 1)
            line.show(" " + text if text else "")

        return tick, line.clear

    def _heartbeat(self, watch: CellWatch) -> tuple[Callable[[], None], Callable[[], None]]:
        last = [watch.started]

        def tick() -> None:
            now = time.monotonic()
            if now - last[0] < HEARTBEAT_S:
                return
            last[0] = now
            watch.poll()
            parts = ", ".join(watch.parts(now)[1:])
            status = f"{watch.name} still running after {format_duration(now - watch.started)}"
            # pytest's partial line (a path, a -v node id) goes back under the heartbeat, so the
            # result it writes next still lands after it.
            current = getattr(self.tr._tw, "_current_line", "")
            text = f"hybridarena: {status}{'; ' + parts if parts else ''} | {self.sweep.text()}"
            self._write(f"\n{text}\n{current}")

        return tick, lambda: None

    def pytest_unconfigure(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def _cell_name(nodeid: str, cell: dict[str, Any] | None) -> str:
    if cell is None:
        return nodeid
    return f"{cell['task_class']}/{cell['task_id']}[{cell['agent']}-{cell['strategy']}-s{cell['seed']}]"
