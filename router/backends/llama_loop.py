"""The token loop the embedded backend runs on a model's worker thread.

It drives ``Llama.generate`` (llama-cpp-python's own sampler chain and KV-cache prefix reuse) and
does the rest itself, because ``create_chat_completion(stream=True)`` reports no usage and cannot
be stopped from outside: it counts tokens, decodes UTF-8 incrementally (a character may span
tokens), cuts at stop strings without ever emitting a stop string's prefix, and checks a stop flag
after every sampled token. Semantics follow llama-cpp-python's ``_create_completion``: an
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

__all__ = ["Generated", "Sampling", "generate"]


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


@dataclass(frozen=True)
class Generated:
    text: str
    finish_reason: str
    completion_tokens: int


def generate(
    llm: Llama,
    prompt: list[int],
    sampling: Sampling,
    emit: Callable[[str], None] | None,
    should_stop: Callable[[], bool],
) -> Generated | None:
    """Generate after ``prompt``; ``emit`` gets text pieces as they become final. None when
    ``should_stop`` turned true (cancelled or past the deadline)."""
    import llama_cpp

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
        for token in tokens:
            if should_stop():
                return None
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                finish = "stop"
                break
            count += 1
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
