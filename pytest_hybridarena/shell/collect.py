"""Collection: a folder holding ``task.toml`` becomes one item per (agent, strategy, seed).

``TaskDirectory`` (pytest's manifest-directory pattern) stops pytest from walking into the task's
own ``workspace/`` and ``tests/``; it yields a ``TaskFile`` for ``task.toml`` so node ids read
``bench_tasks/<class>/<task>/task.toml::<task>[<agent>-<strategy>-s<seed>]`` and ``--lf`` works.
The items themselves (:class:`~pytest_hybridarena.shell.item.ArenaItem`) live in ``item.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.results.cells import Cell, marker_name, plan_cells
from pytest_hybridarena.router.specs import parse_spec
from pytest_hybridarena.run.tasks import (
    TASK_FILE,
    TaskError,
    TaskSpec,
    check_score_command,
    holds_task_parts,
    is_task_dir,
    load_task,
    looks_like_task,
)
from pytest_hybridarena.shell.item import ArenaItem
from pytest_hybridarena.shell.state import state_key

__all__ = [
    "CONVENTIONAL_TAGS",
    "TaskDirectory",
    "TaskFile",
    "TaskPartDirectory",
    "collect_directory",
    "control_strategy",
    "register_static_markers",
]

# pytest-timeout's limit on an item = agent budget + scoring budget + this grace.
LAST_RESORT_GRACE_S = 10.0

_registered_markers_key = pytest.StashKey[set[str]]()
_task_folders_key = pytest.StashKey[dict[str, Path]]()  # task key -> the folder that defined it
_holds_tasks_key = pytest.StashKey[dict[Path, bool]]()
_task_above_key = pytest.StashKey[dict[Path, Path | None]]()


def collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """``pytest_collect_directory``: a task folder is a :class:`TaskDirectory`, and so is a folder
    that looks like one without ``task.toml`` (its ``task.toml`` is then a collection error). A folder
    inside a task (reached when pytest starts there: ``--rootdir``, ``--confcutdir``) is refused, so a
    hidden suite never runs as plain tests on the host, outside the sandbox."""
    if is_task_dir(path):
        return TaskDirectory.from_parent(parent, path=path)
    config = parent.config
    task = _task_above(config, path)
    if task is not None:
        return TaskPartDirectory.from_parent(parent, path=path, task=task)
    if looks_like_task(path, lambda root: _holds_tasks(config, root)):
        return TaskDirectory.from_parent(parent, path=path)
    return None


def _holds_tasks(config: pytest.Config, root: Path) -> bool:
    """Whether ``root/<class>/<id>/task.toml`` exists (``root`` is a task root), once per root."""
    known = config.stash.setdefault(_holds_tasks_key, {})
    if root not in known:
        known[root] = next(root.glob(f"*/*/{TASK_FILE}"), None) is not None
    return known[root]


def _task_above(config: pytest.Config, path: Path) -> Path | None:
    """The task folder (or look-alike) ``path`` lies in, at any depth; each folder is looked at once
    per session, since pytest asks for every folder it walks."""
    known = config.stash.setdefault(_task_above_key, {})
    parent = path.parent
    if parent == path:
        return None
    if parent not in known:
        is_task = holds_task_parts(parent, lambda root: _holds_tasks(config, root))
        known[parent] = parent if is_task else _task_above(config, parent)
    return known[parent]


class TaskDirectory(pytest.Directory):
    """A benchmark task folder. Only ``task.toml`` inside it is collected."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        yield TaskFile.from_parent(self, path=self.path / TASK_FILE)


class TaskPartDirectory(pytest.Directory):
    """A folder inside a task folder that pytest was asked to collect: always a collection error."""

    def __init__(self, *args: Any, task: Path, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        raise self.CollectError(
            f"{self.path}: is inside the task folder {self.task}, whose suite runs only as arena "
            f"cells (scored in the sandbox); collect the task folder (or a folder above it) instead"
        )


class TaskFile(pytest.File):
    """``task.toml``: validated here, so a broken task is a collection error of this file only."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        settings = self.config.stash[state_key].settings
        try:
            spec = load_task(self.path.parent)
            if settings.sandbox == "process":  # a container has programs of its own
                check_score_command(spec)
        except TaskError as exc:
            raise self.CollectError(str(exc)) from None
        _claim_key(self, spec)
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
            from pytest_hybridarena.promotion.roles import covering_labels

            covering = covering_labels(settings.roles, spec.task_class, spec.tags)
            strategies = tuple(s for s in strategies if parse_spec(s)[1].get("model") in covering)
        for cell in _plan(self.config, spec, settings.agents, strategies, settings.seeds):
            item = ArenaItem.for_cell(self, cell, spec)
            for decorator in (*task_marks, mark(marker_name(cell.agent)), mark(marker_name(cell.strategy))):
                item.add_marker(decorator)
            yield item


CONTROL_STRATEGY = "always-local"


def control_strategy(strategies: Sequence[str]) -> str:
    """The one strategy the cells of a control are crossed with: ``always-local`` when it is
    selected (a control routes no call, and the $0 side names that best), else the first selected
    strategy in sorted order. Deterministic from the settings, so every xdist worker agrees."""
    return CONTROL_STRATEGY if CONTROL_STRATEGY in strategies else sorted(strategies)[0]


def _plan(
    config: pytest.Config,
    spec: TaskSpec,
    agents: Sequence[str],
    strategies: Sequence[str],
    seeds: Sequence[int],
) -> list[Cell]:
    """The task's cells. An agent that calls no model (``uses_llm = False``: the controls
    ``oracle`` and ``nop``) measures the same thing under every routing strategy, so it is crossed
    with :func:`control_strategy` only (docs/agents.md)."""
    from pytest_hybridarena.shell.state import state_key

    cells = plan_cells(spec.task_class, spec.id, agents, strategies, seeds)
    if not strategies:
        return cells
    state = config.stash[state_key]
    controls = {a for a in agents if not getattr(state.agent(a), "uses_llm", True)}
    control = control_strategy(strategies)
    return [c for c in cells if c.agent not in controls or c.strategy == control]


def _claim_key(task_file: TaskFile, spec: TaskSpec) -> None:
    """Two folders must not define the same ``<class>/<id>``: they would share cell keys, so rows,
    artifacts, statistics and resume would mix them. The second one is a collection error."""
    claimed = task_file.config.stash.setdefault(_task_folders_key, {})
    first = claimed.setdefault(spec.key, spec.path.resolve())
    if first != spec.path.resolve():
        raise task_file.CollectError(
            f"{spec.path}: task {spec.key!r} (class/id) is already defined by {first}; give each task "
            "a unique id within its class (the 'id' and 'class' fields of task.toml, or the folder names)"
        )


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
