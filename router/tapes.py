"""Tapes: recorded upstream exchanges, one JSONL file per cell, for record / replay.

An *exchange* is one backend request (one attempt: a cloud retry is a second exchange) and its
whole answer: a :class:`Completion`, every chunk of a :class:`Stream` with its final usage, or the
:class:`UpstreamError` it raised. It is filed under the request's *fingerprint* and its
*occurrence* (the n-th identical request in the same cell), so an agent that repeats a call gets
the recorded answers back in their recorded order.

The fingerprint is a SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of what
decides the answer: the role (``local``/``cloud``/``classifier``), the backend label, ``stream``,
the max tokens, the side's guards and the body fields in :data:`ANSWER_FIELDS` — never the cell
token, the headers, the agent's model name or ``stream_options``. ``stream`` is part of it: a
streamed answer cannot be turned into the upstream's non-streamed bytes (or back) faithfully, and
agents do not switch between the two for the same request. Before hashing, pytest's numbered
temporary directories (``pytest-of-<user>/pytest-<N>``, ``popen-gw<N>``) are normalised, because
agents put their working directory into prompts and it changes from one session to the next.

Files are written by one thread (the event loop only queues lines) and read back once per cell,
off the loop. The line format (``"v": 1``) is documented in ``docs/router.md``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import queue
import re
import sys
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backends.base import Guards, Stream, UpstreamError
from .wire.shapes import JSON, ChatRequest, Chunk, Completion, Usage

__all__ = [
    "ANSWER_FIELDS",
    "EMBEDDINGS_TAPE",
    "TAPE_VERSION",
    "CallTape",
    "TapeLibrary",
    "TapeWriter",
    "canonical_request",
    "current_call",
    "enter_call",
    "fingerprint",
    "tape_name",
]

TAPE_VERSION = 1
#: Request body fields that can change the answer (besides ``stream`` and the max tokens).
ANSWER_FIELDS = (
    "messages",
    "tools",
    "tool_choice",
    "temperature",
    "top_p",
    "stop",
    "seed",
    "response_format",
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "n",
    "parallel_tool_calls",
    "reasoning_effort",
)
_VOLATILE = (
    (re.compile(r"(pytest-of-[^/\\\s\"']+[/\\]pytest-)\d+"), r"\1N"),
    (re.compile(r"([/\\]popen-gw)\d+"), r"\1N"),
)
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
SESSION_KEY = "_session"
#: Embedding tapes: ``_embeddings-<pid>.jsonl`` (one per recording process).
EMBEDDINGS_TAPE = "_embeddings"


# -- which call is running ----------------------------------------------------------------------
@dataclass
class CallTape:
    """The cell and call an upstream request belongs to, seen by backends through a context
    variable (a backend is shared by all cells; each agent call runs in its own task).
    ``replay`` collects the outcome of each upstream request for the decision log."""

    cell_id: str
    cell_key: str
    call_index: int
    owner: object | None = None
    replay: list[str] = field(default_factory=list)


_CURRENT: ContextVar[CallTape | None] = ContextVar("arena_call_tape", default=None)


def enter_call(cell_id: str, cell_key: str, call_index: int, owner: object | None = None) -> CallTape:
    """Mark the running task as serving this call; ``owner`` (the cell) bounds per-cell state."""
    tape = CallTape(cell_id, cell_key, call_index, owner)
    _CURRENT.set(tape)
    return tape


def current_call() -> CallTape:
    """The call being served, or a session-wide stand-in for requests made outside any cell."""
    tape = _CURRENT.get()
    return tape if tape is not None else CallTape(SESSION_KEY, SESSION_KEY, -1)


# -- fingerprints -------------------------------------------------------------------------------
def canonical_request(req: ChatRequest, role: str, label: str, guards: Guards | None) -> JSON:
    """The part of a request that decides its answer (stored in the tape as ``request``). The
    side's guards are part of it only when one is on, so a tier without guards fingerprints the
    same whatever the router's defaults were when it was recorded."""
    out: JSON = {"side": role, "backend": label, "stream": req.stream, "max_tokens": req.max_tokens}
    for name in ANSWER_FIELDS:
        if name in req.body:
            out[name] = req.body[name]
    if guards is not None and (
        guards.max_tokens_cap > 0 or guards.repeat_penalty is not None or guards.tool_nudge
    ):
        out["guards"] = {
            "max_tokens_cap": guards.max_tokens_cap,
            "repeat_penalty": guards.repeat_penalty,
            "tool_nudge": guards.tool_nudge,
        }
    return out


