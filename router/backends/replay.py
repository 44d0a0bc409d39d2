"""Record and replay: backends that write every upstream exchange to a tape, or answer from one.

:class:`RecordingBackend` wraps a real backend (or a replaying one, to re-record while replaying)
and files each exchange under the cell it belongs to. :class:`ReplayBackend` answers from the
tapes with no model at all; a request it has no record of raises ``UpstreamError(kind=
"replay_miss")`` (the cell's usage then shows ``<side>_replay_miss``), unless a fallback backend
was given, which then answers it for real. :class:`Taping` builds a router's backends from
``RouterConfig.record_dir`` / ``replay_dir`` / ``replay_fallback``; the ``replay:`` spec scheme
(``replay:<scheme>:<model>;dir=<tapes>``) replays one side without touching the config.

Every outcome of a replayed request is noted on the call (``local:hit``, ``cloud:miss``,
``cloud:miss->real``) and lands in the decision log's ``replay`` field.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import weakref
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..specs import BackendSpec, parse_backend_spec
from ..tapes import (
    EMBEDDINGS_TAPE,
    TAPE_VERSION,
    CallTape,
    TapeLibrary,
    TapeWriter,
    canonical_request,
    chunk_from_wire,
    completion_from_wire,
    completion_to_wire,
    current_call,
    error_from_wire,
    error_to_wire,
    fingerprint,
    stream_to_wire,
    tape_name,
    usage_from_wire,
)
from ..wire.shapes import JSON, ChatRequest, Chunk, Completion
from .base import Backend, BackendOptions, Stream, UpstreamError

__all__ = ["Recorder", "RecordingBackend", "ReplayBackend", "flush_tapes", "replay_backend_from_spec"]


@dataclass
class _CellCounts:
    occurrences: dict[tuple[str, str], int] = field(default_factory=dict)
    written: bool = False


class _PerCell:
    """Per-cell counters, dropped when the cell object is garbage collected (after it closed)."""

    def __init__(self) -> None:
        self._cells: dict[str, _CellCounts] = {}

    def get(self, tape: CallTape) -> _CellCounts:
        counts = self._cells.get(tape.cell_id)
        if counts is None:
            counts = self._cells[tape.cell_id] = _CellCounts()
            if tape.owner is not None:
                weakref.finalize(tape.owner, self._cells.pop, tape.cell_id, None)
        return counts

    def next_occurrence(self, tape: CallTape, role: str, fp: str) -> int:
        occurrences = self.get(tape).occurrences
        n = occurrences.get((role, fp), 0)
        occurrences[(role, fp)] = n + 1
        return n


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- recording ----------------------------------------------------------------------------------
@dataclass
class _Pending:
    tape: CallTape
    role: str
    label: str
    request: JSON
    fp: str
    occurrence: int
    done: bool = False


class Recorder:
    """The tape writer and per-cell occurrence counters shared by one router's backends."""

    def __init__(self, directory: Path) -> None:
        self.writer = TapeWriter(directory)
        self.cells = _PerCell()
        self._users = 0
        self._embeddings = f"{EMBEDDINGS_TAPE}-{os.getpid()}.jsonl"

    def attach(self) -> None:
        self._users += 1

    def detach(self) -> None:
        self._users -= 1
        if self._users <= 0:
            self.writer.close()

    def begin(self, role: str, label: str, request: JSON) -> _Pending:
        tape = current_call()
        fp = fingerprint(request)
        return _Pending(tape, role, label, request, fp, self.cells.next_occurrence(tape, role, fp))

    def write(self, pending: _Pending, response: JSON) -> None:
        if pending.done:
            return
        pending.done = True
        counts = self.cells.get(pending.tape)
        truncate = not counts.written
        counts.written = True
        record = {
            "v": TAPE_VERSION,
            "cell": pending.tape.cell_key,
            "call": pending.tape.call_index,
            "side": pending.role,
            "backend": pending.label,
            "fingerprint": pending.fp,
            "occurrence": pending.occurrence,
            "request": pending.request,
            "response": response,
        }
        self.writer.put(tape_name(pending.tape.cell_key), record, truncate)

    def write_vectors(self, role: str, label: str, texts: list[str], vectors: list[list[float]]) -> None:
        for text, vector in zip(texts, vectors, strict=False):
            record = {"v": TAPE_VERSION, "side": role, "backend": label, "text_sha256": _text_key(text)}
            self.writer.put(self._embeddings, {**record, "vector": vector})


