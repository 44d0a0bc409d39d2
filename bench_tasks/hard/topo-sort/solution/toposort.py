"""Deterministic topological ordering of a dependency graph.

The graph is a mapping ``{node: dependencies}``: ``graph["app"] = ["lib", "util"]``
means "app" depends on "lib" and "util", so both must come BEFORE "app" in the
result. Nodes are ``str``. A node that appears only inside some dependency
collection is a node too (with no dependencies of its own). Repeated entries
in a dependency collection count once. The input is never modified.

Input validation (``TypeError`` in every case, raised before any ordering or
cycle detection happens):

* ``graph`` must be a ``collections.abc.Mapping``;
* every key and every dependency must be a ``str``;
* every value must be an iterable of ``str`` but not itself a ``str`` or
  ``bytes`` (``{"a": "bc"}`` is an error, not "a depends on b and c").

Determinism: whenever several nodes are ready (all their dependencies are
already placed), the smallest one in Python's ``str`` ordering is placed first
(plain code-point order: ``"B" < "a"``, ``"a10" < "a2"``).

Cycles: if the graph has at least one cycle, ``CycleError`` is raised. Its
``cycle`` attribute is a list ``[n0, n1, ..., nk, n0]`` (first node repeated at
the end) in which each node depends on the next one (n0 depends on n1, ...,
nk depends on n0). Which cycle, and where it starts, is canonical:

1. ``n0`` is the smallest node (``str`` ordering) that lies on any cycle;
2. the cycle is a SHORTEST cycle through ``n0`` (fewest edges);
3. among several shortest cycles through ``n0``, the one whose list is smallest
   in lexicographic (list) order.

A node depending on itself is a cycle of length one: ``["x", "x"]``.
``str(error)`` is ``"dependency cycle: "`` followed by the nodes of ``cycle``
joined with ``" -> "``, e.g. ``"dependency cycle: a -> b -> a"``.
"""



import heapq
from collections import deque
from collections.abc import Mapping


class CycleError(ValueError):
    """Raised when the graph has a cycle. ``cycle`` holds the canonical cycle."""

    def __init__(self, cycle):
        self.cycle = list(cycle)
        super().__init__("dependency cycle: " + " -> ".join(self.cycle))


def _normalise(graph):
    """Validate and return (sorted node list, deps: node -> set)."""
    if not isinstance(graph, Mapping):
        raise TypeError(f"graph must be a mapping, got {type(graph).__name__}")
    deps = {}
    for node, value in graph.items():
        if not isinstance(node, str):
            raise TypeError(f"node names must be str, got {node!r}")
        if isinstance(value, (str, bytes)):
            raise TypeError(f"dependencies of {node!r} must be a collection of str, not a string")
        try:
            items = list(value)
        except TypeError:
            raise TypeError(f"dependencies of {node!r} must be iterable") from None
        for dep in items:
            if not isinstance(dep, str):
                raise TypeError(f"dependency names must be str, got {dep!r}")
        deps.setdefault(node, set()).update(items)
    for node in list(deps):
        for dep in deps[node]:
            deps.setdefault(dep, set())
    return deps


def _kahn(deps):
    """Return (order, levels dict) of the placeable nodes (all nodes if acyclic)."""
    dependents = {n: [] for n in deps}
    missing = {}
    for node, ds in deps.items():
        missing[node] = len(ds)
        for d in ds:
            dependents[d].append(node)
    ready = [n for n, k in missing.items() if k == 0]
    heapq.heapify(ready)
    order, level = [], {}
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        level[node] = max((level[d] + 1 for d in deps[node]), default=0)
        for nxt in dependents[node]:
            missing[nxt] -= 1
            if missing[nxt] == 0:
                heapq.heappush(ready, nxt)
    return order, level


def _shortest_cycle_through(deps, start):
    parent = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(deps[node]):
            if nxt == start:
                path = [start]
                while node is not None:
                    path.append(node)
                    node = parent[node]
                path.reverse()  # start ... node, start
                return path
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


def _checked(graph):
    deps = _normalise(graph)
    order, level = _kahn(deps)
    if len(order) < len(deps):
        placed = set(order)
        for node in sorted(n for n in deps if n not in placed):
            cycle = _shortest_cycle_through(deps, node)
            if cycle is not None:
                raise CycleError(cycle)
        raise AssertionError("unplaced nodes without a cycle")  # pragma: no cover
    return deps, order, level


def topo_sort(graph):
    """Return a list of every node, each after all of its dependencies,
    ties broken by smallest-ready-node-first. ``topo_sort({})`` is ``[]``."""
    return _checked(graph)[1]


def topo_levels(graph):
    """Group the nodes into levels (see the task's docstring in the workspace)."""
    _, order, level = _checked(graph)
    levels = []
    for node in order:
        while len(levels) <= level[node]:
            levels.append([])
        levels[level[node]].append(node)
    return [sorted(group) for group in levels]


def dependents_of(graph, node):
    """Return the sorted list of the nodes that depend on ``node`` directly or
    transitively (``node`` itself excluded)."""
    deps, _, _ = _checked(graph)
    if node not in deps:
        raise KeyError(node)
    dependents = {n: [] for n in deps}
    for n, ds in deps.items():
        for d in ds:
            dependents[d].append(n)
    seen, stack = set(), [node]
    while stack:
        for nxt in dependents[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    seen.discard(node)
    return sorted(seen)
