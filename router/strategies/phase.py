"""phase-aware: aider's architect turns go to cloud, its editor turns to local, the rest to the
legacy heuristic.

Fixed against the reference: it looked for "you are an expert software engineer", which aider
never sends, so the split never fired on real traffic. We match the opening lines aider's prompt
classes actually use (checked against aider-chat 0.86.2, ``aider/coders/*_prompts.py``):
architect ``Act as an expert architect engineer``; editor ``Act as an expert software developer
who edits source code`` (editor-diff) or ``... and make changes to source code`` (editor-whole).
The prompt is read from system messages, or from the first user message for models that aider
runs without a system role. aider's ``editor-diff-fenced`` format reuses the ordinary
diff-fenced prompt, so it is indistinguishable from a non-architect session and falls through.
The reference's own marker is still honoured for synthetic prompts.
"""

from __future__ import annotations

from ..wire.shapes import JSON, ChatRequest, content_text
from .base import Decision, SessionContext, StrategyBase
from .heuristic import legacy_decision

__all__ = ["ARCHITECT_MARKERS", "EDITOR_MARKERS", "PhaseAware", "detect_phase"]

ARCHITECT_MARKERS = ("act as an expert architect engineer",)
EDITOR_MARKERS = (
    "act as an expert software developer who edits source code",
    "act as an expert software developer and make changes to source code",
)
_LEGACY_MARKER = "you are an expert software engineer"


def _prompt_text(messages: list[JSON]) -> str:
    system = [content_text(m.get("content")) for m in messages if m.get("role") in ("system", "developer")]
    if not system and messages and messages[0].get("role") == "user":
        system = [content_text(messages[0].get("content"))]
    return "\n".join(system).lower()


def detect_phase(messages: list[JSON]) -> str | None:
    """ "architect", "editor", or None for anything else."""
    text = _prompt_text(messages)
    if any(m in text for m in ARCHITECT_MARKERS):
        return "architect"
    if any(m in text for m in EDITOR_MARKERS):
        return "editor"
    if _LEGACY_MARKER in text:
        if "architect" in text:
            return "architect"
        if "editor" in text:
            return "editor"
    return None


class PhaseAware(StrategyBase):
    name = "phase-aware"

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        phase = detect_phase(request.messages)
        if phase == "architect":
            return Decision("cloud", "phase-aware: aider architect", 1.0, {"phase": "architect"})
        if phase == "editor":
            return Decision("local", "phase-aware: aider editor", 1.0, {"phase": "editor"})
        decision = legacy_decision(request)
        decision.reason = "phase-aware[fallback] " + decision.reason
        decision.meta["phase"] = "fallback"
        return decision