class RecordingBackend(Backend):
    """Passes every request to ``inner`` and writes the exchange (answer, stream or error) to tape."""

    def __init__(self, inner: Backend, role: str, recorder: Recorder) -> None:
        super().__init__(inner.spec, inner.options)
        self.inner = inner
        self.scheme = inner.scheme
        self.model = inner.model
        self.role = role
        self.recorder = recorder
        recorder.attach()

    def __getattr__(self, name: str) -> Any:
        # Backend-specific extras (``EmbeddedBackend.preload``) stay reachable through the wrapper.
        if name == "inner":  # not set yet (during __init__ or unpickling)
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _begin(self, req: ChatRequest) -> _Pending:
        return self.recorder.begin(
            self.role, self.label, canonical_request(req, self.role, self.label, self.options.guards)
        )

    async def complete(self, req: ChatRequest, timeout_s: float) -> Completion:
        pending = self._begin(req)
        try:
            result = await self.inner.complete(req, timeout_s)
        except UpstreamError as err:
            self.recorder.write(pending, error_to_wire(err))
            raise
        except asyncio.CancelledError:
            # The caller's own timeout (the classifier's) ended the request: replay it as one.
            self.recorder.write(pending, error_to_wire(UpstreamError("timeout", f"{self.label}: cancelled")))
            raise
        self.recorder.write(pending, completion_to_wire(result))
        return result

    async def open_stream(self, req: ChatRequest, timeout_s: float) -> Stream:
        pending = self._begin(req)
        try:
            inner = await self.inner.open_stream(req, timeout_s)
        except UpstreamError as err:
            self.recorder.write(pending, error_to_wire(err))
            raise
        chunks: list[Chunk] = []

        async def release() -> None:
            # Closed before the first chunk was read: nothing else will record it.
            self.recorder.write(pending, stream_to_wire(inner, chunks, None, truncated=True))
            await inner.close()

        return Stream(lambda outer: self._relay(inner, outer, chunks, pending), release)

    async def _relay(
        self, inner: Stream, outer: Stream, chunks: list[Chunk], pending: _Pending
    ) -> AsyncIterator[Chunk]:
        error: UpstreamError | None = None
        complete = False
        try:
            async for chunk in inner:
                chunks.append(chunk)
                _copy_stream_state(inner, outer)
                yield chunk
            complete = True
        except UpstreamError as err:
            error = err
            raise
        finally:
            _copy_stream_state(inner, outer)
            truncated = not complete and error is None
            self.recorder.write(pending, stream_to_wire(inner, chunks, error, truncated))

    async def embed(self, texts: list[str], timeout_s: float) -> list[list[float]]:
        vectors = await self.inner.embed(texts, timeout_s)
        self.recorder.write_vectors(self.role, self.label, texts, vectors)
        return vectors

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            self.recorder.detach()


def _copy_stream_state(src: Stream, dst: Stream) -> None:
    dst.usage, dst.model_echoed, dst.finish_reason = src.usage, src.model_echoed, src.finish_reason
    dst.text_chars = src.text_chars


