import pytest

from throttle import RateLimiter, throttled


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def test_injected_clock_drives_the_window(clock):
    limiter = RateLimiter("2/10s", clock=clock)
    assert limiter.allow() and limiter.allow()
    assert not limiter.allow()
    assert limiter.retry_after() == 10.0
    clock.advance(9.5)
    assert limiter.retry_after() == 0.5
    assert not limiter.allow()
    clock.advance(0.5)  # exactly window seconds after the first call: it stops counting
    assert limiter.remaining() == 2
    assert limiter.allow()


def test_sliding_not_fixed_window(clock):
    limiter = RateLimiter("3/min", clock=clock)
    assert limiter.allow()          # t=0
    clock.advance(20)
    assert limiter.allow()          # t=20
    clock.advance(20)
    assert limiter.allow()          # t=40
    assert not limiter.allow()
    assert limiter.retry_after() == 20.0
    clock.advance(20)               # t=60: the t=0 call expires
    assert limiter.remaining() == 1
    assert limiter.allow()
    assert limiter.retry_after() == 20.0   # next expiry: the t=20 call at t=80


def test_refused_calls_are_not_recorded(clock):
    limiter = RateLimiter("2/10s", clock=clock)
    limiter.allow()
    clock.advance(5)
    limiter.allow()
    for _ in range(19):              # a client hammering while limited
        clock.advance(0.25)
        assert not limiter.allow()
    clock.advance(0.25)
    assert clock.now == 1010.0
    assert limiter.remaining() == 1   # only the first call expired
    assert limiter.allow()
    assert not limiter.allow()
    clock.advance(5)
    assert limiter.allow()


def test_keys_are_independent(clock):
    limiter = RateLimiter("2/min", clock=clock)
    assert limiter.allow("alice") and limiter.allow("alice")
    assert not limiter.allow("alice")
    assert limiter.allow("bob")
    assert limiter.remaining("alice") == 0
    assert limiter.remaining("bob") == 1
    assert limiter.remaining("carol") == 2
    assert limiter.retry_after("alice") == 60.0
    assert limiter.retry_after("bob") == 0.0
    assert limiter.retry_after("carol") == 0.0


def test_default_bucket_is_separate_from_named_keys(clock):
    limiter = RateLimiter("1/min", clock=clock)
    assert limiter.allow()
    assert not limiter.allow()
    assert not limiter.allow(None)
    assert limiter.allow("x")
    assert limiter.allow(("10.0.0.1", "/api"))
    assert not limiter.allow(("10.0.0.1", "/api"))


def test_per_key_expiry(clock):
    limiter = RateLimiter("1/10s", clock=clock)
    limiter.allow("a")
    clock.advance(4)
    limiter.allow("b")
    clock.advance(6)
    assert limiter.allow("a")
    assert not limiter.allow("b")
    assert limiter.retry_after("b") == 4.0


def test_idle_keys_are_forgotten(clock):
    limiter = RateLimiter("5/10s", clock=clock)
    assert len(limiter) == 0
    for index in range(100):
        limiter.allow(f"client-{index}")
    assert len(limiter) == 100
    clock.advance(5)
    limiter.allow("late")
    limiter.allow("client-7")
    assert len(limiter) == 101
    clock.advance(5)                  # the first 100 hits expire; "late" and client-7's 2nd hit remain
    assert len(limiter) == 2
    clock.advance(4.75)
    assert len(limiter) == 2
    clock.advance(0.25)
    assert len(limiter) == 0


def test_queries_do_not_create_keys(clock):
    limiter = RateLimiter("5/10s", clock=clock)
    limiter.remaining("ghost")
    limiter.retry_after("ghost")
    assert len(limiter) == 0
    assert limiter.allow("ghost")
    assert len(limiter) == 1


def test_refused_calls_do_not_keep_a_key_alive(clock):
    limiter = RateLimiter("1/10s", clock=clock)
    limiter.allow("k")
    clock.advance(9)
    assert not limiter.allow("k")
    clock.advance(1)
    assert len(limiter) == 0


def ok_handler(request):
    return {"status": 200, "body": request.get("client")}


def test_middleware_per_client(clock):
    limiter = RateLimiter("2/30s", clock=clock)
    app = throttled(ok_handler, limiter, key=lambda request: request["client"])
    assert app({"client": "a"})["headers"] == {"X-RateLimit-Remaining": "1"}
    assert app({"client": "a"})["headers"] == {"X-RateLimit-Remaining": "0"}
    clock.advance(10.25)
    refused = app({"client": "a"})
    assert refused == {"status": 429, "headers": {"Retry-After": "20"}, "body": "rate limit exceeded"}
    other = app({"client": "b"})
    assert other["status"] == 200 and other["headers"]["X-RateLimit-Remaining"] == "1"
    clock.advance(19.75)
    assert app({"client": "a"})["status"] == 200


def test_middleware_without_key_shares_one_bucket(clock):
    limiter = RateLimiter("1/30s", clock=clock)
    app = throttled(ok_handler, limiter)
    assert app({"client": "a"})["status"] == 200
    assert app({"client": "b"})["status"] == 429
    clock.advance(29.5)
    assert app({"client": "b"})["headers"]["Retry-After"] == "1"
    clock.advance(0.5)
    assert app({"client": "b"})["status"] == 200


def test_middleware_uses_the_injected_clock_for_retry_after(clock):
    limiter = RateLimiter("1/h", clock=clock)
    app = throttled(ok_handler, limiter, key=lambda request: request["client"])
    app({"client": "z"})
    clock.advance(3599.5)
    assert app({"client": "z"})["headers"]["Retry-After"] == "1"
