"""Incremental splitters for streamed bodies: SSE events (OpenAI, Anthropic) and NDJSON lines (Ollama).

Both take whatever byte slices the socket delivers and hand back complete units as soon as they
are complete, so a token reaches the agent as soon as its event has arrived.
"""

from __future__ import annotations

__all__ = ["LineSplitter", "SSESplitter", "sse_field"]


class SSESplitter:
    """Feed bytes, get complete SSE events (each ending in a blank line, terminator included)."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[bytes]:
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        buf = self._buf + data
        events = []
        start = 0
        while True:
            end = buf.find(b"\n\n", start)
            if end < 0:
                break
            events.append(buf[start : end + 2])
            start = end + 2
        self._buf = buf[start:]
        return events

    def flush(self) -> list[bytes]:
        """A final event the upstream did not terminate with a blank line, if any."""
        rest, self._buf = self._buf, b""
        return [rest + b"\n\n"] if rest.strip() else []


class LineSplitter:
    """Feed bytes, get complete non-empty lines (newline stripped)."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[bytes]:
        buf = self._buf + data
        *lines, self._buf = buf.split(b"\n")
        return [line for line in lines if line.strip()]

    def flush(self) -> list[bytes]:
        rest, self._buf = self._buf, b""
        return [rest] if rest.strip() else []


def sse_field(event: bytes, name: bytes) -> bytes | None:
    """The value of one field (``event``, ``data``) in an SSE event; data lines are joined."""
    prefix = name + b":"
    values = [line[len(prefix) :].strip() for line in event.split(b"\n") if line.startswith(prefix)]
    if not values:
        return None
    return b"\n".join(values)
