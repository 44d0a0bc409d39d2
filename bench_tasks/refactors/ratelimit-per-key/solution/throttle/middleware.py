"""Wrap a request handler with a rate limiter."""

import math
from collections.abc import Callable, Hashable
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


def throttled(
    handler: Callable[[Request], Response],
    limiter: RateLimiter,
    *,
    key: Callable[[Request], Hashable] | None = None,
) -> Callable[[Request], Response]:
    """Return a handler that refuses requests beyond ``limiter``'s rate with a 429.

    With ``key``, each request is counted against ``limiter``'s bucket ``key(request)``
    (e.g. per client); without it, all requests share the default bucket.
    """

    def wrapped(request: Request) -> Response:
        bucket = key(request) if key is not None else None
        if not limiter.allow(bucket):
            return too_many_requests(limiter.retry_after(bucket))
        response = dict(handler(request))
        headers = dict(response.get("headers", {}))
        headers["X-RateLimit-Remaining"] = str(limiter.remaining(bucket))
        response["headers"] = headers
        return response

    return wrapped
