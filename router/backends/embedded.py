"""In-process llama.cpp through llama-cpp-python. Spec: ``embedded:<name-or-path.gguf>[;threads=N;ctx=N]``.

``<name>`` is a model from :data:`pytest_hybridarena.router.weights.MODELS` (``qwen2.5-coder-0.5b``,
``qwen2.5-coder-1.5b``, ``smollm2-135m``) or a path to any ``.gguf`` file. ``threads`` defaults to
``os.cpu_count()`` divided among xdist workers (:func:`default_threads`), ``ctx`` (context
window in tokens) to 8192 (0: the model's trained maximum).

What the caller must know:

* A model loads lazily, on the first call, and **once per process**: loaded models live in a
  module-level table keyed by (resolved path, ctx, threads), so the local and cloud sides (or two
  routers in one pytest session) on the same model share one copy of the weights and its KV cache.
* Each loaded model has one worker thread and a FIFO queue: **one generation at a time per model**,
  other calls wait their turn. The event loop never runs llama.cpp; tokens cross back to it with
  ``call_soon_threadsafe``.
* A call's time limit (the cell's remaining budget, or the tier's own limit) covers queueing and
  generation. A call that is cut (time limit, cancelled handler, closed stream, router stopped)
  stops its generation: a flag is checked after every sampled token and between the prompt's
  evaluation batches of 512 tokens (a batch itself cannot be interrupted). The usage of a cut
  generation (:class:`~pytest_hybridarena.router.backends.llama_loop.Progress`) rides on the
  ``UpstreamError`` so the cell still counts it.
* Shutdown: stopping a router waits for its generations to end; at interpreter exit every model's
  thread is stopped and joined before its llama.cpp memory is freed (:func:`shutdown_models`),
  because freeing it under a running generation crashes the process (SIGSEGV).
* Prompts are rendered with the GGUF's own chat template (``tokenizer.chat_template``; Qwen:
  ChatML), ChatML when the file has none. Usage is exact: prompt tokens are the rendered prompt's
  tokens, completion tokens the sampled tokens up to (not including) end-of-generation — the
  figures llama-cpp-python's ``create_chat_completion`` reports.
* Sampling: ``temperature`` defaults to 0.2 when the request has none (llama-cpp-python's chat
  default; OpenAI's 1.0 makes sub-2B coders ramble), ``top_p`` 0.95, top-k 40, min-p 0.05;
  ``seed`` is honoured, and no seed means a fresh random one. Repeat penalty 1.0 (off) unless
  the tier's guards set one; a tier's max-tokens cap fills in a missing ``max_tokens``. Tool
  definitions reach the chat template, but tool calls in the output are returned as text (not
  parsed into ``tool_calls``).
* Faults: a missing model, package or unloadable file -> ``UpstreamError("config")``; a prompt
  that does not fit the context window -> ``UpstreamError("http", status=400)`` (what a server
  says, so an escalating strategy can move the call to the cloud); anything llama.cpp raises
  while generating -> ``UpstreamError("protocol")``.
* Tracing (off by default): with ``ARENA_EMBEDDED_TRACE=<dir>`` set, every process appends one JSON
  line per model load and per generation (wall-clock start and end, model, tokens) to
  ``<dir>/embedded-<pid>.jsonl``; ``bench/embedded_overlap.py`` reads them. A write that fails is
  ignored: tracing never fails a call.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import json
import math
import os
import queue
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..specs import BackendSpec
from ..weights import INSTALL_EXTRA, ModelError, resolve_model
from ..wire.shapes import JSON, ChatRequest, Chunk, Completion, Usage, content_text
from .base import Backend, BackendOptions, Stream, UpstreamError, within
from .llama_loop import Generated, Progress, Sampling, generate

if TYPE_CHECKING:
    from llama_cpp import Llama

__all__ = [
    "DEFAULT_CTX",
    "DEFAULT_TEMPERATURE",
    "TRACE_ENV",
    "EmbeddedBackend",
    "LoadedModel",
    "load_model",
    "shutdown_models",
    "write_trace",
]

DEFAULT_CTX = 8192
DEFAULT_TEMPERATURE = 0.2
_PARAMS = ("ctx", "threads")
TRACE_ENV = "ARENA_EMBEDDED_TRACE"
#: How long shutdown waits for a cancelled generation to reach its next stop check: one prompt
#: batch of 512 tokens takes ~2–5 s on 2 cores (docs/embedded.md), far less than this.
STOP_WAIT_S = 60.0


def write_trace(kind: str, model: str, threads: int, start: float, end: float, **fields: Any) -> None:
    """Append one trace line when ``$ARENA_EMBEDDED_TRACE`` names a folder; else do nothing.

    ``start``/``end`` are ``time.time()`` seconds, so lines from several processes (xdist workers)
    share one clock. One small append per generation: microseconds against seconds of llama.cpp.
    """
    folder = os.environ.get(TRACE_ENV)
    if not folder:
        return
    record = {
        "kind": kind,
        "model": model,
        "threads": threads,
        "start": round(start, 6),
        "end": round(end, 6),
        "pid": os.getpid(),
        "worker": os.environ.get("PYTEST_XDIST_WORKER"),
        **fields,
    }
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"embedded-{os.getpid()}.jsonl"), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, separators=(",", ":")) + "\n")
    except OSError:
        pass  # a trace is a measurement aid: never fail a call over it


@dataclass(frozen=True)
class ModelKey:
    path: str
    ctx: int
    threads: int


class LoadedModel:
    """One llama.cpp model in memory and the single thread that runs its generations in order."""

    def __init__(self, key: ModelKey, llm: Llama) -> None:
        from llama_cpp.llama_chat_format import CHATML_CHAT_TEMPLATE, Jinja2ChatFormatter

        self.key = key
        self.llm = llm
        eos, bos = llm.token_eos(), llm.token_bos()
        self.eos_text = llm.detokenize([eos], special=True).decode("utf-8", "replace") if eos >= 0 else ""
        bos_text = llm.detokenize([bos], special=True).decode("utf-8", "replace") if bos >= 0 else ""
        template = llm.metadata.get("tokenizer.chat_template") or CHATML_CHAT_TEMPLATE
        self.formatter = Jinja2ChatFormatter(template=template, eos_token=self.eos_text, bos_token=bos_text)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._pending: set[_Job] = set()  # submitted and not yet done
        self._pending_lock = threading.Lock()
        name = Path(key.path).stem
        self._thread = threading.Thread(target=self._work, name=f"arena-llama-{name}", daemon=True)
        self._thread.start()

    def prompt_tokens(self, messages: list[JSON], tools: list[JSON]) -> list[int]:
        """The chat rendered with the model's template, tokenized (thread-safe: reads the vocab only)."""
        rendered = self.formatter(messages=messages, tools=tools or None)  # type: ignore[arg-type]
        return self.llm.tokenize(
            rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
        )

    def submit(self, job: _Job) -> None:
        with self._pending_lock:
            self._pending.add(job)
        self._jobs.put(job)

    def cancel_all(self) -> None:
        """Cancel every submitted generation (the running one stops at its next check)."""
        with self._pending_lock:
            for job in self._pending:
                job.cancel()

    def stop(self, timeout_s: float = STOP_WAIT_S) -> bool:
        """Cancel every generation, end the thread and join it; True when it ended in time."""
        self.cancel_all()
        self._jobs.put(None)
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _work(self) -> None:
        name = Path(self.key.path).stem
        while True:
            job = self._jobs.get()
            if job is None:
                return
            start = time.time()
            try:
                completion = job.run(self.llm)
            finally:
                with self._pending_lock:
                    self._pending.discard(job)
                job.done.set()
            if completion is not None:  # aborted generations held the model too: traced as well
                write_trace(
                    "generate",
                    name,
                    self.key.threads,
                    start,
                    time.time(),
                    prompt_tokens=len(job.prompt),
                    completion_tokens=completion if completion >= 0 else None,
                    finished=completion >= 0,
                )


