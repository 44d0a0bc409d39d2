"""The ``builtin`` agent's edit format: parse a model's reply into edits, apply them to the workspace.

Two kinds of block are understood (the system prompt in ``builtin.py`` asks for exactly these):

* **whole file** — a path line (``calc.py``, ``### calc.py``, ``File: `calc.py```, …) followed by a
  fenced code block holding the complete new content;
* **search/replace** (aider's format) — a path line, then a fence holding one or more
  ``<<<<<<< SEARCH`` / ``=======`` / ``>>>>>>> REPLACE`` sections (fenceless sections are accepted).

Small models are sloppy, so parsing is lenient where the intent is unambiguous (language tags or a
path in the fence's info string, CRLF, indented fences, a missing path when the workspace or the
instruction names exactly one file, SEARCH text differing in trailing whitespace or indentation)
and strict where a guess could destroy work: a block that is malformed is reported as a
:class:`Problem` and nothing of it is applied. Parsing never raises.

Applying is confined to the workspace: absolute paths, ``..``, ``.git`` and symlinks that resolve
outside it are rejected (:func:`resolve_in_workspace`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .builtin_python import defines_code, is_python, merge, salvage

__all__ = [
    "Edit",
    "Outcome",
    "Parsed",
    "Problem",
    "SearchReplace",
    "UnsafePath",
    "WholeFile",
    "apply_edits",
    "artifact_block",
    "parse_edits",
    "resolve_in_workspace",
]


@dataclass(frozen=True)
class WholeFile:
    """Replace (or create) ``path`` with ``content``. ``line`` is where the block starts in the reply."""

    path: str
    content: str
    line: int = 0


@dataclass(frozen=True)
class SearchReplace:
    """Replace the first occurrence of ``search`` in ``path`` by ``replace``. Both are whole lines,
    each ending in ``\\n`` (``""`` for none). An empty ``search`` creates the file, or appends to it."""

    path: str
    search: str
    replace: str
    line: int = 0


Edit = WholeFile | SearchReplace


@dataclass(frozen=True)
class Problem:
    """A block that was not understood; nothing of it is applied."""

    line: int
    reason: str


@dataclass(frozen=True)
class Parsed:
    """The edits to apply, the blocks refused, and notes on blocks left out on purpose (for the
    transcript: they are not problems the model must fix)."""

    edits: tuple[Edit, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What applying one edit did. ``message`` says how it matched, or why it was rejected."""

    edit: Edit
    applied: bool
    message: str


class UnsafePath(ValueError):
    """A path an edit must not write: outside the workspace, absolute, ``..``, ``.git``."""


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_SEARCH = re.compile(r"^\s*<{5,9}\s*SEARCH\b")
_DIVIDER = re.compile(r"^\s*={5,9}\s*$")
_REPLACE = re.compile(r"^\s*>{5,9}\s*REPLACE\b")
_PATH = re.compile(r"[\w.\-/\\]*[\w\-]\.[A-Za-z]\w*|[\w.\-]+/[\w.\-/]*[\w\-]")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_LABEL = re.compile(r"^(?:file ?name|file|path)\s*:\s*|^[A-Za-z][\w ]{0,30}:\s+", re.IGNORECASE)
# An instruction in angle brackets on a line of its own, copied from a prompt's example block.
_TEMPLATE = re.compile(r"^\s*<[A-Za-z][A-Za-z ,'\-]*\s[A-Za-z ,'\-]*>\s*$")
_NON_EDIT_LANGS = frozenset({"bash", "sh", "shell", "console", "text", "txt", "output", "plaintext", "pycon"})
# A whole-file block that abbreviates what it keeps ("# ... existing code ...") would delete it.
_ELIDED = re.compile(
    r"^\s*(?:#|//|/\*|<!--).*(?:\.\.\.|…).*\b(?:existing|rest of|remaining|unchanged|previous)\b", re.I
)


#: The example path of the system prompt; models sometimes copy it in front of a real path.
PLACEHOLDER_PREFIX = "path/to/"