def fingerprint(request: JSON) -> str:
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return hashlib.sha256(text.encode()).hexdigest()


def tape_name(cell_key: str) -> str:
    """``<slug>-<hash>.jsonl``: readable, and distinct for keys that slug alike."""
    slug = _SLUG.sub("_", cell_key).strip("._")[:80] or "cell"
    return f"{slug}-{hashlib.sha256(cell_key.encode()).hexdigest()[:12]}.jsonl"


# -- answers to and from builtins ----------------------------------------------------------------
def _bytes_to_wire(data: bytes | None, name: str, out: JSON) -> None:
    if data is None:
        return
    try:
        out[name] = data.decode("utf-8")
    except UnicodeDecodeError:
        out[name + "_b64"] = base64.b64encode(data).decode("ascii")


def _bytes_from_wire(obj: JSON, name: str) -> bytes | None:
    if isinstance(obj.get(name), str):
        return str(obj[name]).encode("utf-8")
    if isinstance(obj.get(name + "_b64"), str):
        return base64.b64decode(obj[name + "_b64"])
    return None


def usage_to_wire(usage: Usage | None) -> JSON | None:
    if usage is None:
        return None
    return {
        "prompt": usage.prompt,
        "completion": usage.completion,
        "cached": usage.cached,
        "estimated": usage.estimated,
    }


def usage_from_wire(obj: Any) -> Usage | None:
    if not isinstance(obj, dict):
        return None
    return Usage(int(obj["prompt"]), int(obj["completion"]), int(obj["cached"]), bool(obj["estimated"]))


def completion_to_wire(result: Completion) -> JSON:
    """The body is kept as the upstream's bytes when there are any (it is their JSON, parsed)."""
    out: JSON = {
        "type": "completion",
        "usage": usage_to_wire(result.usage),
        "model_echoed": result.model_echoed,
    }
    _bytes_to_wire(result.raw, "raw", out)
    if result.raw is None:
        out["body"] = result.body
    return out


def completion_from_wire(obj: JSON) -> Completion:
    raw = _bytes_from_wire(obj, "raw")
    body = obj["body"] if raw is None else json.loads(raw)
    return Completion(
        body=body, usage=usage_from_wire(obj.get("usage")), model_echoed=obj.get("model_echoed"), raw=raw
    )


def chunk_to_wire(chunk: Chunk) -> JSON:
    out: JSON = {}
    _bytes_to_wire(chunk.raw, "raw", out)
    if chunk.parsed is not None:
        out["parsed"] = chunk.parsed
    if chunk.usage_only:
        out["usage_only"] = True
    return out


def chunk_from_wire(obj: JSON) -> Chunk:
    parsed = obj.get("parsed")
    return Chunk(
        raw=_bytes_from_wire(obj, "raw"),
        parsed=parsed if isinstance(parsed, dict) else None,
        usage_only=bool(obj.get("usage_only")),
    )


def stream_to_wire(stream: Stream, chunks: list[Chunk], error: UpstreamError | None, truncated: bool) -> JSON:
    return {
        "type": "stream",
        "chunks": [chunk_to_wire(c) for c in chunks],
        "usage": usage_to_wire(stream.usage),
        "model_echoed": stream.model_echoed,
        "finish_reason": stream.finish_reason,
        "text_chars": stream.text_chars,
        "error": error_to_wire(error) if error is not None else None,
        "truncated": truncated,
    }


