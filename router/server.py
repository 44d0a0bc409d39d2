"""RouterServer: the router on its own event loop in a daemon thread, for synchronous callers
(the pytest plugin's session fixture, scripts).

It never touches the caller's event loop (pytest-asyncio's, for instance): it makes a fresh loop
in a thread named ``arena-router``, serves with ``web.AppRunner`` + ``TCPSite`` on
``127.0.0.1:<ephemeral>``, and every public method hops onto that loop with
``asyncio.run_coroutine_threadsafe``, so cells are opened and closed safely from any thread.

The loop is uvloop when it is installed (the ``dev`` extra has it), plain asyncio otherwise;
``$ARENA_ROUTER_LOOP`` forces one (:func:`new_loop`; the measured difference is in
docs/performance.md).

Stopping is safe at any moment, a generation running included (Ctrl-C, pytest-timeout, the end
of a session whose last agent left a call behind): :meth:`RouterServer.stop` cancels the calls in
flight first, so aiohttp's shutdown has nothing to wait for, and the backends' cleanup waits for
their generations to stop before the loop ends.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from .app import create_app
from .backends.replay import flush_tapes
from .keys import STATE
from .sessions import RouterSession
from .settings import RouterConfig
from .state import RouterState
from .strategies.registry import check_tiers, make_strategy

__all__ = ["LOOP_ENV", "CellHandle", "RouterConfig", "RouterServer", "new_loop"]

T = TypeVar("T")

LOOP_ENV = "ARENA_ROUTER_LOOP"
LOOPS = ("auto", "asyncio", "uvloop")


def new_loop(kind: str | None = None) -> asyncio.AbstractEventLoop:
    """A fresh event loop for the router thread: ``kind``, else ``$ARENA_ROUTER_LOOP``, else ``auto``
    (uvloop if importable, else asyncio).

    uvloop's transports cost less per request: +7–25% JSON and +17–19% streamed req/s through the
    router at concurrency 8 on 2 cores (bench/router_overhead.py --loops asyncio,uvloop).
    ``uvloop`` without the package raises RuntimeError, an unknown name ValueError.
    """
    kind = kind or os.environ.get(LOOP_ENV) or "auto"
    if kind not in LOOPS:
        raise ValueError(f"{LOOP_ENV}={kind!r}: unknown event loop; choose one of {', '.join(LOOPS)}")
    if kind != "asyncio":
        try:
            import uvloop
        except ImportError as exc:
            if kind == "uvloop":
                raise RuntimeError(
                    f"{LOOP_ENV}=uvloop: uvloop is not installed (pip install uvloop)"
                ) from exc
        else:
            loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
            return loop
    return asyncio.new_event_loop()


@dataclass(frozen=True)
class CellHandle:
    """An open cell: point an OpenAI-style agent at ``base_url`` and a Claude-style agent at
    ``anthropic_base_url`` (it appends ``/v1/messages`` itself)."""

    id: str
    key: str
    strategy: str
    seed: int
    base_url: str
    anthropic_base_url: str


class RouterServer:
    def __init__(self, config: RouterConfig | None = None, *, start_timeout_s: float = 30.0) -> None:
        self.config = config or RouterConfig()
        self._start_timeout_s = start_timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._state: RouterState | None = None
        self._port: int | None = None
        self._lock = threading.Lock()

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> RouterServer:
        """Start serving; returns once the socket listens. Raises what startup raised."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("RouterServer.start() called twice")
            app = create_app(self.config)  # bad specs fail here, in the caller's thread
            self._state = app[STATE]
            loop = new_loop()
            self._loop = loop
            self._thread = threading.Thread(target=loop.run_forever, name="arena-router", daemon=True)
            self._thread.start()
            try:
                self._port = self._call(self._serve(app), self._start_timeout_s)
            except BaseException:
                self._shutdown_loop()
                raise
            return self

    async def _serve(self, app: web.Application) -> int:
        # Calls in flight are cancelled before cleanup (stop), so shutdown never waits for them.
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        await site.start()
        self._runner = runner
        # TCPSite.port only exists from aiohttp 3.14; runner.addresses works on every 3.x.
        return int(runner.addresses[0][1])

    def stop(self, timeout_s: float = 90.0) -> None:
        """Stop serving and join the thread. Idempotent; safe if start() failed; never raises for
        a shutdown that went wrong (it says so on stderr): it runs in session teardown, where an
        exception would be an error belonging to no cell.

        Calls still in flight are cancelled first (their generations stop), then the app is
        cleaned up: the backends close, an embedded one once its generations have ended."""
        with self._lock:
            if self._loop is None or self._thread is None:
                return
            if self._runner is not None and self._loop.is_running():
                runner, state = self._runner, self._state
                try:
                    if state is not None:
                        self._call(_cancel_inflight(state.cells.all()), timeout_s)
                    self._call(runner.cleanup(), timeout_s)
                except Exception as exc:
                    print(f"arena router: stop: {type(exc).__name__}: {exc}", file=sys.stderr)
                finally:
                    self._runner = None
            self._shutdown_loop(timeout_s)

    def _shutdown_loop(self, timeout_s: float = 30.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        if not thread.is_alive():
            loop.close()
        self._loop = None
        self._thread = None

    def __enter__(self) -> RouterServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- cells ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("RouterServer is not started")
        return f"http://{self.config.host}:{self._port}"

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("RouterServer is not started")
        return self._port

    def open_cell(
        self, cell_key: str, strategy: str, seed: int = 0, budget_s: float | None = None
    ) -> CellHandle:
        """Open a cell bound to ``strategy`` (``name@k=v;k2=v2``). ValueError for an unknown
        strategy name (listing the known ones), a bad parameter, or a strategy that needs a tier
        this router lacks (turbo without a mid tier).

        ``budget_s``: the seconds the cell has from now (the item's time budget); every call's
        time limit is what is left of it (docs/router.md#budgets). None: no budget."""
        strategy_obj = make_strategy(strategy, self.config.strategies)
        state = self._require_state()
        check_tiers(strategy, strategy_obj, state.backends)

        async def do_open() -> str:
            cell = state.cells.open(cell_key, strategy, strategy_obj, seed, state.services, budget_s=budget_s)
            return cell.id

        cid = self._call(do_open())
        root = f"{self.base_url}/cell/{cid}"
        return CellHandle(cid, cell_key, strategy, seed, base_url=root + "/v1", anthropic_base_url=root)

    def close_cell(self, cell_id: str) -> dict[str, Any]:
        """Close a cell (by id, or by key when unique) and return its usage as plain builtins.
        Calls arriving afterwards get 404; calls still in flight are cancelled (their generations
        stop) and counted. The cell's decision records are flushed to disk first."""
        state = self._require_state()

        async def do_close() -> dict[str, Any]:
            cell = state.cells.close(cell_id)
            await _cancel_inflight([cell])
            mid = state.backends.get("mid")
            return cell.to_dict(
                state.backends["local"].label,
                state.backends["cloud"].label,
                state.guards,
                mid_model=mid.label if mid is not None else None,
            )

        usage = self._call(do_close())
        state.log.flush()
        flush_tapes([*state.backends.values(), *state.extra_backends])
        return usage

    def open_cells(self) -> list[str]:
        state = self._require_state()

        async def ids() -> list[str]:
            return [c.id for c in state.cells.all()]

        return self._call(ids())

    # -- plumbing ---------------------------------------------------------------------------
    def peek_usage(self, cell_id: str) -> Any | None:
        """The running usage counters of an open cell (None once closed or unknown), read without
        a trip through the router's loop: a busy loop must not stall a progress line, and the loop
        only increments counters (a torn read is off by one call for one refresh). Read-only."""
        state = self._state
        cell = state.cells.get(cell_id) if state is not None else None
        return None if cell is None else cell.usage

    def _require_state(self) -> RouterState:
        if self._state is None or self._loop is None:
            raise RuntimeError("RouterServer is not started")
        return self._state

    def _call(self, coro: Coroutine[Any, Any, T], timeout_s: float = 90.0) -> T:
        if self._loop is None:
            coro.close()
            raise RuntimeError("RouterServer is not started")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout_s)


async def _cancel_inflight(cells: list[RouterSession]) -> None:
    """Cancel the handlers of the cells' calls in flight and wait until each has finished (its
    decision logged, its stream closed): cancellation reaches them at their next await."""
    tasks = [task for cell in cells for task in cell.inflight]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks)