def path_of_line(line: str, files: Collection[str] = ()) -> str | None:
    """The path a line names when the line is nothing but a path (in markdown dress), else None.

    ``calc.py``, ``### calc.py``, ``**calc.py**``, ``File: `src/calc.py```, ``- calc.py:`` all give
    ``calc.py`` / ``src/calc.py``. A path needs an extension or a ``/`` (``e.g.`` and ``1.5`` are
    not paths), unless it is one of ``files`` (``Makefile``).
    """
    text = line.strip()
    previous = None
    while text != previous:
        previous = text
        text = text.lstrip("#").strip()
        text = _LIST_ITEM.sub("", text)
        text = _LABEL.sub("", text)
        text = text.rstrip(":").strip()
        if len(text) > 2 and text.startswith("[") and text.endswith("]"):  # the prompt's [file: x]
            text = text[1:-1].strip()
        for wrap in ("**", "__", "`", '"', "'", "*"):
            if len(text) > 2 * len(wrap) and text.startswith(wrap) and text.endswith(wrap):
                text = text[len(wrap) : -len(wrap)].strip()
    return text if _PATH.fullmatch(text) or text in files else None


def _mentioned_path(line: str, files: Collection[str]) -> str | None:
    """The one workspace file a prose line mentions ("Here is the fixed `calc.py`:"), by its path or
    by a basename no other file shares."""
    basenames = [PurePosixPath(f).name for f in files]
    hits = set()
    for f in files:
        names = [f] + ([PurePosixPath(f).name] if basenames.count(PurePosixPath(f).name) == 1 else [])
        if any(re.search(rf"(?<![\w./\-]){re.escape(n)}(?![\w\-]|\.\w)", line) for n in names):
            hits.add(f)
    return hits.pop() if len(hits) == 1 else None


def _info_path(info: str) -> str | None:
    for token in re.split(r"[\s:=]+", info.strip()):
        path = path_of_line(token) if token else None
        if path:
            return path
    return None


