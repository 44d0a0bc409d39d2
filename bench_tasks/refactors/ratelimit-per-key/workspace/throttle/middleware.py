"""Wrap a request handler with a rate limiter."""

import math
from collections.abc import Callable
from typing import Any

from throttle.limiter import RateLimiter

Request = dict[str, Any]
Response = dict[str, Any]


def too_many_requests(retry_after: float) -> Response:
    return {
        "status": 429,
        "headers": {"Retry-After": str(max(1, math.ceil(retry_after)))},
        "body": "rate limit exceeded",
    }


def throttled(handler: Callable[[Request], Response], limiter: RateLimiter) -> Callable[[Request], Response]:
    """Return a handler that refuses requests beyond ``limiter``'s rate with a 429."""

    def wrapped(request: Request) -> Response:
        if not limiter.allow():
            return too_many_requests(limiter.retry_after())
        response = dict(handler(request))
        headers = dict(response.get("headers", {}))
        headers["X-RateLimit-Remaining"] = str(limiter.remaining())
        response["headers"] = headers
        return response

    return wrapped
