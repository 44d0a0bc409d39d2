"""Alternative implementation of toposort (written from the instruction only).

Differs from the reference: sorted ready list maintained with bisect instead of
a heap, levels computed in a separate pass, and the canonical cycle found by a
reverse BFS (distance to the start node) followed by a greedy smallest-step walk.
"""

import bisect
from collections import deque
from collections.abc import Mapping


class CycleError(ValueError):
    def __init__(self, cycle):
        self.cycle = list(cycle)
        ValueError.__init__(self, "dependency cycle: %s" % " -> ".join(self.cycle))


class _Graph:
    def __init__(self, graph):
        if not isinstance(graph, Mapping):
            raise TypeError("graph must be a Mapping")
        self.deps = {}
        for key in graph:
            if type(key) is not str and not isinstance(key, str):
                raise TypeError("bad node")
            value = graph[key]
            if isinstance(value, (str, bytes, bytearray)) or not hasattr(value, "__iter__"):
                raise TypeError("dependencies must be a non-string iterable")
            bucket = self.deps.setdefault(key, set())
            for dep in value:
                if not isinstance(dep, str):
                    raise TypeError("bad dependency")
                bucket.add(dep)
        for key in list(self.deps):
            for dep in self.deps[key]:
                if dep not in self.deps:
                    self.deps[dep] = set()
        self.users = {n: set() for n in self.deps}
        for n, ds in self.deps.items():
            for d in ds:
                self.users[d].add(n)

    def order(self):
        remaining = {n: len(ds) for n, ds in self.deps.items()}
        ready = sorted(n for n, c in remaining.items() if c == 0)
        out = []
        while ready:
            n = ready.pop(0)
            out.append(n)
            for u in self.users[n]:
                remaining[u] -= 1
                if remaining[u] == 0:
                    bisect.insort(ready, u)
        if len(out) != len(self.deps):
            raise CycleError(self._canonical_cycle(set(self.deps) - set(out)))
        return out

    def _canonical_cycle(self, stuck):
        for start in sorted(stuck):
            # distance from every node to `start`, following dependency edges
            dist = {start: 0}
            queue = deque([start])
            while queue:
                v = queue.popleft()
                for u in self.users[v]:
                    if u not in dist:
                        dist[u] = dist[v] + 1
                        queue.append(u)
            firsts = [dist[d] for d in self.deps[start] if d in dist]
            if not firsts:
                continue
            length = 1 + min(firsts)
            path = [start]
            current = start
            for step in range(length, 0, -1):
                if step == 1:
                    nxt = start
                else:
                    nxt = min(d for d in self.deps[current] if d != start and dist.get(d) == step - 1)
                path.append(nxt)
                current = nxt
            return path
        raise RuntimeError("no cycle found")


def topo_sort(graph):
    return _Graph(graph).order()


def topo_levels(graph):
    g = _Graph(graph)
    order = g.order()
    depth = {}
    for n in order:
        depth[n] = 1 + max((depth[d] for d in g.deps[n]), default=-1)
    result = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for n in sorted(depth):
        result[depth[n]].append(n)
    return result


def dependents_of(graph, node):
    g = _Graph(graph)
    g.order()
    if node not in g.deps:
        raise KeyError(node)
    found = set()
    frontier = list(g.users[node])
    while frontier:
        n = frontier.pop()
        if n in found:
            continue
        found.add(n)
        frontier.extend(g.users[n])
    found.discard(node)
    return sorted(found)
