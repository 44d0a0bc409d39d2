"""Collection: a folder holding ``task.toml`` becomes one item per (agent, strategy, seed).

``TaskDirectory`` (pytest's manifest-directory pattern) stops pytest from walking into the task's
own ``workspace/`` and ``tests/``; it yields a ``TaskFile`` for ``task.toml`` so node ids read
``bench_tasks/<class>/<task>/task.toml::<task>[<agent>-<strategy>-s<seed>]`` and ``--lf`` works.
Items are ``pytest.Function`` subclasses built with ``callobj=`` so they get real fixtures.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_hybridarena.cells import Cell, marker_name, parse_spec, plan_cells
from pytest_hybridarena.roles import covering_labels
from pytest_hybridarena.tasks import TASK_FILE, TaskError, TaskSpec, load_task

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

__all__ = ["ArenaItem", "CellOutcome", "TaskDirectory", "TaskFile", "cell_key", "row_key", "spec_key"]

# pytest-timeout's limit on an item = agent budget + scoring budget + this grace.
LAST_RESORT_GRACE_S = 10.0

cell_key = pytest.StashKey[Cell]()
spec_key = pytest.StashKey[TaskSpec]()
row_key = pytest.StashKey[dict[str, Any]]()
_registered_markers_key = pytest.StashKey[set[str]]()


class CellOutcome(Exception):
    """Raised by an item whose cell did not pass; carries the text of the short failure report."""

    def __init__(self, outcome: str, text: str) -> None:
        super().__init__(text)
        self.outcome = outcome
        self.text = text


class TaskDirectory(pytest.Directory):
    """A benchmark task folder. Only ``task.toml`` inside it is collected."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        yield TaskFile.from_parent(self, path=self.path / TASK_FILE)


class TaskFile(pytest.File):
    """``task.toml``: validated here, so a broken task is a collection error of this file only."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        from pytest_hybridarena.plugin import settings_key  # the plugin module imports this one

        try:
            spec = load_task(self.path.parent)
        except TaskError as exc:
            raise self.CollectError(str(exc)) from None
        settings = self.config.stash[settings_key]
        # Marks are built once per task and per name, not per item: at 10,000 cells the per-item
        # lookups through ``pytest.mark`` were a measurable share of collection time.
        marks: dict[str, pytest.MarkDecorator] = {}

        def mark(name: str) -> pytest.MarkDecorator:
            if name not in marks:
                _ensure_marker(self.config, name)
                marks[name] = getattr(pytest.mark, name)
            return marks[name]

        task_marks = [mark("arena"), mark(marker_name(spec.task_class))]
        task_marks += [mark(marker_name(tag)) for tag in spec.tags]
        if self.config.pluginmanager.hasplugin("timeout"):
            # Last resort only: the agent and the suite have their own budgets inside this one.
            task_marks.append(
                pytest.mark.timeout(spec.timeout_s + spec.score_timeout_s + LAST_RESORT_GRACE_S)
            )
        strategies = settings.strategies
        if settings.roles is not None:  # a role sweep: only the candidates of roles covering this task
            covering = covering_labels(settings.roles, spec.task_class, spec.tags)
            strategies = tuple(s for s in strategies if parse_spec(s)[1].get("model") in covering)
        for cell in plan_cells(spec.task_class, spec.id, settings.agents, strategies, settings.seeds):
            item = ArenaItem.from_parent(self, name=cell.item_name, callobj=_run_arena_cell)
            item.stash[cell_key] = cell
            item.stash[spec_key] = spec
            for decorator in (*task_marks, mark(marker_name(cell.agent)), mark(marker_name(cell.strategy))):
                item.add_marker(decorator)
            yield item


def _ensure_marker(config: pytest.Config, name: str) -> None:
    """Register markers that come from task data (classes, tags) as they appear, so
    ``--strict-markers`` stays clean; agents, strategies and ``arena`` are registered at configure."""
    seen = config.stash.setdefault(_registered_markers_key, set())
    if name not in seen:
        seen.add(name)
        config.addinivalue_line("markers", f"{name}: hybridarena cells of task class or tag {name!r}")


# Task tags with a conventional meaning, registered up front so ``-m "not slow"`` is valid under
# ``--strict-markers`` (pytest 9.2 rejects unknown names in -m) even when no task carries the tag.
CONVENTIONAL_TAGS = {
    "demo": "tasks in the quick demo selection (small enough for the embedded models)",
    "slow": "tasks whose acceptance suite takes more than 10 s",
    "easy": "tasks of difficulty easy",
    "medium": "tasks of difficulty medium",
    "hard": "tasks of difficulty hard",
    "visible_tests": "tasks whose workspace ships tests the agent may run",
}


def register_static_markers(config: pytest.Config, agents: Iterable[str], strategies: Iterable[str]) -> None:
    config.addinivalue_line("markers", "arena: a pytest-hybridarena benchmark cell")
    seen = config.stash.setdefault(_registered_markers_key, set())
    seen.add("arena")
    for tag, meaning in CONVENTIONAL_TAGS.items():
        seen.add(tag)
        config.addinivalue_line("markers", f"{tag}: {meaning}")
    for kind, names in (("agent", agents), ("strategy", strategies)):
        for name in names:
            marker = marker_name(name)
            if marker not in seen:
                seen.add(marker)
                config.addinivalue_line("markers", f"{marker}: hybridarena cells run with {kind} {name!r}")


def _run_arena_cell(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    item = request.node
    assert isinstance(item, ArenaItem)
    item.run_cell(request, tmp_path)


class ArenaItem(pytest.Function):
    """One benchmark cell. The work happens in :mod:`pytest_hybridarena.item_run`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # pytest 9.2 builds a structured NodeId; for a name with "[...]" but no parametrize
        # callspec it keeps the bracket inside ``names``, while ids read back from strings
        # (the --lf cache, --deselect) put it in ``params``, so --lf never matched our items.
        # Re-parse our own string form so both agree (older pytest has no ``_id``: nothing to do).
        node_id = getattr(self, "_id", None)
        if node_id is not None and hasattr(type(node_id), "parse"):
            self._id = type(node_id).parse(str(node_id))

    @property
    def cell(self) -> Cell:
        return self.stash[cell_key]

    @property
    def spec(self) -> TaskSpec:
        return self.stash[spec_key]

    def run_cell(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        from pytest_hybridarena.item_run import run_item

        run_item(self, request, tmp_path)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"arena: {self.cell.key}"

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, CellOutcome):
            return excinfo.value.text
        return super().repr_failure(excinfo)