def _text(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _search_replace(body: list[str], path: str | None, start: int) -> list[SearchReplace] | Problem:
    """The SEARCH/REPLACE sections in ``body`` (lines of one block), or the Problem that voids them."""
    edits: list[SearchReplace] = []
    i = 0
    while i < len(body):
        if not _SEARCH.match(body[i]):
            i += 1
            continue
        at = start + i
        divider = next((j for j in range(i + 1, len(body)) if _DIVIDER.match(body[j])), None)
        end = next((j for j in range(divider or i, len(body)) if _REPLACE.match(body[j])), None)
        nested = divider is not None and any(_SEARCH.match(x) for x in body[i + 1 : divider])
        if divider is None or end is None or nested:
            return Problem(at, "SEARCH section without its ======= and >>>>>>> REPLACE lines")
        if path is None:
            return Problem(at, "SEARCH/REPLACE block without a file path before it")
        edits.append(SearchReplace(path, _text(body[i + 1 : divider]), _text(body[divider + 1 : end]), at))
        i = end + 1
    return edits


def _closing(lines: list[str], start: int, marker: str) -> int | None:
    """Index of the line closing a fence opened with ``marker`` (same character, at least as long,
    no info string), searching from ``start``."""
    closer = re.compile(rf"\s*{re.escape(marker[0])}{{{len(marker)},}}\s*")
    return next((j for j in range(start, len(lines)) if closer.fullmatch(lines[j])), None)


def parse_edits(text: str, files: Collection[str] = (), default_path: str | None = None) -> Parsed:
    """Find the edit blocks in a model reply. ``files`` are the workspace's paths (they let a prose
    line such as "Here is `calc.py`:" name the block after it); ``default_path`` is used for a
    path-less block when it is the reply's only one (the workspace or the instruction names one file).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    edits: list[Edit] = []
    problems: list[Problem] = []
    pathless: list[tuple[int, list[str]]] = []
    pending: str | None = None  # the path named since the last block

    def add(found: list[SearchReplace] | Problem) -> None:
        if isinstance(found, Problem):
            problems.append(found)
        else:
            edits.extend(found)

    i = 0
    while i < len(lines):
        line, at = lines[i], i + 1
        fence = _FENCE.match(line)
        if _SEARCH.match(line):  # SEARCH/REPLACE without a fence around it
            end = next((j for j in range(i + 1, len(lines)) if _REPLACE.match(lines[j])), len(lines) - 1)
            add(_search_replace(lines[i : end + 1], pending, at))
            pending, i = None, end + 1
            continue
        if fence is None:
            pending = path_of_line(line, files) or _mentioned_path(line, files) or pending
            i += 1
            continue
        close = _closing(lines, i + 1, fence["fence"])
        if close is None:
            problems.append(Problem(at, "code fence opened here is never closed (reply cut off?)"))
            break
        indent = len(fence["indent"])
        body = [b[min(indent, len(b) - len(b.lstrip())) :] for b in lines[i + 1 : close]]
        info = fence["info"].strip()
        lang = (info.split() or [""])[0].lower()
        path = _info_path(info) or pending
        if any(_SEARCH.match(b) for b in body):
            first = next((b for b in body if b.strip()), "")
            inner = None if _SEARCH.match(first) else path_of_line(first, files)  # aider's diff-fenced
            add(_search_replace(body, inner or path, at + 1))
        elif lang in ("diff", "patch") or (body and body[0].startswith("--- ")):
            problems.append(Problem(at, "unified diffs are not supported: use a SEARCH/REPLACE block"))
        elif path is not None:
            edits.append(WholeFile(path, _text(body), at))
        elif lang not in _NON_EDIT_LANGS:  # those show a command or its output, not a file
            pathless.append((at, body))
        pending, i = None, close + 1
    edits = [dataclasses.replace(e, path=_placeholder_path(e.path, files)) for e in edits]
    notes: list[str] = []
    kept: list[Edit] = []
    for edit in edits:
        if (
            isinstance(edit, WholeFile)
            and edit.path.startswith(PLACEHOLDER_PREFIX)
            and edit.path not in files
        ):
            pathless.append((edit.line, _split(edit.content)))  # the prompt's example path: no path at all
            continue
        checked = _check(edit)
        if isinstance(checked, Problem):
            problems.append(checked)
        else:
            kept.append(checked)
            if checked is not edit:
                notes.append(
                    f"reply line {edit.line}: kept the Python code inside the block, left out the rest"
                )
    edits = kept
    if pathless and default_path is not None:
        found, note = _pathless_edit(sorted(pathless), default_path, edits, len(pathless) + len(edits))
        if found is not None:
            edits.append(found)
        if note:
            notes.append(note)
        if found is not None or note:
            pathless = []
    problems.extend(Problem(at, "code block without a file path before it") for at, _ in pathless)
    edits.sort(key=lambda e: e.line)
    return Parsed(tuple(edits), tuple(sorted(problems, key=lambda p: p.line)), tuple(notes))


def _template_line(text: str) -> int | None:
    """Index of the first line that is template text such as ``<the complete new content of the
    file>`` (an instruction in angle brackets, copied from a prompt), or None."""
    return next((i for i, line in enumerate(text.split("\n")) if _TEMPLATE.match(line)), None)


def _check(edit: Edit) -> Edit | Problem:
    """An edit as it may be applied, or the Problem that refuses it: template text instead of
    code; a whole-file block for a Python file that is not Python (salvaged when the code sits
    inside an echo of the prompt)."""
    texts = [edit.content] if isinstance(edit, WholeFile) else [edit.search, edit.replace]
    for text in texts:
        bad = _template_line(text)
        if bad is not None:
            line = text.split("\n")[bad].strip()
            return Problem(edit.line, f"the block holds template text, not code: {line[:60]!r}")
    if isinstance(edit, WholeFile) and is_python(edit.path):
        code = salvage(edit.content)
        if code is None:
            return Problem(
                edit.line, f"the block for {edit.path} is not valid Python: {_syntax_error(edit.content)}"
            )
        if code != edit.content:
            return dataclasses.replace(edit, content=code)
    return edit


def _syntax_error(text: str) -> str:
    try:
        compile(text, "<block>", "exec")
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'msg', exc)} (block line {getattr(exc, 'lineno', '?')})"
    return "it does not parse"


def _pathless_edit(
    pathless: list[tuple[int, list[str]]], default: str, edits: list[Edit], blocks: int
) -> tuple[WholeFile | None, str | None]:
    """The edit the reply's path-less code blocks make to ``default``, and a note for the
    transcript. A labelled block for the same file always wins. For a Python file, the longest
    block that is Python and defines a function or class is the file (sample output, a usage
    example or template text are not; other Python only when it is the reply's only block); for
    any other file, the block must be the reply's only one."""
    if any(e.path == default for e in edits):
        return None, f"{len(pathless)} code block(s) without a path left out: a block names {default}"
    if is_python(default):
        found = []
        for at, body in pathless:
            text = _text(body)
            code = None if _template_line(text) is not None else salvage(text)
            if code is not None and (defines_code(code) or blocks == 1):
                found.append((len(code), -at, at, code))
        if not found:
            return None, None
        _, _, at, code = max(found)
        left = len(pathless) - 1
        note = f"{left} other code block(s) without a path left out" if left else None
        return WholeFile(default, code, at), note
    if blocks == 1:
        at, body = pathless[0]
        return WholeFile(default, _text(body), at), None
    return None, None


def artifact_block(text: str) -> tuple[str, int] | Problem:
    """A single-shot reply's file: the content of its longest closed fenced code block that is not a
    command or its output (``bash``, ``console``, …), and the reply line where it starts.

    Longest, because models put a usage example before or after the program. A fence that is never
    closed (a reply cut off by ``max_tokens``) is not a file: with no other block it is a
    :class:`Problem`, as is a reply without any code block.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    best: tuple[str, int] | None = None
    i, cut = 0, None
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        close = _closing(lines, i + 1, fence["fence"])
        if close is None:
            cut = i + 1
            break
        indent = len(fence["indent"])
        body = [b[min(indent, len(b) - len(b.lstrip())) :] for b in lines[i + 1 : close]]
        lang = (fence["info"].strip().split() or [""])[0].lower()
        if lang not in _NON_EDIT_LANGS and (best is None or len(_text(body)) > len(best[0])):
            best = (_text(body), i + 2)
        i = close + 1
    if best is not None:
        return best
    if cut is not None:
        return Problem(cut, "code fence opened here is never closed (reply cut off?)")
    return Problem(1, "the reply has no code block")


def _placeholder_path(path: str, files: Collection[str]) -> str:
    """Small models copy the system prompt's example prefix: ``path/to/sizes.py`` for ``sizes.py``.
    Such a path is taken as the workspace file it ends with, when exactly one file does."""
    if not path.startswith(PLACEHOLDER_PREFIX) or path in files:
        return path
    rest = path[len(PLACEHOLDER_PREFIX) :]
    matches = [f for f in files if f == rest or f.endswith("/" + rest)]
    return matches[0] if len(matches) == 1 else path


def resolve_in_workspace(workspace: Path, rel: str) -> Path:
    """The real path ``rel`` names inside ``workspace``; raises :class:`UnsafePath` if it escapes."""
    name = rel.strip().replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    if not name or name.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", name):
        raise UnsafePath(f"{rel!r} is not a relative path inside the workspace")
    parts = PurePosixPath(name).parts
    if ".." in parts or ".git" in parts:
        raise UnsafePath(f"{rel!r} leaves the workspace or touches .git")
    root = workspace.resolve()
    target = (root / name).resolve()
    if target == root or not target.is_relative_to(root):
        raise UnsafePath(f"{rel!r} resolves outside the workspace (through a symlink) to {target}")
    return target


def _split(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _find(haystack: list[str], needle: list[str], key: Callable[[str], str] = str) -> int | None:
    want = [key(n) for n in needle]
    for i in range(len(haystack) - len(needle) + 1):
        if [key(h) for h in haystack[i : i + len(needle)]] == want:
            return i
    return None


def _reindent(search: list[str], found: list[str], replace: list[str]) -> list[str]:
    """Shift ``replace`` by the indentation difference between the SEARCH text and what it matched."""
    pair = next(((s, f) for s, f in zip(search, found, strict=True) if s.strip()), None)
    if pair is None:
        return replace
    have = pair[0][: len(pair[0]) - len(pair[0].lstrip())]
    want = pair[1][: len(pair[1]) - len(pair[1].lstrip())]
    return [want + r[len(have) :] if r.startswith(have) and r.strip() else r for r in replace]


def replace_block(text: str, search: str, replace: str) -> tuple[str, str] | None:
    """``text`` with the first match of ``search`` replaced, and how it matched; None if no match.

    Exact line match first; then ignoring trailing whitespace and blank lines around the SEARCH
    text; then ignoring indentation too (the replacement is re-indented by the same offset).
    """
    lines, old, new = text.split("\n"), _split(search), _split(replace)
    at = _find(lines, old)
    if at is not None:
        count = sum(1 for i in range(len(lines)) if lines[i : i + len(old)] == old)
        how = "exact match" + (f" (first of {count})" if count > 1 else "")
        return "\n".join(lines[:at] + new + lines[at + len(old) :]), how
    while old and not old[0].strip():
        old = old[1:]
    while old and not old[-1].strip():
        old = old[:-1]
    if not old:
        return None
    for key, how in ((str.rstrip, "ignoring trailing whitespace"), (str.strip, "ignoring indentation")):
        at = _find(lines, old, key)
        if at is not None:
            found = lines[at : at + len(old)]
            shifted = new if key is str.rstrip else _reindent(old, found, new)
            return "\n".join(lines[:at] + shifted + lines[at + len(old) :]), how
    return None


def _apply_one(workspace: Path, edit: Edit, partial: Collection[str]) -> Outcome:
    try:
        target = resolve_in_workspace(workspace, edit.path)
    except UnsafePath as exc:
        return Outcome(edit, False, str(exc))
    if target.is_dir():
        return Outcome(edit, False, f"{edit.path} is a directory")
    exists = target.is_file()
    try:
        old = target.read_bytes().decode("utf-8") if exists else ""
    except (OSError, UnicodeDecodeError) as exc:
        return Outcome(edit, False, f"{edit.path} cannot be read as UTF-8 text: {exc}")
    crlf = "\r\n" in old
    old = old.replace("\r\n", "\n")
    if isinstance(edit, WholeFile):
        new, how = edit.content, "whole file" if exists else "new file"
        if exists and is_python(edit.path):
            new, how = merge(old, edit.content)
        whole = how.startswith("whole file")
        if exists and whole and edit.path in partial:
            return Outcome(
                edit, False, f"{edit.path} was shown truncated: edit it with SEARCH/REPLACE blocks"
            )
        if exists and whole and any(_ELIDED.match(line) for line in edit.content.split("\n")):
            return Outcome(edit, False, f"whole-file block for {edit.path} elides code ('... existing ...')")
    elif not edit.search.strip():
        new, how = old + edit.replace, "appended" if exists else "new file"
    elif not exists:
        return Outcome(edit, False, f"{edit.path} does not exist, so its SEARCH text cannot match")
    else:
        found = replace_block(old, edit.search, edit.replace)
        if found is None:
            return Outcome(edit, False, f"SEARCH text not found in {edit.path}")
        new, how = found
    if new == old and exists:
        return Outcome(edit, True, "unchanged")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((new.replace("\n", "\r\n") if crlf else new).encode("utf-8"))
    except OSError as exc:
        return Outcome(edit, False, f"cannot write {edit.path}: {exc}")
    return Outcome(edit, True, how)


def apply_edits(workspace: Path, edits: Iterable[Edit], partial: Collection[str] = ()) -> list[Outcome]:
    """Apply ``edits`` in order; each succeeds or is rejected on its own. ``partial`` are files the
    model was shown truncated: replacing them whole would silently drop the part it never saw."""
    return [_apply_one(workspace, edit, partial) for edit in edits]