_MODELS: dict[ModelKey, LoadedModel] = {}
_MODELS_LOCK = threading.Lock()


def default_threads() -> int:
    """CPU threads per loaded model: the cores shared among the processes of an xdist run.

    Every xdist worker loads its own copy; with ``os.cpu_count()`` threads each, ``-n 2`` on 2 cores
    ran four llama.cpp threads on two cores, and generations took 4–10× longer (docs/performance.md).
    ``PYTEST_XDIST_WORKER_COUNT`` is set in every worker; outside xdist it is absent (one process).
    """
    cores = os.cpu_count() or 1
    try:
        workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    except ValueError:
        workers = 1
    return max(1, cores // workers)


def load_model(model: str, ctx: int = DEFAULT_CTX, threads: int | None = None) -> LoadedModel:
    """The process-wide loaded model for a name or ``.gguf`` path; loads it on first use.

    Blocking (resolution may assemble a GGUF; loading maps it into memory): call it from a thread
    when inside an event loop. Raises ``UpstreamError("config")`` when it cannot be provided.
    """
    try:
        import llama_cpp
    except ImportError as exc:
        raise UpstreamError(
            "config", f"embedded:{model}: llama-cpp-python is not installed: {INSTALL_EXTRA}"
        ) from exc
    try:
        path = resolve_model(model)
    except ModelError as exc:
        raise UpstreamError("config", f"embedded:{model}: {exc.message}") from exc
    key = ModelKey(str(path), ctx, threads or default_threads())
    with _MODELS_LOCK:
        loaded = _MODELS.get(key)
        if loaded is None:
            started = time.time()
            try:
                llm = llama_cpp.Llama(
                    model_path=key.path,
                    n_ctx=key.ctx,
                    n_threads=key.threads,
                    n_threads_batch=key.threads,
                    logits_all=False,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise UpstreamError(
                    "config", f"embedded:{model}: llama.cpp cannot load {path}: {exc}"
                ) from exc
            loaded = _MODELS[key] = LoadedModel(key, llm)
            write_trace("load", path.stem, key.threads, started, time.time())
        return loaded


_Event = str | Generated | UpstreamError


class _Job:
    """One generation: runs on the model's thread, reports to the caller's loop through a queue."""

    def __init__(
        self, label: str, prompt: list[int], sampling: Sampling, deadline: float, streaming: bool
    ) -> None:
        self.label = label
        self.prompt = prompt
        self.sampling = sampling
        self.deadline = deadline  # time.monotonic() units
        self.streaming = streaming
        self.loop = asyncio.get_running_loop()
        self.events: asyncio.Queue[_Event] = asyncio.Queue()
        self.cancelled = threading.Event()
        self.done = threading.Event()  # set by the model's thread when the job is over
        self.progress = Progress()
        self.started = False

    def cancel(self) -> None:
        self.cancelled.set()

    def spent(self) -> Usage | None:
        """What the generation has spent so far; None when it never left the queue."""
        if not self.started:
            return None
        return Usage(prompt=self.progress.prompt_tokens, completion=self.progress.completion_tokens)

    def _post(self, event: _Event) -> None:
        try:
            self.loop.call_soon_threadsafe(self.events.put_nowait, event)
        except RuntimeError:  # the caller's loop is closed: nobody is listening any more
            self.cancelled.set()

    def _should_stop(self) -> bool:
        return self.cancelled.is_set() or time.monotonic() > self.deadline

    def run(self, llm: Llama) -> int | None:
        """Generate and report; returns the completion tokens of a finished generation (for the
        trace), -1 when it ended without one (error, timeout, cancel), None when it never started."""
        if self.cancelled.is_set():
            return None
        self.started = True
        try:
            result = generate(
                llm,
                self.prompt,
                self.sampling,
                self._post if self.streaming else None,
                self._should_stop,
                self.progress,
            )
        except UpstreamError as err:
            self._post(err)
            return -1
        except Exception as exc:  # whatever llama.cpp raises must reach the caller, not kill the thread
            self._post(
                UpstreamError("protocol", f"{self.label}: llama.cpp failed: {type(exc).__name__}: {exc}")
            )
            return -1
        if result is None:
            if not self.cancelled.is_set():
                self._post(
                    UpstreamError(
                        "timeout", f"{self.label}: generation passed its time limit", usage=self.spent()
                    )
                )
            return -1
        self._post(result)
        return result.completion_tokens


class EmbeddedBackend(Backend):
    scheme = "embedded"

    def __init__(self, spec: BackendSpec, options: BackendOptions) -> None:
        super().__init__(spec, options)
        if spec.base_url:
            raise ValueError(f"backend spec {spec.text!r}: embedded models take no URL")
        unknown = sorted(set(spec.params) - set(_PARAMS))
        if unknown:
            raise ValueError(
                f"backend spec {spec.text!r}: unknown parameter(s) {', '.join(unknown)}; "
                f"known: {', '.join(_PARAMS)}"
            )
        # llama.cpp rounds a context below 256 up while llama-cpp-python sizes its token buffer
        # from the request, and the mismatch crashes generation; 0 means the model's own maximum.
        self.ctx = _int_param(spec, "ctx", DEFAULT_CTX, 0)
        if 0 < self.ctx < 256:
            raise ValueError(
                f"backend spec {spec.text!r}: ctx={self.ctx} must be 0 (the model's maximum) or >= 256"
            )
        self.threads = _int_param(spec, "threads", default_threads(), 1)
        self._loaded: LoadedModel | None = None
        self._jobs: set[_Job] = set()

    async def preload(self) -> LoadedModel:
        """Resolve and load the model now (the first call would otherwise pay for it)."""
        if self._loaded is None:
            self._loaded = await asyncio.to_thread(load_model, self.model, self.ctx, self.threads)
        return self._loaded

    async def _start(self, req: ChatRequest, timeout_s: float, streaming: bool) -> tuple[_Job, int]:
        deadline = time.monotonic() + timeout_s  # math.inf: no limit
        try:
            async with within(timeout_s):
                model = await self.preload()
                prompt = await asyncio.to_thread(model.prompt_tokens, _messages(req), req.tools)
        except TimeoutError as exc:
            raise UpstreamError("timeout", f"{self.label}: model not ready within {timeout_s:.1f}s") from exc
        except (ValueError, TypeError) as exc:  # the chat template rejected the conversation
            raise UpstreamError("http", f"{self.label}: cannot render the chat: {exc}", status=400) from exc
        n_ctx = model.llm.n_ctx()
        if len(prompt) >= n_ctx:
            raise UpstreamError(
                "http",
                f"{self.label}: the prompt is {len(prompt)} tokens, the context window {n_ctx} "
                f"(raise it with ';ctx=N' in the backend spec)",
                status=400,
            )
        job = _Job(self.label, prompt, self._sampling(req, model), deadline, streaming)
        self._jobs = {j for j in self._jobs if not j.done.is_set()}  # kept until the thread is done
        self._jobs.add(job)
        model.submit(job)
        return job, len(prompt)

    def _sampling(self, req: ChatRequest, model: LoadedModel) -> Sampling:
        body = req.body
        guards = self.options.guards
        stop = body.get("stop")
        stops = [stop] if isinstance(stop, str) else [s for s in stop or [] if isinstance(s, str)]
        if model.eos_text:
            stops.append(model.eos_text)
        max_tokens = req.max_tokens
        if guards is not None and guards.max_tokens_cap > 0 and max_tokens is None:
            max_tokens = guards.max_tokens_cap
        seed = body.get("seed")
        return Sampling(
            max_tokens=max_tokens,
            temperature=_number(body, "temperature", DEFAULT_TEMPERATURE),
            top_p=_number(body, "top_p", 0.95),
            seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
            stop=tuple(s for s in stops if s),
            repeat_penalty=(guards.repeat_penalty or 1.0) if guards is not None else 1.0,
            presence_penalty=_number(body, "presence_penalty", 0.0),
            frequency_penalty=_number(body, "frequency_penalty", 0.0),
        )

    async def complete(self, req: ChatRequest, timeout_s: float) -> Completion:
        job, n_prompt = await self._start(req, timeout_s, streaming=False)
        try:
            async with within(job.deadline - time.monotonic()):
                event = await job.events.get()
        except TimeoutError as exc:
            raise UpstreamError(
                "timeout", f"{self.label}: no answer within {timeout_s:.1f}s", usage=job.spent()
            ) from exc
        finally:
            job.cancel()  # a no-op when it finished; otherwise it stops at its next check
        if isinstance(event, UpstreamError):
            raise event
        assert isinstance(event, Generated)
        usage = Usage(prompt=n_prompt, completion=event.completion_tokens)
        body: JSON = {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": event.text},
                    "logprobs": None,
                    "finish_reason": event.finish_reason,
                }
            ],
            "usage": usage.to_openai(),
        }
        return Completion(body=body, usage=usage, model_echoed=self.model)

    async def open_stream(self, req: ChatRequest, timeout_s: float) -> Stream:
        job, n_prompt = await self._start(req, timeout_s, streaming=True)
        left = job.deadline - time.monotonic()
        deadline = None if math.isinf(left) else asyncio.get_running_loop().time() + left

        def release() -> None:
            job.cancel()

        return Stream(lambda s: self._events(job, n_prompt, deadline, s), release)

    async def _events(
        self, job: _Job, n_prompt: int, deadline: float | None, stream: Stream
    ) -> AsyncIterator[Chunk]:
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        stream.model_echoed = self.model

        def chunk(delta: JSON, finish: str | None) -> Chunk:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": self.model}
            return Chunk(parsed={**obj, "choices": [choice]})

        started = False
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        event = await job.events.get()
                except TimeoutError as exc:
                    raise UpstreamError(
                        "timeout", f"{self.label}: stream passed its time limit", usage=job.spent()
                    ) from exc
                if isinstance(event, UpstreamError):
                    raise event
                if not started:  # sent with the first token, so the router's TTFT means what it says
                    started = True
                    yield chunk({"role": "assistant", "content": ""}, None)
                if isinstance(event, str):
                    stream.text_chars += len(event)
                    yield chunk({"content": event}, None)
                    continue
                stream.finish_reason = event.finish_reason
                stream.usage = Usage(prompt=n_prompt, completion=event.completion_tokens)
                yield chunk({}, event.finish_reason)
                obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": self.model}
                yield Chunk(parsed={**obj, "choices": [], "usage": stream.usage.to_openai()}, usage_only=True)
                return
        finally:
            job.cancel()

    async def aclose(self) -> None:
        """Cancel this backend's generations and wait until the model's thread has left them
        (within one token or one prompt batch), so a router that stopped leaves none running."""
        jobs = [job for job in self._jobs if not job.done.is_set()]
        self._jobs.clear()
        for job in jobs:
            job.cancel()
        if jobs:
            await asyncio.to_thread(_wait_done, jobs, STOP_WAIT_S)
        await super().aclose()


