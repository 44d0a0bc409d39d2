"""Per-round outcomes on rows: after which round of an agent's feedback loop the hidden suite passed.

The row's ``rounds`` object (built by :func:`rounds_object`, filled by the runner's snapshot scoring in
:mod:`pytest_hybridarena.run.rounds`) records the outcome of each scored round; ``pass@round-k`` of a
group of rows is the share of its judged rows whose ``pass_round`` is at most k (``docs/rounds.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_hybridarena.results.rows import counts_as_judged, counts_as_passed

__all__ = ["max_rounds_used", "pass_at_round", "pass_round", "rounds_object", "row_pass_round"]


def pass_round(outcomes: Sequence[str]) -> int | None:
    """The round after which the suite passed and kept passing to the end; None unless the last
    round passed. ``["fail", "pass"]`` → 2; ``["pass", "fail"]`` (a later round broke it) → None,
    so pass@round-N always equals the row's own pass/fail."""
    k = len(outcomes)
    while k > 0 and outcomes[k - 1] == "pass":
        k -= 1
    return k + 1 if k < len(outcomes) else None


def rounds_object(used: int, outcomes: Sequence[str], score_s: float = 0.0) -> dict[str, Any]:
    """The row's ``rounds``: rounds used, ``pass_round``, one outcome per scored round (empty when
    the row was not scored: an agent error or timeout) and the seconds spent scoring earlier rounds."""
    return {
        "used": used,
        "pass_round": pass_round(outcomes),
        "outcomes": list(outcomes),
        "score_s": round(score_s, 3),
    }


def row_pass_round(row: Mapping[str, Any]) -> int | None:
    """A row's ``rounds.pass_round``; a row without a rounds object counts as one round (1 when it
    passed, else None)."""
    rounds = row.get("rounds")
    if isinstance(rounds, Mapping):
        value = rounds.get("pass_round")
        return int(value) if value is not None else None
    return 1 if counts_as_passed(str(row.get("outcome"))) else None


def max_rounds_used(rows: Iterable[Mapping[str, Any]]) -> int:
    """The most rounds any row used; 0 when no row reports rounds."""
    return max((int((r.get("rounds") or {}).get("used") or 0) for r in rows), default=0)


def pass_at_round(rows: Sequence[Mapping[str, Any]], k: int) -> float | None:
    """Share of the judged (non-skipped) rows whose pass round is at most ``k``; None for no rows.
    Errors and timeouts count as not passed (intention-to-treat, as the pass rate)."""
    judged = [r for r in rows if counts_as_judged(str(r.get("outcome")))]
    if not judged:
        return None
    hits = sum(1 for r in judged if (p := row_pass_round(r)) is not None and p <= k)
    return hits / len(judged)
