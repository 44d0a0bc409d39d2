"""A circuit breaker for a backend that is down for the whole session.

Without it, a dead model server costs every remaining cell its full retry-and-timeout dance (minutes
each). After ``threshold`` consecutive cells in which *every* model call failed upstream, the rest
of this process's LLM cells fail at once as ``backend-down`` error rows, with one clear message.
One cell with a successful call resets the count; rows are still written for every cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_hybridarena.results.rows import Row

__all__ = ["BackendBreaker"]


@dataclass
class BackendBreaker:
    threshold: int = 3
    failed_in_a_row: int = 0
    last_error: str = ""
    tripped: bool = field(default=False)

    def record(self, row: Row) -> None:
        calls = row.calls
        if calls.total and (calls.errors or 0) >= calls.total:
            self.failed_in_a_row += 1
            self.last_error = (row.error or {}).get("message", "")[:300]
            self.tripped = self.failed_in_a_row >= self.threshold
        elif calls.total:
            self.failed_in_a_row, self.tripped = 0, False

    def open_reason(self) -> str | None:
        if not self.tripped:
            return None
        return (
            f"the model backend failed every call of {self.failed_in_a_row} cells in a row; failing the "
            f"remaining cells of this worker fast instead of waiting for each to time out. "
            f"Last error: {self.last_error}"
        )
