"""The ``retry`` decorator."""

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from retrykit.backoff import delay_schedule
from retrykit.errors import RetryError

F = TypeVar("F", bound=Callable[..., Any])


def retry(
    *,
    max_attempts: int = 3,
    initial_delay: float = 0.1,
    factor: float = 2.0,
    max_delay: float = 5.0,
    retry_on: tuple[type[BaseException], ...] = (Exception,),
    sleep: Callable[[float], Any] = time.sleep,
    on_retry: Callable[[int, BaseException, float], Any] | None = None,
) -> Callable[[F], F]:
    """Retry the decorated function with exponential backoff.

    The function is called up to ``max_attempts`` times. When a call raises an
    instance of ``retry_on`` and attempts remain, ``on_retry(attempt, exc, delay)``
    is called (if given) and then ``sleep(delay)``, where ``delay`` is the next value
    of ``delay_schedule(initial_delay, factor, max_delay)``. Other exceptions
    propagate unchanged. After the last failed attempt ``RetryError`` is raised,
    chained from the last exception.

    Raises ValueError (when ``retry(...)`` is called) if ``max_attempts < 1``,
    ``initial_delay < 0``, ``factor < 1`` or ``max_delay < 0``.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be >= 1")
    if initial_delay < 0:
        raise ValueError("initial_delay must be >= 0")
    if factor < 1:
        raise ValueError("factor must be >= 1")
    if max_delay < 0:
        raise ValueError("max_delay must be >= 0")

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            delays = delay_schedule(initial_delay, factor, max_delay)
            attempt = 0
            while True:
                attempt += 1
                try:
                    return func(*args, **kwargs)
                except retry_on as exc:
                    if attempt >= max_attempts:
                        raise RetryError(attempt, exc) from exc
                    delay = next(delays)
                    if on_retry is not None:
                        on_retry(attempt, exc, delay)
                    sleep(delay)

        return wrapper  # type: ignore[return-value]

    return decorate