def error_to_wire(err: UpstreamError) -> JSON:
    return {
        "type": "error",
        "kind": err.kind,
        "message": err.message,
        "status": err.status,
        "retry_after": err.retry_after,
    }


def error_from_wire(obj: JSON) -> UpstreamError:
    return UpstreamError(
        str(obj["kind"]), str(obj["message"]), status=obj.get("status"), retry_after=obj.get("retry_after")
    )


# -- writing ------------------------------------------------------------------------------------
_STOP = object()


class TapeWriter:
    """Appends lines to per-cell files from one thread. ``truncate`` starts a file afresh: the
    first exchange of a cell replaces what an earlier recording of the same cell key left."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="arena-router-tapes", daemon=True)
        self._thread.start()
        self.failures = 0

    def put(self, name: str, record: JSON, truncate: bool = False) -> None:
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=str) + "\n"
        self._queue.put((name, line, truncate))

    def flush(self, timeout: float = 10.0) -> bool:
        """Block until every line queued before this call is on disk; False on timeout."""
        if not self._thread.is_alive():
            return True
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            name, line, truncate = item
            try:
                with (self.directory / name).open("w" if truncate else "a", encoding="utf-8") as handle:
                    handle.write(line)
            except OSError as exc:
                self.failures += 1
                print(f"arena-router: tape write to {self.directory / name} failed: {exc}", file=sys.stderr)


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TapeEntry:
    response: JSON
    path: Path
    line: int


class TapeLibrary:
    """Recorded exchanges under a directory, loaded per cell key on first use (off the loop) and
    indexed by (role, fingerprint, occurrence). The fingerprint is recomputed from each line's
    ``request``, so files stay valid when only the normalisation of volatile text changes."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise ValueError(
                f"replay directory {str(directory)!r} does not exist or is not a directory; "
                "record one first with RouterConfig.record_dir (--arena-record)"
            )
        self.directory = directory
        self._cells: dict[str, asyncio.Future[dict[tuple[str, str, int], TapeEntry]]] = {}
        self._vectors: asyncio.Future[dict[tuple[str, str, str], list[float]]] | None = None

    async def lookup(self, cell_key: str, role: str, fp: str, occurrence: int) -> TapeEntry | None:
        task = self._cells.get(cell_key)
        if task is None:
            task = asyncio.ensure_future(asyncio.to_thread(self._load, self.directory / tape_name(cell_key)))
            self._cells[cell_key] = task
        index = await asyncio.shield(task)
        return index.get((role, fp, occurrence))

    async def vectors(self) -> dict[tuple[str, str, str], list[float]]:
        """Every recorded embedding, by (role, backend label, SHA-256 of the text). Embeddings are
        cached across cells by the router, so they are filed per process, not per cell."""
        if self._vectors is None:
            self._vectors = asyncio.ensure_future(asyncio.to_thread(self._load_vectors))
        return await asyncio.shield(self._vectors)

    def _load_vectors(self) -> dict[tuple[str, str, str], list[float]]:
        out: dict[tuple[str, str, str], list[float]] = {}
        for path in sorted(self.directory.glob(f"{EMBEDDINGS_TAPE}*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    out[(record["side"], record["backend"], record["text_sha256"])] = record["vector"]
                except (ValueError, KeyError, TypeError):
                    continue
        return out

    def path_for(self, cell_key: str) -> Path:
        return self.directory / tape_name(cell_key)

    @staticmethod
    def _load(path: Path) -> dict[tuple[str, str, int], TapeEntry]:
        index: dict[tuple[str, str, int], TapeEntry] = {}
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return index
        for number, line in enumerate(text.splitlines(), 1):
            try:
                record = json.loads(line)
                key = (str(record["side"]), fingerprint(record["request"]), int(record["occurrence"]))
                index[key] = TapeEntry(record["response"], path, number)
            except (ValueError, KeyError, TypeError):
                # A torn last line (a killed recording) or a hand-edited one: that exchange misses.
                print(f"arena-router: {path}:{number}: unreadable tape line skipped", file=sys.stderr)
        return index
