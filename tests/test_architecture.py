"""The import graph, read statically from the source files: no cycles, and the layering holds.

Rooms (``docs/architecture.md``): ``shell`` → ``promotion`` → ``run`` → ``results``, never back;
``router/`` and ``agents/`` (installed as ``pytest_hybridarena.router``/``.agents`` through the
package-dir mapping in ``pyproject.toml``) never import the core. Every import counts, including
one inside a function (a function-level import that dodges a cycle is still a cycle); imports
under ``if TYPE_CHECKING:`` count for the layering but not for cycles, since they never run.

A second check imports the results side in a fresh interpreter and looks at ``sys.modules``: the
offline ``report`` command must not pay for (or depend on) agents, the router or the sandbox.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "pytest_hybridarena"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    typing_only: bool

    def __str__(self) -> str:
        typing = ", under TYPE_CHECKING" if self.typing_only else ""
        return f"{self.source} -> {self.target} (line {self.line}{typing})"


def package_dirs() -> dict[str, Path]:
    """Import name -> folder, from setuptools' ``package-dir`` mapping."""
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return {name: ROOT / folder for name, folder in mapping["package-dir"].items()}


def modules() -> dict[str, Path]:
    """Every module under the mapped folders, by the name it is imported as. A folder mapped to
    a package of its own (``router/``) is skipped while walking the folder of its parent."""
    dirs = package_dirs()
    mapped = set(dirs.values())
    found: dict[str, Path] = {}
    for name, folder in dirs.items():
        for path in sorted(folder.rglob("*.py")):
            if any(parent in mapped and parent != folder for parent in path.parents):
                continue
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([name, *parts])] = path
    return found


def _typing_blocks(tree: ast.Module) -> set[int]:
    """ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                inside.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return inside


def import_edges(known: dict[str, Path]) -> list[Edge]:
    """Module -> module edges of every import statement, at any depth of the file."""
    edges: list[Edge] = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        typing_only = _typing_blocks(tree)
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            else:
                continue
            resolved = {_resolve(target, known) for target in targets} - {None, name}
            for target in sorted(t for t in resolved if t is not None):
                edges.append(Edge(name, target, node.lineno, id(node) in typing_only))
    return edges


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The longest known module a dotted name starts with (``a.b.func`` -> ``a.b``)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def find_cycle(edges: list[Edge]) -> list[Edge] | None:
    """One import cycle as its edges, or None (depth-first search)."""
    graph: dict[str, list[Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.source, []).append(edge)
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[Edge] = []

    def visit(node: str) -> list[Edge] | None:
        state[node] = 1
        for edge in graph.get(node, []):
            if state.get(edge.target) == 1:
                start = next(i for i, e in enumerate(path) if e.source == edge.target) if path else 0
                cycle = [*path[start:], edge]
                return cycle if cycle[0].source == edge.target else [edge]
            if edge.target not in state:
                path.append(edge)
                found = visit(edge.target)
                if found:
                    return found
                path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def room(module: str) -> str:
    """``pytest_hybridarena.results.table`` -> ``results``; a top-level module is its own room."""
    return module.split(".")[1] if module.count(".") else "top"


CORE = {"shell", "run", "results", "promotion", "top", "__main__", "pricing_refresh"}
#: room -> what it must not import (``run.sandbox`` is a module prefix, not a room)
FORBIDDEN: dict[str, set[str]] = {
    "results": {"shell", "run", "promotion", "router", "agents"},
    "run": {"shell", "promotion"},
    "router": CORE,
    "agents": CORE,
}


def layering_violations(edges: list[Edge]) -> list[Edge]:
    return [edge for edge in edges if room(edge.target) in FORBIDDEN.get(room(edge.source), set())]


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return import_edges(modules())


def test_the_graph_sees_every_room(edges: list[Edge]) -> None:
    """Guards the reader itself: mapped folders and relative imports resolve."""
    rooms = {(room(e.source), room(e.target)) for e in edges}
    for pair in [("shell", "router"), ("router", "router"), ("agents", "agents"), ("shell", "results")]:
        assert pair in rooms, pair
    names = modules()
    assert f"{PACKAGE}.router.server" in names
    assert f"{PACKAGE}.shell.item" in names
    assert names[f"{PACKAGE}.router.server"] == ROOT / "router" / "server.py"


def test_no_import_cycles(edges: list[Edge]) -> None:
    cycle = find_cycle([e for e in edges if not e.typing_only])
    assert cycle is None, "import cycle:\n  " + "\n  ".join(map(str, cycle or []))


def test_layering(edges: list[Edge]) -> None:
    bad = layering_violations(edges)
    assert not bad, (
        "imports against the layering (shell -> promotion -> run -> results; router/ and agents/ "
        "never import the core):\n  " + "\n  ".join(map(str, bad))
    )


def test_results_never_import_the_sandbox(edges: list[Edge]) -> None:
    bad = [e for e in edges if room(e.source) == "results" and e.target.startswith(f"{PACKAGE}.run.sandbox")]
    assert not bad, "\n".join(map(str, bad))


def test_the_checks_catch_a_cycle_and_a_backward_import() -> None:
    def edge(a: str, b: str) -> Edge:
        return Edge(f"{PACKAGE}.{a}", f"{PACKAGE}.{b}", 1, False)

    cycle = find_cycle([edge("run.a", "run.b"), edge("run.b", "run.c"), edge("run.c", "run.a")])
    assert cycle is not None
    assert [e.source for e in cycle] == [f"{PACKAGE}.run.a", f"{PACKAGE}.run.b", f"{PACKAGE}.run.c"]
    assert find_cycle([edge("run.a", "run.b")]) is None
    assert layering_violations([edge("results.x", "run.y"), edge("run.y", "results.x")]) == [
        edge("results.x", "run.y")
    ]
    assert layering_violations([edge("router.x", "pricing")]) == []


HEAVY = (
    f"{PACKAGE}.agents",
    f"{PACKAGE}.router",
    f"{PACKAGE}.run.sandbox",
    f"{PACKAGE}.run.runner",
    "httpx",
    "aiohttp",
    "docker",
)


def test_the_results_side_imports_no_agent_router_or_sandbox_code() -> None:
    """What ``python -m pytest_hybridarena report`` loads: every results module, and the CLI."""
    names = [*sorted(n for n in modules() if room(n) == "results"), f"{PACKAGE}.__main__"]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"heavy = {HEAVY!r}\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith(heavy))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "", "the results side imported:\n" + done.stdout
