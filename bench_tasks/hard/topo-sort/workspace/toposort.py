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


class CycleError(ValueError):
    """Raised when the graph has a cycle. ``cycle`` holds the canonical cycle."""

    def __init__(self, cycle):
        raise NotImplementedError


def topo_sort(graph):
    """Return a list of every node, each after all of its dependencies,
    ties broken by smallest-ready-node-first. ``topo_sort({})`` is ``[]``."""
    raise NotImplementedError


def topo_levels(graph):
    """Group the nodes into levels: a list of lists.

    Level 0 holds the nodes without dependencies; level ``i`` holds the nodes
    whose dependencies are all in levels ``< i``, at least one of them in level
    ``i - 1`` (i.e. a node's level is the length of its longest dependency
    chain). Each level is sorted (``str`` ordering); there are no empty levels.
    Raises ``CycleError`` (same canonical cycle) and ``TypeError`` like
    ``topo_sort``. ``topo_levels({})`` is ``[]``.
    """
    raise NotImplementedError


def dependents_of(graph, node):
    """Return the sorted list of the nodes that depend on ``node`` directly or
    transitively (``node`` itself excluded).

    The graph is validated and checked for cycles first, exactly as in
    ``topo_sort`` (``TypeError``, then ``CycleError``); then ``KeyError`` is
    raised if ``node`` is not a node of the graph.
    """
    raise NotImplementedError
