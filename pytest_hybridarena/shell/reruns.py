"""``--lf`` and ``--sw`` over benchmark cells: re-run the last run's failed cells, or refuse.

pytest's own rule is to run *everything* when the cache names no failed test among the collected
ones (``--lf``) or when the step-wise position is not found (``--sw``). For a benchmark that is
hours of model time by surprise, typically after a run with other ``--arena-*`` options. So:

1. Every run that produced rows records its selection (agents, strategies, seeds, roles, validate)
   in pytest's cache under :data:`LAST_RUN_KEY`.
2. ``--lf`` / ``--sw`` without a selection of its own (no ``--arena-agents``, ``--arena-strategies``,
   ``--arena-seeds``, ``--arena-roles``, ``--arena-validate`` on the command line or in ``ARENA_*``)
   takes that recorded selection instead of the ini defaults, so the failed cells are collected.
3. When cells are collected but none of them is a recorded failure (``--lf``) or the step-wise
   position (``--sw``), the session is refused with a message saying why and what to run instead;
   ``--sw-reset`` is the way to start stepping through a selection from its first cell.

With ``-p no:cacheprovider`` (``make demo``, the project's tests) there is no ``--lf`` at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from pytest_hybridarena.shell.settings import OPTIONS, ArenaSettings, parse_roles_file

__all__ = [
    "LAST_RUN_KEY",
    "adopt_last_selection",
    "is_cell_nodeid",
    "refusal",
    "remember_selection",
    "rerun_flag",
    "selection_of",
    "with_selection",
]

LAST_RUN_KEY = "hybridarena/last-run"
SELECTION_OPTIONS = ("agents", "strategies", "seeds", "roles", "validate")
_CELL_NODEID = re.compile(r"(^|/)task\.toml::[^\[/]+\[[^\]]+\]")


def is_cell_nodeid(nodeid: str) -> bool:
    """``…/task.toml::<task>[<agent>-<strategy>-s<seed>]``, the node id of an arena item."""
    return _CELL_NODEID.search(nodeid) is not None


def rerun_flag(config: pytest.Config) -> str | None:
    """``--lf`` or ``--sw`` when one of them asks to re-run failures, else None (``--sw-reset``
    deliberately starts over; without the cacheprovider neither option exists)."""
    if getattr(config, "cache", None) is None:
        return None
    if getattr(config.option, "lf", False):
        return "--lf"
    if getattr(config.option, "stepwise", False) and not getattr(config.option, "stepwise_reset", False):
        return "--sw"
    return None


def selection_of(settings: ArenaSettings, run_id: str) -> dict[str, Any]:
    """The part of the settings that decides which cells are collected, as builtins."""
    return {
        "run_id": run_id,
        "agents": list(settings.agents),
        "strategies": list(settings.strategies),
        "seeds": list(settings.seeds),
        "roles": str(settings.roles.path) if settings.roles is not None else None,
        "validate": settings.validate,
    }


def with_selection(settings: ArenaSettings, selection: dict[str, Any]) -> ArenaSettings:
    """``settings`` collecting the cells of a recorded selection; ValueError/TypeError/KeyError
    for a record that is not one."""
    roles = selection["roles"]
    return replace(
        settings,
        agents=tuple(str(a) for a in selection["agents"]),
        strategies=tuple(str(s) for s in selection["strategies"]),
        seeds=tuple(int(s) for s in selection["seeds"]),
        roles=parse_roles_file(str(roles), "the last run's --arena-roles") if roles else None,
        validate=bool(selection["validate"]),
    )


def _explicit_selection(config: pytest.Config) -> bool:
    """Did the user choose cells on the command line or in the environment? (The ini and the
    defaults are what a bare ``pytest --lf`` gets without asking.)"""
    for opt in OPTIONS:
        if opt.name in SELECTION_OPTIONS and (
            config.getoption(opt.dest) is not None or opt.env in os.environ
        ):
            return True
    return False


def adopt_last_selection(config: pytest.Config, settings: ArenaSettings) -> tuple[ArenaSettings, str | None]:
    """The settings a ``--lf``/``--sw`` session collects with, and a header line when they are the
    last run's rather than this invocation's."""
    flag = rerun_flag(config)
    if flag is None or _explicit_selection(config):
        return settings, None
    assert config.cache is not None
    last = config.cache.get(LAST_RUN_KEY, None)
    if not isinstance(last, dict):
        return settings, None
    try:
        adopted = with_selection(settings, last)
    except (KeyError, TypeError, ValueError):
        return settings, None  # a record of an older plugin version: the guard below still holds
    if selection_of(adopted, "") == selection_of(settings, ""):
        return settings, None
    what = (
        f"agents={','.join(adopted.agents)} strategies={','.join(adopted.strategies)} "
        f"seeds={','.join(map(str, adopted.seeds))}"
        + (f" roles={last['roles']}" if last["roles"] else "")
        + (" validate" if adopted.validate else "")
    )
    return adopted, f"hybridarena: {flag}: the selection of the last run {last.get('run_id')}: {what}"


def remember_selection(config: pytest.Config, settings: ArenaSettings, run_id: str) -> None:
    """Record this run's selection for the next ``--lf``/``--sw`` (controller only; no-op without
    the cacheprovider)."""
    cache = getattr(config, "cache", None)
    if cache is not None and not hasattr(config, "workerinput"):
        cache.set(LAST_RUN_KEY, selection_of(settings, run_id))


def refusal(config: pytest.Config, nodeids: Sequence[str]) -> str | None:
    """Why this ``--lf``/``--sw`` session would re-run every collected cell, or None when pytest
    will narrow it to the recorded failures (or when no cell is collected: not our business)."""
    flag = rerun_flag(config)
    cells = [n for n in nodeids if is_cell_nodeid(n)]
    if flag is None or not cells:
        return None
    assert config.cache is not None
    collected = set(nodeids)
    if flag == "--lf":
        lastfailed = config.cache.get("cache/lastfailed", {})
        if any(n in lastfailed for n in cells):
            return None
        recorded = sorted(n for n in lastfailed if is_cell_nodeid(n))
        if recorded:
            why = (
                f"none of the {len(recorded)} failed cells in pytest's cache (e.g. {recorded[0]}) is "
                "among the collected cells: they come from another selection"
            )
        else:
            why = "pytest's cache records no failed cell: the last run solved every cell, or kept no cache"
        return (
            f"hybridarena: --lf: {why}, so pytest would re-run all {len(cells)} collected cells. "
            "Re-run with the options of the run that failed them, or drop --lf to run this selection."
        )
    info = config.cache.get("cache/stepwise", None)
    info = info if isinstance(info, dict) else {}
    last_failed, count = info.get("last_failed"), info.get("last_test_count")
    if last_failed in collected and (count is None or count == len(nodeids)):
        return None
    if last_failed in collected:
        why = (
            "the selection changed since the step-wise position was saved "
            f"({count} items then, {len(nodeids)} now)"
        )
    elif last_failed:
        why = f"the step-wise position {last_failed} is not among the collected cells"
    else:
        why = "pytest's cache holds no step-wise position (no --sw session stopped at a failed cell)"
    return (
        f"hybridarena: --sw: {why}, so pytest would step through all {len(cells)} collected cells from "
        "the first. Use --sw-reset to start stepping through this selection from its first cell."
    )
