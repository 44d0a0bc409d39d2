"""Python-aware help for the ``builtin`` agent's edits: recognise code, recover it, merge it.

Small models answer a "change this function" task in three typical shapes: the whole file, only
the function they changed, or the function wrapped in debris (a copy of the prompt's file listing,
a sample run). This module turns each of them into the file the model meant:

* :func:`salvage` — a block's text as Python: itself when it compiles, else the longest run of
  lines between non-Python debris (fence lines, file-listing lines, ``[file: …]`` markers) that
  compiles and defines a function or class. None when nothing does.
* :func:`merge` — a block for an existing Python file. A block that defines every top-level
  function and class of the file (or shares none with it) is the whole new file; top-level imports
  and constants of the old file that the new text still uses but no longer defines are restored
  (a rewrite that drops ``from typing import List`` would otherwise fail at import). Any other
  block is a *definitions block*: each of its functions and classes replaces the one of the same
  name (or is appended), its new imports and constants are added, and its other top-level
  statements (usage examples, asserts, ``print`` calls) are left out, since they would run on
  import. The rest of the file is kept as it was.
"""

from __future__ import annotations

import ast
import re

__all__ = ["defines_code", "is_python", "merge", "salvage"]

_Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
_DEBRIS = re.compile(
    r"^\s*(?:`{3,}.*|~{3,}.*|\[(?:end of )?file:.*\]|\[end of .*\]|=== .* ===|#+ (?:Workspace|Task)\s*"
    r"|Files in the workspace.*|- [\w./\-]+ \(\d+ lines?\))\s*$"
)


def is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi"))


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def defines_code(text: str) -> bool:
    """True when ``text`` parses and defines at least one top-level function or class."""
    tree = _parse(text)
    return tree is not None and any(isinstance(n, _Def) for n in tree.body)


def salvage(text: str) -> str | None:
    """``text`` when it parses as Python; else the longest debris-free run of lines that parses and
    defines a function or class (the model's code inside an echo of the prompt); else None."""
    if _parse(text) is not None:
        return text
    lines = text.split("\n")
    runs: list[list[str]] = [[]]
    for line in lines:
        if _DEBRIS.match(line):
            runs.append([])
        else:
            runs[-1].append(line)
    found = [r for r in ("\n".join(run).strip("\n") + "\n" for run in runs) if defines_code(r)]
    return max(found, key=len) if found else None


def _span(node: ast.stmt) -> tuple[int, int]:
    """0-based [start, end) line span of a top-level statement, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start - 1, node.end_lineno or node.lineno


def _source(lines: list[str], node: ast.stmt) -> list[str]:
    start, end = _span(node)
    return lines[start:end]


def _bound(node: ast.stmt) -> set[str]:
    """Names a top-level statement binds: imports, simple assignments, definitions."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    if isinstance(node, _Def):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def _used(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _defs(tree: ast.Module) -> dict[str, ast.stmt]:
    return {n.name: n for n in tree.body if isinstance(n, _Def)}


def _header_end(tree: ast.Module) -> int:
    """Line index after the module docstring and ``from __future__`` imports."""
    end = 0
    for node in tree.body:
        is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node is tree.body[0]
        if is_doc or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            end = _span(node)[1]
        else:
            break
    return end


def _imports_end(tree: ast.Module) -> int:
    """Line index after the last top-level import that precedes the first definition."""
    end = _header_end(tree)
    for node in tree.body:
        if isinstance(node, _Def):
            break
        if isinstance(node, ast.Import | ast.ImportFrom):
            end = _span(node)[1]
    return end


