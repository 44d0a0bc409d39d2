"""Routing roles and their candidate models: the roles file, and the sweep that measures them.

A role (``draft``, ``reason``, ``review``, ``coder``…) covers some task classes and/or tags and is held
by one *incumbent* model, with *challengers* waiting for the evidence to replace it
(:mod:`pytest_hybridarena.promotion.promote`). Every model of the file declares its ``family`` (so a role is
never served by a single vendor's models) and its ``cost_tier``. The format is in
``docs/promotion.md``; every problem raises :class:`RolesError` naming the file, the role or model,
the field and the value.

Rows carry the local backend's *label* (``scheme:model``, no URL or parameters), so a spec is matched
to rows through :func:`model_label`, and two specs of one file may not share a label.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from pytest_hybridarena.router.specs import parse_backend_spec
from pytest_hybridarena.run.catalog import find_tasks
from pytest_hybridarena.run.tasks import TaskError, load_task

__all__ = [
    "COST_TIERS",
    "ROLES_FILE",
    "ROLE_STRATEGY",
    "ModelInfo",
    "Role",
    "RoleCell",
    "Roles",
    "RolesError",
    "TaskInfo",
    "covering_labels",
    "load_catalog",
    "load_roles",
    "model_label",
    "parse_roles",
    "plan_role_sweep",
    "reference_lines",
    "task_info",
]

ROLES_FILE = "roles.toml"
ROLE_STRATEGY = "always-local"  # the candidate is the local side and answers every call
CostTier = Literal["free", "paid"]
COST_TIERS: tuple[CostTier, ...] = ("free", "paid")  # cheapest first: the order is the rank
_ROLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TOP_KEYS = {"tasks", "roles", "models"}
_ROLE_KEYS = {"classes", "tags", "incumbent", "challengers"}
_MODEL_KEYS = {"family", "cost_tier"}
_PATCH_SUFFIXES = (".patch", ".diff")


class RolesError(ValueError):
    """The roles file breaks the format; the message names the file, the entry, the field and the value."""


class TaskLike(Protocol):
    """What planning needs of a task: :class:`.TaskSpec` and :class:`TaskInfo` fit."""

    @property
    def key(self) -> str: ...
    @property
    def task_class(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class ModelInfo:
    spec: str  # as written in the roles file (may carry a URL or parameters)
    family: str
    cost_tier: CostTier

    @property
    def label(self) -> str:
        return model_label(self.spec)


@dataclass(frozen=True)
class Role:
    name: str
    classes: tuple[str, ...]  # "*" covers every class
    tags: tuple[str, ...]
    incumbent: str
    challengers: tuple[str, ...]

    @property
    def candidates(self) -> tuple[str, ...]:
        return (self.incumbent, *self.challengers)

    def covers(self, task_class: str, tags: Iterable[str] = ()) -> bool:
        """A task belongs to the role when its class is listed (or ``*`` is) or it has a listed tag."""
        return "*" in self.classes or task_class in self.classes or not set(self.tags).isdisjoint(tags)


@dataclass(frozen=True)
class Roles:
    path: Path
    roles: Mapping[str, Role]
    models: Mapping[str, ModelInfo]
    tasks: Path | None = None  # task root for tags and reference-solution sizes (``tasks = "..."``)

    def by_label(self, label: str | None) -> ModelInfo | None:
        return next((m for m in self.models.values() if m.label == label), None)


@dataclass(frozen=True)
class TaskInfo:
    """A task as promotion sees it: tags (rows do not carry them) and its reference diff size."""

    key: str
    task_class: str
    tags: tuple[str, ...] = ()
    reference_lines: int | None = None  # lines added + removed by the reference solution

    @property
    def task_id(self) -> str:
        return self.key.partition("/")[2]


@dataclass(frozen=True, order=True)
class RoleCell:
    """One (model, task) combination of a role sweep: run ``task_key`` with ``model`` as the local
    backend and strategy :data:`ROLE_STRATEGY`. ``roles`` lists every role the pair measures (a model
    that is a candidate of two roles covering one task runs it once; promotion reads that row for both)."""

    model: str
    task_key: str
    task_class: str
    task_id: str
    roles: tuple[str, ...]

    @property
    def label(self) -> str:
        return model_label(self.model)

    @property
    def strategy(self) -> str:
        return ROLE_STRATEGY


def model_label(spec: str) -> str:
    """``ollama:qwen2.5-coder:7b@http://host:11434`` → ``ollama:qwen2.5-coder:7b``: what rows record."""
    parsed = parse_backend_spec(spec)
    return f"{parsed.scheme}:{parsed.model}"


