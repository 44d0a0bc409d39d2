"""Text features the routing strategies score on (no model calls, no I/O).

Token counts are the reference router's approximation (characters / 4) so that thresholds keep
their meaning. Keywords are matched on word boundaries: the reference matched raw substrings, so
"plan" fired on "explanation", "long" on "along" and "format" on "information".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from ..wire.shapes import JSON, content_text

__all__ = [
    "AGENT_MARKERS",
    "CLOUD_KEYWORDS",
    "LOCAL_KEYWORDS",
    "agent_delta",
    "approx_tokens",
    "count_code_blocks",
    "failed_check",
    "is_agent_call",
    "keyword_hits",
    "last_user_text",
    "total_prompt_tokens",
]

CLOUD_KEYWORDS = (
    "design", "architect", "architecture", "explain why", "compare", "long", "comprehensive", "plan",
    "strategy", "trade-off", "tradeoff", "production", "security", "threat model", "performance critical",
    "optimize", "refactor entire", "refactor all", "migration plan", "step by step", "prove", "derive",
    "analyze the", "review the", "best way to", "what would be the best",
)  # fmt: skip
LOCAL_KEYWORDS = (
    "rename", "typo", "add a comment", "format", "prettier", "what is", "fix the typo",
    "change the variable", "convert", "one-liner", "quick", "trivial",
)  # fmt: skip

#: Case-sensitive substrings of a system prompt that mark agent traffic (the reference's list).
AGENT_MARKERS = (
    "You are a helpful assistant that can interact with a computer shell", "mini-swe-agent",
    "submit your solution", "You are a software engineer interacting continuously with a computer",
    "<pr_description>", "Aider", "opencode", "Claude Code", "Cursor", "Cline", "Warp", "Roo Code", "Continue",
)  # fmt: skip


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


_CLOUD = _pattern(CLOUD_KEYWORDS)
_LOCAL = _pattern(LOCAL_KEYWORDS)


def keyword_hits(text: str, side: str) -> int:
    """How many distinct cloud (or local) keywords occur in ``text`` as whole words."""
    pattern = _CLOUD if side == "cloud" else _LOCAL
    return len(set(pattern.findall(text.lower())))


def approx_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def count_code_blocks(text: str) -> int:
    return text.count("```") // 2


def last_user_text(messages: list[JSON]) -> str:
    for msg in reversed(messages):
        if msg.get("role") == "user":
            return content_text(msg.get("content"))
    return ""


def total_prompt_tokens(messages: list[JSON]) -> int:
    """Approximate tokens over every message's content (tool schemas and calls not counted)."""
    return sum(approx_tokens(content_text(m.get("content"))) for m in messages)


def is_agent_call(messages: list[JSON], markers: Iterable[str] = AGENT_MARKERS) -> bool:
    """Agent traffic: tool results or assistant tool calls in the history, else a marker in a
    system message. (The reference looked only at string system content; content-part arrays,
    which Anthropic-style system blocks become, are read too.)"""
    for msg in messages:
        role = msg.get("role")
        if role in ("tool", "function") or (role == "assistant" and msg.get("tool_calls")):
            return True
    system = "\n".join(
        content_text(m.get("content")) for m in messages if m.get("role") in ("system", "developer")
    )
    return any(marker in system for marker in markers)


def agent_delta(messages: list[JSON]) -> JSON | None:
    """The newest message an agent added for this turn: the last tool, function or user message."""
    for msg in reversed(messages):
        if msg.get("role") in ("tool", "function", "user"):
            return msg
    return None


# What an agent's own check looks like when it failed, in the message that reports it back to the
# model: the builtin agent's feedback line, pytest's summary and FAILED lines, a traceback, a
# compiler error, a non-zero exit the agent printed.
_FAILED_CHECK = re.compile(
    r"^The checks failed:"
    r"|^FAILED \S+"
    r"|^=+ .*\b\d+ (?:failed|errors?)\b.* =+$"
    r"|^Traceback \(most recent call last\):"
    r"|^\w*(?:Error|Exception): "
    r"|^\(exit [1-9]\d*\)$",
    re.MULTILINE,
)


def failed_check(messages: list[JSON]) -> str | None:
    """The first line of the newest agent message that reports a failed check (a test run, a compile
    or import check), or None. This is the signal a hybrid can escalate on: the local model's last
    answer was tried and did not work, so the next one goes to a stronger model."""
    delta = agent_delta(messages)
    if delta is None or len(messages) < 3:  # the first request carries no result of anything
        return None
    match = _FAILED_CHECK.search(content_text(delta.get("content")))
    return match.group(0)[:120] if match else None