# -- replaying ----------------------------------------------------------------------------------
class ReplayBackend(Backend):
    """Answers from tapes. It carries the recorded backend's label (``spec``), so headers, usage
    and prices read as they did when recording; ``fallback`` answers misses when given."""

    def __init__(
        self,
        spec: BackendSpec,
        options: BackendOptions,
        role: str,
        library: TapeLibrary,
        fallback: Backend | None = None,
    ) -> None:
        super().__init__(spec, options)
        self.scheme = spec.scheme
        self.role = role
        self.library = library
        self.fallback = fallback
        self.cells = _PerCell()

    async def _lookup(self, req: ChatRequest) -> JSON | None:
        """The recorded response, or None when the fallback must answer; raises on a miss."""
        tape = current_call()
        request = canonical_request(req, self.role, self.label, self.options.guards)
        fp = fingerprint(request)
        n = self.cells.next_occurrence(tape, self.role, fp)
        entry = await self.library.lookup(tape.cell_key, self.role, fp, n)
        if entry is not None:
            tape.replay.append(f"{self.role}:hit")
            return entry.response
        if self.fallback is not None:
            tape.replay.append(f"{self.role}:miss->real")
            return None
        tape.replay.append(f"{self.role}:miss")
        raise UpstreamError(
            "replay_miss",
            f"{self.label}: no recorded answer in {self.library.path_for(tape.cell_key)} for cell "
            f"{tape.cell_key!r}, {self.role} request {fp[:16]} (occurrence {n}); record the cell "
            "again, or allow real calls for misses with replay_fallback (--arena-replay-fallback)",
        )

    async def complete(self, req: ChatRequest, timeout_s: float) -> Completion:
        response = await self._lookup(req)
        if response is None:
            assert self.fallback is not None
            return await self.fallback.complete(req, timeout_s)
        if response.get("type") == "error":
            raise error_from_wire(response)
        if response.get("type") != "completion":
            raise UpstreamError("replay_miss", f"{self.label}: the tape holds a {response.get('type')}")
        return completion_from_wire(response)

    async def open_stream(self, req: ChatRequest, timeout_s: float) -> Stream:
        response = await self._lookup(req)
        if response is None:
            assert self.fallback is not None
            return await self.fallback.open_stream(req, timeout_s)
        if response.get("type") == "error":
            raise error_from_wire(response)
        if response.get("type") != "stream":
            raise UpstreamError("replay_miss", f"{self.label}: the tape holds a {response.get('type')}")
        return Stream(lambda s: self._emit(response, s), lambda: None)

    async def _emit(self, response: JSON, stream: Stream) -> AsyncIterator[Chunk]:
        stream.model_echoed = response.get("model_echoed")
        for chunk in response.get("chunks") or []:
            yield chunk_from_wire(chunk)
        stream.usage = usage_from_wire(response.get("usage"))
        stream.finish_reason = response.get("finish_reason")
        stream.text_chars = int(response.get("text_chars") or 0)
        if isinstance(response.get("error"), dict):
            raise error_from_wire(response["error"])
        if response.get("truncated"):
            raise UpstreamError(
                "stream",
                f"{self.label}: the recorded stream ended early (the agent left or the call timed out)",
            )

    async def embed(self, texts: list[str], timeout_s: float) -> list[list[float]]:
        tape = current_call()
        vectors = await self.library.vectors()
        keys = [(self.role, self.label, _text_key(t)) for t in texts]
        if all(k in vectors for k in keys):
            tape.replay.append(f"{self.role}:hit")
            return [vectors[k] for k in keys]
        if self.fallback is not None:
            tape.replay.append(f"{self.role}:miss->real")
            return await self.fallback.embed(texts, timeout_s)
        tape.replay.append(f"{self.role}:miss")
        missing = sum(k not in vectors for k in keys)
        raise UpstreamError(
            "replay_miss", f"{self.label}: {missing} of {len(texts)} texts have no recorded embedding"
        )

    async def aclose(self) -> None:
        if self.fallback is not None:
            await self.fallback.aclose()


def flush_tapes(backends: Iterable[Backend], timeout_s: float = 10.0) -> None:
    """Wait until every exchange recorded so far by these backends is on disk (the server calls
    it when a cell closes, so a finished cell's tape is complete even if the session dies later)."""
    recorders = {id(b.recorder): b.recorder for b in backends if isinstance(b, RecordingBackend)}
    for recorder in recorders.values():
        recorder.writer.flush(timeout_s)


def replay_backend_from_spec(spec: BackendSpec, options: BackendOptions) -> Backend:
    """``replay:<scheme>:<model>[@url];dir=<tapes>``: one side answered from tapes, no fallback."""
    directory = spec.params.get("dir")
    if not directory:
        raise ValueError(
            f"backend spec {spec.text!r}: say where the tapes are, e.g. "
            "'replay:ollama:qwen2.5-coder:7b;dir=tapes' (the recorded backend's scheme:model)"
        )
    inner_text = spec.model + (f"@{spec.base_url}" if spec.base_url else "")
    inner = parse_backend_spec(inner_text)
    return ReplayBackend(inner, options, options.side, TapeLibrary(Path(directory).expanduser()))
