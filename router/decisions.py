"""The decision log: one JSON line per agent call, appended to ``decisions.jsonl``.

Records are queued from the event loop and written by a small writer thread, so a slow disk never
blocks a call. ``flush()`` waits until everything queued so far is on disk (the server calls it
when a cell closes, so the row's ``decisions_ref`` points at complete data). Keys never appear in
records: only request metadata, routing facts and usage.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

__all__ = ["DecisionLog"]

_STOP = object()


class DecisionLog:
    def __init__(self, path: Path | None, echo: TextIO | None = None) -> None:
        self.path = path
        self.echo = echo
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.written = 0
        self.failures = 0
        if path is not None or echo is not None:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._thread = threading.Thread(target=self._run, name="arena-router-decisions", daemon=True)
            self._thread.start()

    def append(self, record: dict[str, Any]) -> None:
        if self._thread is not None:
            self._queue.put(record)

    def flush(self, timeout: float = 10.0) -> bool:
        """Block until every record queued before this call is written; False on timeout."""
        if self._thread is None or not self._thread.is_alive():
            return True
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        handle = self.path.open("a", encoding="utf-8") if self.path is not None else None
        try:
            while True:
                item = self._queue.get()
                batch = [item]
                while True:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                stop = False
                lines = []
                events = []
                for entry in batch:
                    if entry is _STOP:
                        stop = True
                    elif isinstance(entry, threading.Event):
                        events.append(entry)
                    else:
                        lines.append(entry)
                self._write(handle, lines)
                for event in events:
                    event.set()
                if stop:
                    return
        finally:
            if handle is not None:
                handle.close()

    def _write(self, handle: TextIO | None, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        try:
            if handle is not None:
                handle.write(
                    "".join(json.dumps(r, separators=(",", ":"), default=str) + "\n" for r in records)
                )
                handle.flush()
            if self.echo is not None:
                for r in records:
                    self.echo.write(_echo_line(r) + "\n")
                self.echo.flush()
            self.written += len(records)
        except OSError as exc:
            self.failures += 1
            print(f"arena-router: decision log write failed: {exc}", file=sys.stderr)


def _echo_line(r: dict[str, Any]) -> str:
    tokens = f"{r.get('prompt_tokens')}+{r.get('completion_tokens')}"
    status = r.get("status")
    err = f" error={r['error']['kind']}" if r.get("error") else ""
    return (
        f"[{r.get('cell')}#{r.get('call_index')}] {r.get('strategy')} -> {r.get('choice')} "
        f"({r.get('backend')}) conf={r.get('confidence')} tokens={tokens} "
        f"{r.get('latency_ms')}ms status={status}{err} | {r.get('reason')}"
    )
