"""Errors the router returns to agents, in the shape each inbound API uses.

Bad input is always a 4xx with a message naming the field and the rule; upstream faults are
502/504 or the upstream's own 429/5xx status. A 500 means a router bug, never bad input.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "anthropic_error_body", "openai_error_body"]

_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


class ApiError(Exception):
    """An error response: HTTP status, OpenAI error ``type``, message, and the offending ``param``."""

    def __init__(
        self,
        status: int,
        message: str,
        type: str = "invalid_request_error",
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}


def openai_error_body(err: ApiError) -> dict[str, Any]:
    return {"error": {"message": err.message, "type": err.type, "param": err.param, "code": err.code}}


def anthropic_error_body(err: ApiError) -> dict[str, Any]:
    kind = _ANTHROPIC_TYPES.get(err.status, "api_error" if err.status >= 500 else "invalid_request_error")
    return {"type": "error", "error": {"type": kind, "message": err.message}}
