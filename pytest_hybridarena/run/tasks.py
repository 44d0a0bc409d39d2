"""The task folder contract: ``task.toml`` parsed into a frozen :class:`TaskSpec`.

A task folder is ``bench_tasks/<class>/<task-id>/`` holding ``task.toml``, ``workspace/`` (what the agent
sees), ``tests/`` (the hidden acceptance suite) and ``solution/`` (the reference, overlaid on the
workspace by the ``oracle`` agent). Every problem found here raises :class:`TaskError` naming the
folder, the field and the bad value, so collection can fail for that one task and go on with the rest.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "TASK_FILE",
    "TaskError",
    "TaskSpec",
    "check_score_command",
    "holds_task_parts",
    "load_task",
    "looks_like_task",
    "task_sha",
]

TASK_FILE = "task.toml"
DEFAULT_TIMEOUT_S = 300.0
DEFAULT_SCORE_TIMEOUT_S = 120.0
# Budgets above a day are typos (1e308, inf): pytest-timeout, monotonic deadlines and sleeps overflow.
MAX_TIMEOUT_S = 86400.0
# The parts of a task folder (``looks_like_task`` tells a task without task.toml by them).
TASK_PARTS = ("workspace", "tests", "solution")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_KNOWN_KEYS = {
    "id",
    "class",
    "title",
    "tags",
    "timeout_s",
    "language",
    "instruction",
    "instruction_file",
    "score",
    "mode",
    "artifact",
}
_KNOWN_SCORE_KEYS = {"command", "timeout_s"}
MODES = ("edit", "single-shot")


class TaskError(Exception):
    """A task folder breaks the contract; the message names the folder, the field and the value."""


@dataclass(frozen=True)
class TaskSpec:
    """One benchmark task, as read from its folder.

    ``score_command`` is ``None`` for the default (pytest on ``tests/``, results read from JUnit XML);
    a custom command is an argv list run from the scoring directory, where ``{junit}`` is replaced by
    the path the JUnit XML report must be written to.

    ``mode`` is ``"edit"`` (the agent edits the workspace, as many steps as it likes) or
    ``"single-shot"`` (the task's artifact is generated in one reply; ``artifact`` is then its path,
    relative to the workspace, and the instruction names it). Agents without a single-shot path run
    such a task as an ordinary edit task.
    """

    path: Path
    id: str
    task_class: str
    title: str
    instruction: str
    tags: tuple[str, ...]
    timeout_s: float
    score_timeout_s: float
    language: str
    score_command: tuple[str, ...] | None
    mode: str = "edit"
    artifact: str | None = None

    @property
    def key(self) -> str:
        """``<class>/<id>``: unique across the benchmark, used in cell keys and rows."""
        return f"{self.task_class}/{self.id}"

    @property
    def workspace(self) -> Path:
        return self.path / "workspace"

    @property
    def tests(self) -> Path:
        return self.path / "tests"

    @property
    def solution(self) -> Path:
        return self.path / "solution"


def _fail(folder: Path, field: str, value: object, rule: str) -> TaskError:
    return TaskError(f"{folder / TASK_FILE}: field {field!r} = {value!r}: {rule}")


def _positive_number(folder: Path, field: str, value: object) -> float:
    """A budget in seconds: finite, > 0 and at most :data:`MAX_TIMEOUT_S` (TOML allows inf and nan)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value <= MAX_TIMEOUT_S
    ):
        rule = f"must be a positive number of seconds, at most {MAX_TIMEOUT_S:g} (one day)"
        raise _fail(folder, field, value, rule)
    return float(value)


def _name(folder: Path, field: str, value: object) -> str:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise _fail(folder, field, value, "must be a name of letters, digits, '_', '-' or '.'")
    return value


