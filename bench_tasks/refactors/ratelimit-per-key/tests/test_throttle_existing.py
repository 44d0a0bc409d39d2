"""Behaviour that predates the change (real clock, windows far longer than the test)."""

import pytest

from throttle import Rate, RateLimiter, parse_rate, throttled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/s", Rate(10, 1.0)),
        ("100/min", Rate(100, 60.0)),
        ("5000/h", Rate(5000, 3600.0)),
        ("30/5m", Rate(30, 300.0)),
        (" 7 / 2 hour ", Rate(7, 7200.0)),
        ("1/sec", Rate(1, 1.0)),
    ],
)
def test_parse_rate(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["", "10", "10/", "/s", "0/s", "10/0m", "10/day", "-1/s", "1.5/s", "10/S"])
def test_parse_rate_rejects(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_limit_within_a_long_window():
    limiter = RateLimiter("3/h")
    assert limiter.remaining() == 3
    assert limiter.retry_after() == 0.0
    assert [limiter.allow() for _ in range(5)] == [True, True, True, False, False]
    assert limiter.remaining() == 0
    assert 3590 < limiter.retry_after() <= 3600


def test_accepts_rate_objects():
    limiter = RateLimiter(Rate(1, 3600.0))
    assert limiter.rate == Rate(1, 3600.0)
    assert limiter.allow() and not limiter.allow()


@pytest.mark.parametrize("rate", [Rate(0, 60.0), Rate(5, 0.0), Rate(5, -1.0), "nonsense"])
def test_invalid_rates(rate):
    with pytest.raises(ValueError):
        RateLimiter(rate)


def test_middleware_passes_then_refuses():
    calls = []

    def handler(request):
        calls.append(request)
        return {"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "hi"}

    app = throttled(handler, RateLimiter("2/h"))
    first = app({"path": "/a"})
    assert first == {"status": 200, "headers": {"Content-Type": "text/plain", "X-RateLimit-Remaining": "1"}, "body": "hi"}
    assert app({"path": "/b"})["headers"]["X-RateLimit-Remaining"] == "0"
    refused = app({"path": "/c"})
    assert refused == {"status": 429, "headers": {"Retry-After": "3600"}, "body": "rate limit exceeded"}
    assert [r["path"] for r in calls] == ["/a", "/b"]


def test_middleware_does_not_mutate_the_handler_response():
    shared = {"status": 200, "body": "x"}
    app = throttled(lambda request: shared, RateLimiter("5/h"))
    response = app({})
    assert response["headers"] == {"X-RateLimit-Remaining": "4"}
    assert shared == {"status": 200, "body": "x"}
