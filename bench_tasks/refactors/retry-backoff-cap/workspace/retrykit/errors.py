"""Exceptions raised by retrykit."""


class RetryError(Exception):
    """Raised when every attempt failed.

    ``attempts`` is the number of calls made and ``last_exception`` the exception
    raised by the final call (also available as ``__cause__``).
    """

    def __init__(self, attempts: int, last_exception: BaseException) -> None:
        super().__init__(f"gave up after {attempts} attempt(s): {last_exception!r}")
        self.attempts = attempts
        self.last_exception = last_exception
