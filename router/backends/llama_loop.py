"""The token loop the embedded backend runs on a model's worker thread.

It drives ``Llama.generate`` (llama-cpp-python's own sampler chain and KV-cache prefix reuse) and
does the rest itself, because ``create_chat_completion(stream=True)`` reports no usage and cannot
be stopped from outside: it counts tokens, decodes UTF-8 incrementally (a character may span
tokens), cuts at stop strings without ever emitting a stop string's prefix, and checks a stop flag
after every sampled token — and, before that, between the prompt's evaluation batches
(:func:`prefill`), because ``Llama.generate`` evaluates a whole prompt before it yields anything
(tens of seconds for a long prompt on two cores) and a cancelled call, or a session that is
shutting down, must not wait for that. Semantics follow llama-cpp-python's ``_create_completion``: an
end-of-generation token ends with ``stop`` and is not counted, a stop string ends with ``stop``
and is cut from the text, ``max_tokens`` (or the context window) ends with ``length``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llama_cpp import Llama

__all__ = ["Generated", "Progress", "Sampling", "generate", "prefill"]


@dataclass(frozen=True)
class Sampling:
    max_tokens: int | None
    temperature: float
    top_p: float
    seed: int | None
    stop: tuple[str, ...]
    repeat_penalty: float = 1.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    top_k: int = 40
    min_p: float = 0.05


@dataclass
class Progress:
    """What a generation has spent so far (written by the model's thread, read by the caller
    when a call is cut): prompt tokens evaluated or reused from the cache, tokens sampled."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class Generated:
    text: str
    finish_reason: str
    completion_tokens: int


def prefill(llm: Llama, prompt: list[int], should_stop: Callable[[], bool], progress: Progress) -> bool:
    """Evaluate all of ``prompt`` but its last token, one batch (``n_batch``, 512) at a time,
    reusing the cached prefix as ``Llama.generate`` does; False when ``should_stop`` turned true
    between batches. ``Llama.generate`` then finds the prompt cached and evaluates one token."""
    target = prompt[:-1]
    cached = llm.input_ids[: llm.n_tokens]
    prefix = 0
    for a, b in zip(cached, target, strict=False):
        if a != b:
            break
        prefix += 1
    if prefix < llm.n_tokens:
        ctx = getattr(llm, "_ctx", None)
        if ctx is None or not ctx.kv_cache_seq_rm(-1, prefix, -1):
            return not should_stop()  # no partial cache removal here: Llama.generate resets itself
        llm.n_tokens = prefix
    progress.prompt_tokens = prefix
    for start in range(prefix, len(target), llm.n_batch):
        if should_stop():
            return False
        batch = target[start : start + llm.n_batch]
        llm.eval(batch)
        progress.prompt_tokens = start + len(batch)
    return not should_stop()


def generate(
    llm: Llama,
    prompt: list[int],
    sampling: Sampling,
    emit: Callable[[str], None] | None,
    should_stop: Callable[[], bool],
    progress: Progress | None = None,
) -> Generated | None:
    """Generate after ``prompt``; ``emit`` gets text pieces as they become final. None when
    ``should_stop`` turned true (cancelled or past the deadline); ``progress`` then says what
    was spent."""
    import llama_cpp

    progress = progress if progress is not None else Progress()
    room = llm.n_ctx() - len(prompt)
    limit = (
        room if sampling.max_tokens is None or sampling.max_tokens <= 0 else min(sampling.max_tokens, room)
    )
    llm.set_seed(sampling.seed if sampling.seed is not None else llama_cpp.LLAMA_DEFAULT_SEED)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    stops = sampling.stop
    longest = max((len(s) for s in stops), default=0)
    text, sent, count, finish, cut_at_stop = "", 0, 0, "length", False
    tokens = llm.generate(
        prompt,
        top_k=sampling.top_k,
        top_p=sampling.top_p,
        min_p=sampling.min_p,
        temp=sampling.temperature,
        repeat_penalty=sampling.repeat_penalty,
        presence_penalty=sampling.presence_penalty,
        frequency_penalty=sampling.frequency_penalty,
    )
    try:
        if limit <= 0:
            return Generated("", "length", 0)
        if prompt and not prefill(llm, prompt, should_stop, progress):
            return None
        for token in tokens:
            progress.prompt_tokens = len(prompt)
            if should_stop():
                return None
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                finish = "stop"
                break
            count += 1
            progress.completion_tokens = count
            text += decoder.decode(llm.detokenize([token]))
            hold = 0
            if stops:
                cut = _find_stop(text, stops, max(0, sent - longest))
                if cut is not None:
                    text, finish, cut_at_stop = text[:cut], "stop", True
                    break
                hold = _stop_prefix_len(text, stops)
            if emit is not None and len(text) - hold > sent:
                emit(text[sent : len(text) - hold])
                sent = len(text) - hold
            if count >= limit:
                break
        if not cut_at_stop:
            text += decoder.decode(b"", final=True)
    finally:
        tokens.close()
    if emit is not None and len(text) > sent:
        emit(text[sent:])
    return Generated(text, finish, count)


def _find_stop(text: str, stops: tuple[str, ...], start: int) -> int | None:
    hits = [i for i in (text.find(s, start) for s in stops) if i >= 0]
    return min(hits) if hits else None


def _stop_prefix_len(text: str, stops: tuple[str, ...]) -> int:
    """Length of the longest tail of ``text`` that begins some stop string (held back, not emitted)."""
    best = 0
    for s in stops:
        for n in range(min(len(s) - 1, len(text)), best, -1):
            if text.endswith(s[:n]):
                best = n
                break
    return best