def _wait_done(jobs: list[_Job], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    for job in jobs:
        job.done.wait(max(0.0, deadline - time.monotonic()))


def shutdown_models(timeout_s: float = STOP_WAIT_S) -> None:
    """Stop every loaded model's thread (cancelling its generations), then free the models.

    Registered with :mod:`atexit`: at interpreter exit a daemon thread may still be inside
    llama.cpp (a session interrupted mid-generation), and freeing the model under it — which the
    interpreter's teardown would otherwise do — kills the process with SIGSEGV. A model whose
    thread does not stop in time is left allocated (the process is ending anyway).
    """
    with _MODELS_LOCK:
        loaded = list(_MODELS.values())
        _MODELS.clear()
    for model in loaded:
        model.cancel_all()  # all at once: the models stop together, then each is joined
    deadline = time.monotonic() + timeout_s
    for model in loaded:
        if model.stop(max(0.0, deadline - time.monotonic())):
            with contextlib.suppress(Exception):
                model.llm.close()
        else:  # still inside llama.cpp: keep it alive for good, so the teardown never frees it
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(model))


atexit.register(shutdown_models)


def _messages(req: ChatRequest) -> list[JSON]:
    """Messages as chat templates expect them: string content (parts joined, None -> "")."""
    out = []
    for msg in req.messages:
        content = msg.get("content")
        out.append(msg if isinstance(content, str) else {**msg, "content": content_text(content)})
    return out


def _number(body: JSON, key: str, default: float) -> float:
    value: Any = body.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _int_param(spec: BackendSpec, key: str, default: int, minimum: int) -> int:
    text = spec.params.get(key)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ValueError(f"backend spec {spec.text!r}: {key}={text!r} must be an integer >= {minimum}")
    return value
