"""What the ``builtin`` agent shows the model of the workspace: a file list and file contents, within
a character budget.

Selection is deterministic: files the instruction names come first, then the rest smallest first;
each is shown whole while it fits, and what does not fit is summarized by its first lines (the
largest files, in practice). Binary files, symlinks and tool caches are listed but never shown.

Files are shown between ``[file: <path>]`` and ``[end of file: <path>]`` lines, deliberately *not*
in the "path line + fenced block" shape the model must answer in: shown in that shape, small models
copied the whole listing into their answer (Qwen2.5-Coder-0.5B echoed the file list, the path line
and the fence inside its code block in 5 of 40 lost function tasks).
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = [
    "SKIP_DIRS",
    "WorkspaceContext",
    "WorkspaceFile",
    "build_context",
    "fence_for",
    "language_of",
    "named_files",
    "render_file",
    "render_files",
    "scan_workspace",
]

SKIP_DIRS = frozenset(
    {
        ".git",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        ".venv",
        "node_modules",
    }
)
MAX_FILE_BYTES = 1_000_000  # larger files are listed, never read
HEAD_LINES = 60  # at most this many lines of a summarized file
_LANGS = {
    ".py": "python",
    ".md": "markdown",
    ".toml": "toml",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}
_LANGS |= {
    ".cfg": "ini",
    ".ini": "ini",
    ".sh": "bash",
    ".js": "javascript",
    ".ts": "typescript",
    ".csv": "csv",
}


@dataclass(frozen=True)
class WorkspaceFile:
    """One file under the workspace. ``text`` is None for binary, oversized, unreadable or
    symlinked files (a symlink may point outside the workspace: it is never read)."""

    path: str
    size: int
    text: str | None
    note: str = ""

    @property
    def lines(self) -> int:
        return 0 if self.text is None else len(self.text.splitlines())


@dataclass(frozen=True)
class WorkspaceContext:
    """The rendered context, and which text files it shows whole, summarized, or not at all."""

    text: str
    whole: tuple[str, ...]
    summarized: tuple[str, ...]
    omitted: tuple[str, ...]


def _read(path: Path, rel: str) -> WorkspaceFile:
    if path.is_symlink():
        return WorkspaceFile(rel, 0, None, "symlink, not shown")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return WorkspaceFile(rel, size, None, f"{size} bytes, too large to show")
        data = path.read_bytes()
    except OSError as exc:
        return WorkspaceFile(rel, 0, None, f"unreadable: {exc.strerror}")
    if b"\0" in data[:8192]:
        return WorkspaceFile(rel, size, None, f"binary, {size} bytes")
    try:
        return WorkspaceFile(rel, size, data.decode("utf-8").replace("\r\n", "\n"))
    except UnicodeDecodeError:
        return WorkspaceFile(rel, size, None, f"binary, {size} bytes")


def scan_workspace(workspace: Path) -> list[WorkspaceFile]:
    """Every file under ``workspace`` (symlinked directories are not followed), sorted by path."""
    found: list[WorkspaceFile] = []
    for root, dirs, names in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in names:
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(root) / name
            found.append(_read(path, path.relative_to(workspace).as_posix()))
    return sorted(found, key=lambda f: f.path)


def named_files(instruction: str, paths: Iterable[str]) -> list[str]:
    """The paths the instruction mentions, by full path or by basename (``roman.py``), sorted."""
    return sorted(
        p
        for p in paths
        if any(
            re.search(rf"(?<![\w./\-]){re.escape(n)}(?![\w\-]|\.\w)", instruction)
            for n in (p, PurePosixPath(p).name)
        )
    )


#: Extensions of the source files a task may ask the agent to create (``Write a script `report.py```).
SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".sh", ".rb", ".go", ".rs")


def new_files(instruction: str, paths: Iterable[str]) -> list[str]:
    """Source files the instruction names that the workspace lacks (by path or basename), sorted.

    These are files the task asks for: ``Write a script `report.py` (in the workspace root)``.
    Dotted names that are not file names (``json.loads``, ``os.path``) do not count: a name must
    end in one of :data:`SOURCE_SUFFIXES` and stand as a word of its own.
    """
    have = set(paths)
    have |= {PurePosixPath(p).name for p in have}
    found = {
        m.group(1)
        for m in re.finditer(r"(?<![\w./\-])((?:[\w\-]+/)*[\w\-]+(?:\.\w+)*)(?![\w\-]|\.\w)", instruction)
        if m.group(1).endswith(SOURCE_SUFFIXES)
    }
    return sorted(n for n in found if n not in have and PurePosixPath(n).name not in have)


def fence_for(text: str) -> str:
    """A backtick fence longer than any fence line inside ``text`` (at least three)."""
    longest = max((len(m) for m in re.findall(r"^\s*(`{3,})", text, re.M)), default=0)
    return "`" * max(3, longest + 1)


def language_of(path: str) -> str:
    """The fence info string for ``path`` (``python`` for ``.py``), or ``""``."""
    return _LANGS.get(PurePosixPath(path).suffix, "")


def render_file(path: str, text: str) -> str:
    """The content between ``[file: path]`` and ``[end of file: path]`` lines."""
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"[file: {path}]\n{body}[end of file: {path}]"


def _render_head(path: str, text: str, share: int) -> str | None:
    """As many first lines of ``text`` (up to HEAD_LINES) as fit in ``share`` characters, with a
    note of how many were left out; None when not even one line fits."""
    lines = text.splitlines()

    def block(n: int) -> str:
        head = "".join(f"{line}\n" for line in lines[:n])
        title = f"[file: {path}] (first {n} of {len(lines)} lines)"
        return f"{title}\n{head}[… {len(lines) - n} more lines of {path} not shown]"

    best = None
    for n in range(1, min(HEAD_LINES, len(lines)) + 1):
        if len(block(n)) > share:
            break
        best = block(n)
    return best


def _listing(files: list[WorkspaceFile], budget: int) -> str:
    out = [f"Files in the workspace ({len(files)}):"]
    used = len(out[0])
    for i, f in enumerate(files):
        entry = f"- {f.path} ({f.note or f'{f.lines} lines'})"
        tail = f"- … and {len(files) - i} more files"
        if used + len(entry) + len(tail) + 2 > budget:
            out.append(tail)
            break
        out.append(entry)
        used += len(entry) + 1
    return "\n".join(out)


def build_context(
    workspace: Path, instruction: str, budget: int, files: list[WorkspaceFile] | None = None
) -> WorkspaceContext:
    """The workspace as the model sees it, in at most ``budget`` characters.

    The listing takes at most half the budget. Then named files, then the others smallest first,
    are shown whole while they fit; the rest get an equal share of what is left for their first
    lines. Text is joined by blank lines; ``len(result.text) <= budget`` always holds.
    """
    files = scan_workspace(workspace) if files is None else files
    listing = _listing(files, budget // 2)
    left = budget - len(listing)
    texts = {f.path: f.text for f in files if f.text is not None}
    named = named_files(instruction, texts)
    order = named + sorted((p for p in texts if p not in named), key=lambda p: (len(texts[p]), p))
    blocks: dict[str, str] = {}
    for path in order:
        block = render_file(path, texts[path])
        if len(block) + 2 <= left:
            blocks[path] = block
            left -= len(block) + 2
    whole = set(blocks)
    rest = [p for p in order if p not in whole]
    for i, path in enumerate(rest):
        head = _render_head(path, texts[path], left // (len(rest) - i) - 2)
        if head is not None:
            blocks[path] = head
            left -= len(head) + 2
    text = "\n\n".join([listing, *(blocks[p] for p in sorted(blocks))])
    return WorkspaceContext(
        text=text,
        whole=tuple(sorted(whole)),
        summarized=tuple(sorted(set(blocks) - whole)),
        omitted=tuple(sorted(set(texts) - set(blocks))),
    )


def render_files(texts: dict[str, str], budget: int, first: Collection[str] = ()) -> tuple[str, set[str]]:
    """Files for a follow-up message (current content of changed files): whole while they fit
    (``first`` before the others), else their head. Returns the text and the paths shown whole."""
    order = sorted(texts, key=lambda p: (p not in first, len(texts[p]), p))
    left, blocks, whole = budget, {}, set()
    for i, path in enumerate(order):
        block = render_file(path, texts[path])
        if len(block) + 2 > left:
            block = _render_head(path, texts[path], left // (len(order) - i) - 2) or ""
        else:
            whole.add(path)
        if block:
            blocks[path] = block
            left -= len(block) + 2
    return "\n\n".join(blocks[p] for p in sorted(blocks)), whole
