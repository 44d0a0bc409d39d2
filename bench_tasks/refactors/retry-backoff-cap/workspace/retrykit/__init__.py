"""retrykit: a small retry decorator with exponential backoff."""

from retrykit.backoff import delay_schedule
from retrykit.decorator import retry
from retrykit.errors import RetryError

__all__ = ["RetryError", "delay_schedule", "retry"]