def _join(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def _restore(old_lines: list[str], old: ast.Module, new_text: str, new: ast.Module) -> tuple[str, list[str]]:
    """``new_text`` plus the old imports and constants it uses without defining them."""
    bound_new = set().union(*(_bound(n) for n in new.body)) if new.body else set()
    missing = _used(new) - bound_new
    imports: list[str] = []
    constants: list[str] = []
    names: list[str] = []
    for node in old.body:
        wanted = _bound(node) & missing
        if not wanted or isinstance(node, _Def):
            continue
        (imports if isinstance(node, ast.Import | ast.ImportFrom) else constants).extend(
            _source(old_lines, node)
        )
        names += sorted(wanted)
        missing -= wanted
    if not names:
        return new_text, []
    lines = new_text.split("\n")
    at = _header_end(new)
    head, tail = lines[:at], lines[at:]
    block = imports + ([""] if imports and constants else []) + constants
    return _join(head + block + ([""] if tail and tail[0].strip() else []) + tail), names


_RUNS = ast.Expr | ast.Assert | ast.For | ast.AsyncFor | ast.While | ast.With | ast.AsyncWith | ast.Try


def _runs_on_import(tree: ast.Module) -> list[ast.stmt]:
    """Top-level statements that do something when the module is imported (a docstring does not)."""
    return [
        n
        for i, n in enumerate(tree.body)
        if isinstance(n, _RUNS)
        and not (i == 0 and isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]


def _library_only(old: ast.Module, new_text: str, new: ast.Module) -> tuple[str, ast.Module, int]:
    """When the old file is a library module (nothing runs on import), the new text without the
    statements that would (a usage example, a ``print``, a self-made ``assert``): they change
    nothing the task asked for and can break the import. A script keeps its top-level code."""
    if _runs_on_import(old):
        return new_text, new, 0
    extra = _runs_on_import(new)
    if not extra:
        return new_text, new, 0
    lines = new_text.split("\n")
    for node in sorted(extra, key=lambda n: n.lineno, reverse=True):
        start, end = _span(node)
        del lines[start:end]
    text = _join(lines)
    tree = _parse(text)
    return (text, tree, len(extra)) if tree is not None else (new_text, new, 0)


def merge(old_text: str, new_text: str) -> tuple[str, str]:
    """The file ``new_text`` means for a file now holding ``old_text``, and how it was applied.
    ``new_text`` must parse (see :func:`salvage`); an old file that does not parse is replaced."""
    old, new = _parse(old_text), _parse(new_text)
    if new is None:
        raise ValueError("merge() needs new text that parses as Python")
    if old is None:
        return new_text, "whole file (the old file did not parse)"
    old_lines = old_text.split("\n")
    old_defs, new_defs = _defs(old), _defs(new)
    if not new_defs or not set(new_defs) & set(old_defs) or set(old_defs) <= set(new_defs):
        new_text, new, dropped = _library_only(old, new_text, new)
        text, restored = _restore(old_lines, old, new_text, new)
        notes = [f"kept the old definition of {', '.join(restored)}, still used"] if restored else []
        notes += [f"left out {dropped} top-level statement(s) that would run on import"] if dropped else []
        return text, "whole file" + (f" ({'; '.join(notes)})" if notes else "")
    new_lines = new_text.split("\n")
    replaced = [name for name in new_defs if name in old_defs]
    added = [name for name in new_defs if name not in old_defs]
    # Replace bottom-up so earlier spans stay valid.
    lines = list(old_lines)
    for name in sorted(replaced, key=lambda n: _span(old_defs[n])[0], reverse=True):
        start, end = _span(old_defs[name])
        lines[start:end] = _source(new_lines, new_defs[name])
    if added:
        lines = lines + [""] * (2 if lines and lines[-1].strip() else 1)
        for name in added:
            lines += [*_source(new_lines, new_defs[name]), "", ""]
    bound_old = set().union(*(_bound(n) for n in old.body))
    old_assigns = {
        name: node
        for node in old.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for name in _bound(node)
    }
    extra_imports: list[str] = []
    extra_constants: list[str] = []
    new_values: list[tuple[ast.stmt, list[str]]] = []
    dropped = 0
    for node in new.body:
        if isinstance(node, _Def):
            continue
        names = _bound(node)
        if isinstance(node, ast.Import | ast.ImportFrom):
            if names - bound_old:
                extra_imports += _source(new_lines, node)
        elif names and isinstance(node, ast.Assign | ast.AnnAssign):
            target = old_assigns.get(next(iter(names))) if len(names) == 1 else None
            if target is not None:
                new_values.append((target, _source(new_lines, node)))
            elif not names & bound_old:
                extra_constants += _source(new_lines, node)
        else:
            dropped += 1
    if extra_imports or extra_constants:
        at = _imports_end(old)
        block = extra_imports + extra_constants
        lines[at:at] = block + ([""] if at < len(lines) and lines[at].strip() else [])
    # Constants the block re-assigns take its value, in place (the definitions above may have moved
    # lines: locate each statement by its old text, searched from the top).
    for old_node, source in new_values:
        old_source = _source(old_lines, old_node)
        for i in range(len(lines) - len(old_source) + 1):
            if lines[i : i + len(old_source)] == old_source:
                lines[i : i + len(old_source)] = source
                break
    text = _join(lines)
    if _parse(text) is None:  # should not happen; never write a broken merge
        return new_text, "whole file (the definitions could not be merged)"
    parts = [f"replaced {', '.join(replaced)}"] if replaced else []
    parts += [f"added {', '.join(added)}"] if added else []
    parts += [f"added {len(extra_imports)} import line(s)"] if extra_imports else []
    parts += [f"left out {dropped} other top-level statement(s)"] if dropped else []
    parts += [f"set {len(new_values)} constant(s)"] if new_values else []
    return text, "definitions: " + "; ".join(parts)
