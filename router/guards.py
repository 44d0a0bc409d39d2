"""Request changes the router makes on the way upstream, each explicit and recorded.

Per tier, all opt-in (``TierGuards``; off by default so every tier answers what the agent sent):
a max-tokens cap when the agent sent none, a repeat penalty (``embedded`` and ``ollama`` backends
only: the OpenAI and Anthropic APIs have none), and the tool-use nudge. Whatever is on changes
what the model does, so it is reported in the cell's usage and the row. OpenAI's reasoning models
on a hosted tier need their parameter renames. Model output is never touched here.

The ``TIER:VALUE`` parsers are shared by the plugin's options and the standalone CLI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from .backends.base import Guards
from .specs import parse_backend_spec
from .wire.shapes import JSON, ChatRequest

__all__ = [
    "REPEAT_PENALTY_SCHEMES",
    "guarded_body",
    "parse_tier_list",
    "parse_tier_values",
    "reasoning_model_params",
    "takes_repeat_penalty",
]

T = TypeVar("T")
_REASONING = re.compile(r"^(?:gpt-5|o1|o3|o4)", re.IGNORECASE)
#: Backend schemes whose API has a repeat penalty.
REPEAT_PENALTY_SCHEMES = ("embedded", "ollama")


def parse_tier_values(text: str, convert: Callable[[str], T], tiers: Sequence[str]) -> dict[str, T]:
    """``"local:1.1,cloud:1.1"`` -> ``{"local": 1.1, "cloud": 1.1}``; a bare ``"1.1"`` means every
    tier in ``tiers``. ValueError names the part, the tier or the value that is wrong; ``convert``
    raises ValueError for a bad value."""
    out: dict[str, T] = {}
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not parts:
        raise ValueError(f"{text!r} names nothing; give TIER:VALUE[,TIER:VALUE] or one VALUE for every tier")
    for part in parts:
        tier, sep, value = part.rpartition(":")
        if not sep:
            if len(parts) > 1:
                raise ValueError(f"{part!r} names no tier; write TIER:VALUE (tiers: {', '.join(tiers)})")
            return {t: convert(part) for t in tiers}
        tier = tier.strip()
        if tier not in tiers:
            raise ValueError(f"{part!r}: unknown tier {tier!r}; this run's tiers are {', '.join(tiers)}")
        if tier in out:
            raise ValueError(f"tier {tier!r} given twice")
        out[tier] = convert(value.strip())
    return out


def parse_tier_list(text: str, tiers: Sequence[str]) -> tuple[str, ...]:
    """``"local,mid"`` -> ``("local", "mid")`` (``all``: every tier in ``tiers``)."""
    names = [p.strip() for p in str(text).split(",") if p.strip()]
    if names == ["all"]:
        return tuple(tiers)
    for name in names:
        if name not in tiers:
            raise ValueError(f"unknown tier {name!r}; this run's tiers are {', '.join(tiers)} (or all)")
    return tuple(t for t in tiers if t in names)


def takes_repeat_penalty(spec: str) -> bool:
    """Whether the backend ``spec`` names can apply a repeat penalty (``replay:`` looks at the
    recorded backend's scheme)."""
    parsed = parse_backend_spec(spec)
    scheme = parsed.model.partition(":")[0] if parsed.scheme == "replay" else parsed.scheme
    return scheme in REPEAT_PENALTY_SCHEMES


def guarded_body(req: ChatRequest, guards: Guards | None) -> JSON:
    """A shallow copy of the request body with the tier's guards applied (None: no changes)."""
    body = dict(req.body)
    if guards is None:
        return body
    if guards.max_tokens_cap > 0 and req.max_tokens is None:
        body["max_tokens"] = guards.max_tokens_cap
    if guards.tool_nudge and req.tools:
        messages = list(req.messages)
        for i, msg in enumerate(messages):
            if msg.get("role") == "system" and isinstance(msg.get("content"), str):
                messages[i] = {**msg, "content": msg["content"] + "\n\n" + guards.tool_nudge}
                break
        else:
            messages.insert(0, {"role": "system", "content": guards.tool_nudge})
        body["messages"] = messages
    return body


def reasoning_model_params(body: JSON, model: str) -> JSON:
    """OpenAI's reasoning models (gpt-5*, o1/o3/o4) reject ``max_tokens`` and non-default sampling:
    move the former to ``max_completion_tokens`` and drop ``temperature``/``top_p`` unless 1."""
    if not _REASONING.match(model):
        return body
    if "max_tokens" in body:
        value = body.pop("max_tokens")
        body.setdefault("max_completion_tokens", value)
    for key in ("temperature", "top_p"):
        if key in body and body[key] != 1:
            del body[key]
    return body