def _err(path: Path, where: str, field: str, value: object, rule: str) -> RolesError:
    return RolesError(f"{path}: {where}: field {field!r} = {value!r}: {rule}")


def _strings(path: Path, where: str, field: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(path, where, field, value, "must be a list of non-empty strings")
    if len(set(value)) != len(value):
        raise _err(path, where, field, value, "lists a name twice")
    return tuple(value)


def _model(path: Path, spec: str, data: object) -> ModelInfo:
    where = f"model {spec!r}"
    try:
        model_label(spec)
    except ValueError as exc:
        raise RolesError(f"{path}: {where}: {exc}") from None
    if not isinstance(data, dict):
        raise _err(path, where, "models", data, f'must be a table ([models."{spec}"])')
    unknown = sorted(set(data) - _MODEL_KEYS)
    if unknown:
        raise _err(path, where, unknown[0], data[unknown[0]], f"unknown field; known: {sorted(_MODEL_KEYS)}")
    family = data.get("family")
    if not isinstance(family, str) or not family.strip():
        raise _err(path, where, "family", family, "must name the model family, e.g. 'alibaba-qwen'")
    tier = data.get("cost_tier")
    if tier not in COST_TIERS:
        raise _err(path, where, "cost_tier", tier, f"must be one of {list(COST_TIERS)}")
    return ModelInfo(spec, family.strip(), "free" if tier == "free" else "paid")


def _role(path: Path, name: str, data: object, models: Mapping[str, ModelInfo]) -> Role:
    where = f"role {name!r}"
    if not _ROLE_NAME.match(name):
        raise _err(path, where, "roles", name, "a role name must match [A-Za-z][A-Za-z0-9_-]*")
    if not isinstance(data, dict):
        raise _err(path, where, "roles", data, f"must be a table ([roles.{name}])")
    unknown = sorted(set(data) - _ROLE_KEYS)
    if unknown:
        raise _err(path, where, unknown[0], data[unknown[0]], f"unknown field; known: {sorted(_ROLE_KEYS)}")
    classes = _strings(path, where, "classes", data.get("classes", []))
    tags = _strings(path, where, "tags", data.get("tags", []))
    if not classes and not tags:
        raise _err(path, where, "classes", [], "a role must cover some tasks: give classes and/or tags")
    incumbent = data.get("incumbent")
    if not isinstance(incumbent, str) or incumbent not in models:
        rule = f'must be a model declared as [models."<spec>"]; declared: {sorted(models)}'
        raise _err(path, where, "incumbent", incumbent, rule)
    challengers = _strings(path, where, "challengers", data.get("challengers", []))
    for spec in challengers:
        if spec not in models:
            raise _err(path, where, "challengers", spec, f"not declared as [models.{spec!r}]; add it")
        if spec == incumbent:
            raise _err(path, where, "challengers", spec, "is the incumbent; a model cannot challenge itself")
    return Role(name, classes, tags, incumbent, challengers)


def parse_roles(data: Mapping[str, Any], path: Path) -> Roles:
    """Validate a parsed roles file; ``path`` names it in errors and anchors a relative ``tasks``."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        known = sorted(_TOP_KEYS)
        raise _err(path, "top level", unknown[0], data[unknown[0]], f"unknown key; known: {known}")
    raw_models = data.get("models", {})
    if not isinstance(raw_models, dict):
        raise _err(path, "top level", "models", raw_models, 'must be tables [models."<backend spec>"]')
    models = {spec: _model(path, spec, entry) for spec, entry in sorted(raw_models.items())}
    seen: dict[str, str] = {}
    for spec, info in models.items():
        if info.label in seen:
            rule = (
                f"has the label {info.label!r} of model {seen[info.label]!r}; rows record only the "
                "label, so they could not be told apart"
            )
            raise _err(path, f"model {spec!r}", "models", spec, rule)
        seen[info.label] = spec
    raw_roles = data.get("roles")
    if not isinstance(raw_roles, dict) or not raw_roles:
        raise _err(path, "top level", "roles", raw_roles, "must hold at least one [roles.<name>] table")
    roles = {name: _role(path, name, entry, models) for name, entry in sorted(raw_roles.items())}
    tasks = data.get("tasks")
    if tasks is not None and (not isinstance(tasks, str) or not tasks):
        raise _err(path, "top level", "tasks", tasks, "must be a folder path (relative to the roles file)")
    return Roles(path, roles, models, (path.parent / tasks) if tasks else None)


def load_roles(path: str | Path = ROLES_FILE) -> Roles:
    """Read and validate a roles file; :class:`RolesError` on anything wrong, naming the file."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RolesError(f"{file}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RolesError(f"{file}: cannot be read ({exc}); pass the roles file with --roles") from None
    return parse_roles(data, file)


def covering_labels(roles: Roles, task_class: str, tags: Iterable[str]) -> set[str]:
    """Labels of every candidate model of every role that covers a task of this class and tags."""
    tags = tuple(tags)
    return {
        roles.models[spec].label
        for role in roles.roles.values()
        if role.covers(task_class, tags)
        for spec in role.candidates
    }


def plan_role_sweep(roles: Roles, tasks: Iterable[TaskLike]) -> list[RoleCell]:
    """Every (candidate model, covered task) pair of every role, one cell each, sorted by model then task.

    A task is covered by a role when :meth:`Role.covers` says so; a model that is a candidate of
    several roles covering the same task gets one cell listing all of them. Agents and seeds are the
    session's (``--arena-agents``, ``--arena-seeds``); the local side of the cell is ``cell.model``
    and the strategy :data:`ROLE_STRATEGY`.
    """
    pairs: dict[tuple[str, str], tuple[TaskLike, set[str]]] = {}
    for task in tasks:
        for role in roles.roles.values():
            if role.covers(task.task_class, task.tags):
                for spec in role.candidates:
                    pairs.setdefault((spec, task.key), (task, set()))[1].add(role.name)
    return sorted(
        RoleCell(spec, key, task.task_class, key.partition("/")[2], tuple(sorted(names)))
        for (spec, key), (task, names) in pairs.items()
    )


def _changed(old: list[str], new: list[str]) -> int:
    return sum(
        1
        for line in difflib.unified_diff(old, new, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def reference_lines(task_path: Path) -> int | None:
    """Lines added + removed by the task's reference solution (``solution/`` over ``workspace/``).

    Top-level ``*.patch``/``*.diff`` files count their ``+``/``-`` lines; every other solution file
    is diffed against the workspace file it replaces (a new file counts all its lines). None when
    the task has no ``solution/``.
    """
    solution, workspace = task_path / "solution", task_path / "workspace"
    if not solution.is_dir():
        return None
    total = 0
    for src in sorted(solution.rglob("*")):
        if not src.is_file() or "__pycache__" in src.parts:
            continue
        text = src.read_text(encoding="utf-8", errors="replace").splitlines()
        if src.parent == solution and src.suffix in _PATCH_SUFFIXES:
            total += sum(1 for line in text if line[:1] in "+-" and not line.startswith(("+++", "---")))
            continue
        target = workspace / src.relative_to(solution)
        old = target.read_text(encoding="utf-8", errors="replace").splitlines() if target.is_file() else []
        total += _changed(old, text)
    return total


def task_info(spec: TaskLike) -> TaskInfo:
    """A :class:`TaskInfo` from a task spec (its ``path`` gives the reference diff size, if it has one)."""
    path = getattr(spec, "path", None)
    ref = reference_lines(path) if isinstance(path, Path) else getattr(spec, "reference_lines", None)
    return TaskInfo(spec.key, spec.task_class, tuple(spec.tags), ref)


def load_catalog(root: Path) -> dict[str, TaskInfo]:
    """Every valid task under ``root`` by key (invalid folders are left out: collection reports them)."""
    catalog: dict[str, TaskInfo] = {}
    for folder in find_tasks(root):
        try:
            info = task_info(load_task(folder))
        except TaskError:
            continue
        catalog[info.key] = info
    return catalog