def load_task(folder: Path) -> TaskSpec:
    """Read and validate ``folder/task.toml``; raise :class:`TaskError` on any contract breach."""
    toml_path = folder / TASK_FILE
    if not toml_path.exists():
        has = "/, ".join(_parts(folder))
        raise TaskError(
            f"{folder}: looks like a task folder{f' (it has {has}/)' if has else ''} but has no "
            f"{TASK_FILE}: add one (docs/writing-tasks.md) or move the folder out of the task root; "
            "its tests are not run as plain tests"
        )
    try:
        data: dict[str, Any] = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TaskError(f"{toml_path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskError(f"{toml_path}: cannot be read: {exc}") from None

    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise _fail(folder, unknown[0], data[unknown[0]], f"unknown field; known: {sorted(_KNOWN_KEYS)}")

    task_id = _name(folder, "id", data.get("id", folder.name))
    task_class = _name(folder, "class", data.get("class", folder.parent.name))
    title = data.get("title", task_id)
    if not isinstance(title, str):
        raise _fail(folder, "title", title, "must be a string")
    language = data.get("language", "python")
    if not isinstance(language, str):
        raise _fail(folder, "language", language, "must be a string")

    tags = data.get("tags", [])
    if not isinstance(tags, list):
        raise _fail(folder, "tags", tags, "must be a list of strings")
    for tag in tags:
        if not isinstance(tag, str) or not _TAG_RE.match(tag):
            raise _fail(folder, "tags", tag, "each tag must match [A-Za-z][A-Za-z0-9_-]*")

    instruction = _read_instruction(folder, data)
    timeout_s = _positive_number(folder, "timeout_s", data.get("timeout_s", DEFAULT_TIMEOUT_S))

    score = data.get("score", {})
    if not isinstance(score, dict):
        raise _fail(folder, "score", score, "must be a table ([score])")
    unknown = sorted(set(score) - _KNOWN_SCORE_KEYS)
    if unknown:
        raise _fail(
            folder, f"score.{unknown[0]}", score[unknown[0]], f"unknown; known: {sorted(_KNOWN_SCORE_KEYS)}"
        )
    score_timeout_s = _positive_number(
        folder, "score.timeout_s", score.get("timeout_s", DEFAULT_SCORE_TIMEOUT_S)
    )
    command = score.get("command")
    if command is not None and (
        not isinstance(command, list) or not command or not all(isinstance(a, str) for a in command)
    ):
        raise _fail(folder, "score.command", command, "must be a non-empty list of strings (an argv)")

    for sub in ("workspace", "tests"):
        if not (folder / sub).is_dir():
            raise TaskError(f"{folder}: missing folder {sub}/ (required by the task contract)")
    mode, artifact = _mode_and_artifact(folder, data, instruction)

    return TaskSpec(
        path=folder,
        id=task_id,
        task_class=task_class,
        title=title,
        instruction=instruction,
        tags=tuple(tags),
        timeout_s=timeout_s,
        score_timeout_s=score_timeout_s,
        language=language,
        score_command=tuple(command) if command else None,
        mode=mode,
        artifact=artifact,
    )


def _mode_and_artifact(folder: Path, data: dict[str, Any], instruction: str) -> tuple[str, str | None]:
    """``mode`` and, for a single-shot task, its ``artifact``: a relative path inside the workspace
    that the instruction names (every agent, single-shot or not, must know where to write)."""
    mode = data.get("mode", "edit")
    if mode not in MODES:
        raise _fail(folder, "mode", mode, f"must be one of {list(MODES)}")
    artifact = data.get("artifact")
    if mode == "edit":
        if artifact is not None:
            rule = "only a single-shot task has one; add mode = 'single-shot'"
            raise _fail(folder, "artifact", artifact, rule)
        return mode, None
    if artifact is None:
        raise _fail(folder, "artifact", None, "a single-shot task must name the file its reply becomes")
    parts = Path(artifact).parts if isinstance(artifact, str) else ()
    if (
        not parts
        or Path(artifact).is_absolute()
        or ".." in parts
        or parts[0] in ("tests", ".git")
        or artifact.endswith(("/", "\\"))
    ):
        rule = "must be a file path relative to the workspace (no '..', not under tests/)"
        raise _fail(folder, "artifact", artifact, rule)
    path = Path(artifact).as_posix()  # "./bin/p.py" → "bin/p.py"
    if path not in instruction:
        raise _fail(folder, "artifact", artifact, f"the instruction must name the artifact file ({path})")
    return mode, path


def _read_instruction(folder: Path, data: dict[str, Any]) -> str:
    inline, file_name = data.get("instruction"), data.get("instruction_file")
    if inline is not None and file_name is not None:
        raise _fail(
            folder, "instruction_file", file_name, "give 'instruction' or 'instruction_file', not both"
        )
    if file_name is not None:
        if not isinstance(file_name, str) or Path(file_name).is_absolute() or ".." in Path(file_name).parts:
            raise _fail(folder, "instruction_file", file_name, "must be a file name inside the task folder")
        try:
            inline = (folder / file_name).read_text(encoding="utf-8")
        except OSError as exc:
            raise _fail(folder, "instruction_file", file_name, f"cannot be read ({exc.strerror})") from None
        field = "instruction_file"
    else:
        field = "instruction"
    if not isinstance(inline, str) or not inline.strip():
        raise _fail(folder, field, inline, "the task needs a non-empty instruction")
    return inline.strip() + "\n"


def task_sha(folder: Path) -> str:
    """SHA-256 over every file of the task folder (relative path and bytes), in sorted order.

    A row stores it so that a result can be matched to the exact task version that produced it.
    """
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    )
    for file in files:
        digest.update(file.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def is_task_dir(path: Path) -> bool:
    """True for a folder that holds a ``task.toml`` (what collection turns into items)."""
    return os.path.isfile(path / TASK_FILE)


def _parts(folder: Path) -> list[str]:
    """The task parts (``workspace/``, ``tests/``, ``solution/``) present in ``folder``, as folders
    that are not tasks themselves (a task may be called ``tests``)."""
    return [name for name in TASK_PARTS if (folder / name).is_dir() and not is_task_dir(folder / name)]


def looks_like_task(folder: Path, holds_tasks: Callable[[Path], bool]) -> bool:
    """True for a folder without ``task.toml`` that is a task folder all the same: it has a
    ``workspace/`` or ``tests/`` and sits two levels below a folder that holds tasks
    (``<root>/<class>/<id>``, like its neighbours), or it has all of ``workspace/``, ``tests/`` and
    ``solution/``. Collecting it as plain tests would run a hidden suite on the host, outside the
    sandbox.

    ``holds_tasks(root)`` says whether ``root/*/*/task.toml`` exists (the caller caches it). An
    ordinary project folder with a ``tests/`` (or a ``workspace/``) is not a task.
    """
    if is_task_dir(folder):
        return False
    parts = _parts(folder)
    if not {"workspace", "tests"} & set(parts):
        return False
    root = folder.parent.parent
    among_tasks = root != folder.parent and root.parent != root and holds_tasks(root)  # never "/"
    return len(parts) == len(TASK_PARTS) or among_tasks


def holds_task_parts(folder: Path, holds_tasks: Callable[[Path], bool]) -> bool:
    """True for a task folder (with its parts) or a look-alike: pytest must never collect a folder
    below it (its ``workspace/``, ``tests/``, ``solution/``) as plain tests."""
    if is_task_dir(folder):
        return bool(_parts(folder))
    return looks_like_task(folder, holds_tasks)


def check_score_command(spec: TaskSpec) -> None:
    """Raise :class:`TaskError` when the task's custom score command cannot start on this host (for
    the process sandbox; a container has programs of its own).

    ``{python}`` always exists; an absolute path must be an executable file and a bare name must be
    on ``PATH``. A relative path (``./run.sh``) may come from the agent's workspace: the runner checks
    it before scoring, and a command that cannot start there is an ``error`` row naming it.
    """
    if spec.score_command is None or spec.score_command[0] == "{python}":
        return
    exe, problem = spec.score_command[0], None
    if os.path.isabs(exe):
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            problem = f"its program {exe!r} does not exist or is not executable on this machine"
    elif "/" not in exe and os.sep not in exe and shutil.which(exe) is None:
        problem = f"its program {exe!r} is not on PATH on this machine"
    if problem is not None:
        raise _fail(spec.path, "score.command", list(spec.score_command), problem)
