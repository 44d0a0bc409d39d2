"""throttle: sliding-window rate limiting."""

from throttle.limiter import RateLimiter
from throttle.middleware import throttled
from throttle.rates import Rate, parse_rate

__all__ = ["Rate", "RateLimiter", "parse_rate", "throttled"]
