import copy
import types
from collections.abc import Mapping

import pytest

from toposort import CycleError, dependents_of, topo_levels, topo_sort


def cycle_of(graph, func=topo_sort):
    with pytest.raises(CycleError) as info:
        func(graph)
    return info.value


def assert_valid_order(graph, order):
    pos = {n: i for i, n in enumerate(order)}
    assert len(pos) == len(order)
    for node, deps in graph.items():
        for d in deps:
            assert pos[d] < pos[node]


# --- ordering --------------------------------------------------------------------


def test_empty_graph():
    assert topo_sort({}) == []
    assert topo_levels({}) == []


def test_dependencies_come_first():
    graph = {"app": ["lib", "util"], "lib": ["util"], "util": []}
    assert topo_sort(graph) == ["util", "lib", "app"]


def test_independent_nodes_sorted():
    assert topo_sort({"b": [], "c": [], "a": []}) == ["a", "b", "c"]


def test_smallest_ready_node_is_chosen_at_every_step():
    # after "a" is placed, "b" becomes ready and beats "c"
    assert topo_sort({"b": ["a"], "c": [], "a": []}) == ["a", "b", "c"]
    graph = {"z": [], "m": ["z"], "a": ["y"], "y": [], "b": []}
    assert topo_sort(graph) == ["b", "y", "a", "z", "m"]


def test_code_point_ordering():
    assert topo_sort({"a": [], "B": [], "a10": [], "a2": [], "_": []}) == ["B", "_", "a", "a10", "a2"]


def test_nodes_only_mentioned_as_dependencies_are_included():
    assert topo_sort({"x": ["q", "p"]}) == ["p", "q", "x"]


def test_repeated_dependencies_count_once():
    assert topo_sort({"a": ["b", "b", "b"], "c": ["b", "a", "a"]}) == ["b", "a", "c"]


def test_any_iterable_of_str_is_accepted_as_dependencies():
    graph = {
        "t": ("a",),
        "s": {"a", "b"},
        "f": frozenset(["t"]),
        "g": (x for x in ["s"]),
        "d": {"b": 1},
        "r": [],
    }
    order = topo_sort(graph)
    assert order == ["a", "b", "d", "r", "s", "g", "t", "f"]


def test_custom_mapping_and_mappingproxy():
    class Deps(Mapping):
        def __init__(self, data):
            self._d = data

        def __getitem__(self, k):
            return self._d[k]

        def __iter__(self):
            return iter(self._d)

        def __len__(self):
            return len(self._d)

    assert topo_sort(Deps({"b": ["a"]})) == ["a", "b"]
    assert topo_sort(types.MappingProxyType({"b": ["a"], "c": []})) == ["a", "b", "c"]


def test_input_is_not_modified():
    graph = {"c": ["b", "a"], "b": ["a"], "d": {"c"}}
    before = copy.deepcopy(graph)
    topo_sort(graph)
    topo_levels(graph)
    dependents_of(graph, "a")
    assert graph == before


def test_larger_graph_is_valid_and_deterministic():
    graph = {f"n{i:03d}": [f"n{j:03d}" for j in range(i) if (i * j) % 7 == 3] for i in range(200)}
    first = topo_sort(graph)
    assert_valid_order(graph, first)
    assert len(first) == 200
    assert topo_sort(dict(reversed(list(graph.items())))) == first


def test_long_chain_does_not_hit_recursion_limits():
    n = 20000
    graph = {f"v{i:05d}": [f"v{i - 1:05d}"] for i in range(1, n)}
    order = topo_sort(graph)
    assert order == [f"v{i:05d}" for i in range(n)]
    assert len(topo_levels(graph)) == n


# --- validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "graph",
    [
        [("a", ["b"])],
        None,
        {1: ["a"]},
        {"a": [1]},
        {"a": ["b", None]},
        {"a": "bc"},
        {"a": b"bc"},
        {"a": 5},
        {"a": None},
        {("a",): []},
    ],
    ids=["list", "none", "int-key", "int-dep", "none-dep", "str-value", "bytes-value",
         "int-value", "none-value", "tuple-key"],
)
def test_type_errors(graph):
    with pytest.raises(TypeError):
        topo_sort(graph)
    with pytest.raises(TypeError):
        topo_levels(graph)
    with pytest.raises(TypeError):
        dependents_of(graph, "a")


def test_type_error_wins_over_cycle():
    with pytest.raises(TypeError):
        topo_sort({"a": ["a"], "z": "oops"})


# --- cycles ----------------------------------------------------------------------


def test_cycle_error_is_a_value_error_with_message():
    err = cycle_of({"a": ["b"], "b": ["a"]})
    assert isinstance(err, ValueError)
    assert err.cycle == ["a", "b", "a"]
    assert str(err) == "dependency cycle: a -> b -> a"


def test_cycle_direction_follows_dependencies():
    # a depends on c, c on b, b on a
    err = cycle_of({"a": ["c"], "c": ["b"], "b": ["a"]})
    assert err.cycle == ["a", "c", "b", "a"]
    assert str(err) == "dependency cycle: a -> c -> b -> a"


def test_cycle_starts_at_smallest_node_on_a_cycle():
    graph = {"zeta": ["eta"], "eta": ["theta"], "theta": ["zeta"]}
    assert cycle_of(graph).cycle == ["eta", "theta", "zeta", "eta"]


def test_nodes_that_merely_depend_on_a_cycle_are_not_part_of_it():
    graph = {"a": ["m"], "0": ["a"], "m": ["n"], "n": ["m"], "b": []}
    assert cycle_of(graph).cycle == ["m", "n", "m"]


def test_nodes_that_a_cycle_depends_on_are_not_part_of_it():
    graph = {"m": ["n", "a"], "n": ["m"], "a": []}
    assert cycle_of(graph).cycle == ["m", "n", "m"]


def test_self_dependency():
    err = cycle_of({"x": ["x"], "w": []})
    assert err.cycle == ["x", "x"]
    assert str(err) == "dependency cycle: x -> x"


def test_shortest_cycle_through_start_wins_over_smaller_names():
    graph = {"a": ["b", "e"], "b": ["c"], "c": ["d"], "d": ["a"], "e": ["a"]}
    assert cycle_of(graph).cycle == ["a", "e", "a"]


def test_self_loop_is_shortest():
    assert cycle_of({"a": ["b", "a"], "b": ["a"]}).cycle == ["a", "a"]


def test_lexicographic_tie_break_between_equally_short_cycles():
    assert cycle_of({"a": ["c", "b"], "b": ["a"], "c": ["a"]}).cycle == ["a", "b", "a"]
    graph = {"a": ["y", "x"], "x": ["q"], "y": ["p"], "q": ["a"], "p": ["a"]}
    assert cycle_of(graph).cycle == ["a", "x", "q", "a"]
    graph = {"a": ["x"], "x": ["r", "q"], "q": ["a"], "r": ["a"]}
    assert cycle_of(graph).cycle == ["a", "x", "q", "a"]


def test_shortest_cycle_may_avoid_a_tempting_first_step():
    # through "b" the way back to "a" is long; through "c" it is short
    graph = {"a": ["b", "c"], "b": ["b1"], "b1": ["b2"], "b2": ["a"], "c": ["a"]}
    assert cycle_of(graph).cycle == ["a", "c", "a"]


def test_smallest_cycle_node_chosen_among_several_cycles():
    graph = {"k": ["l"], "l": ["k"], "d": ["e"], "e": ["f"], "f": ["d"], "z": ["z"]}
    assert cycle_of(graph).cycle == ["d", "e", "f", "d"]


def test_cycle_through_node_that_only_appears_as_a_dependency_key_later():
    graph = {"b": ["c"], "c": ["a"], "a": ["b"]}
    assert cycle_of(graph).cycle == ["a", "b", "c", "a"]


def test_long_cycle_is_reported_without_recursion_errors():
    n = 5000
    graph = {f"v{i:04d}": [f"v{(i + 1) % n:04d}"] for i in range(n)}
    err = cycle_of(graph)
    assert len(err.cycle) == n + 1
    assert err.cycle[0] == err.cycle[-1] == "v0000"
    assert err.cycle[1] == "v0001"


def test_levels_and_dependents_report_the_same_cycle():
    graph = {"a": ["c"], "c": ["b"], "b": ["a"], "x": []}
    assert cycle_of(graph, topo_levels).cycle == ["a", "c", "b", "a"]
    err = cycle_of(graph, lambda g: dependents_of(g, "x"))
    assert err.cycle == ["a", "c", "b", "a"]


# --- topo_levels -------------------------------------------------------------------


def test_levels_diamond():
    graph = {"d": ["b", "c"], "b": ["a"], "c": ["a"]}
    assert topo_levels(graph) == [["a"], ["b", "c"], ["d"]]


def test_level_is_longest_chain():
    graph = {"x": ["a", "c"], "c": ["b"], "b": ["a"], "y": [], "z": ["y"]}
    assert topo_levels(graph) == [["a", "y"], ["b", "z"], ["c"], ["x"]]


def test_levels_are_sorted_by_code_point():
    graph = {"b": [], "B": [], "a": ["B"], "A": ["b"]}
    assert topo_levels(graph) == [["B", "b"], ["A", "a"]]


# --- dependents_of -----------------------------------------------------------------


def test_dependents_transitive_sorted_and_exclusive():
    graph = {"app": ["lib"], "lib": ["core"], "cli": ["core"], "docs": [], "test": ["app"]}
    assert dependents_of(graph, "core") == ["app", "cli", "lib", "test"]
    assert dependents_of(graph, "app") == ["test"]
    assert dependents_of(graph, "docs") == []
    assert dependents_of(graph, "test") == []


def test_dependents_of_unknown_node_is_key_error():
    with pytest.raises(KeyError):
        dependents_of({"a": ["b"]}, "c")
    # a cycle is reported before the unknown node
    with pytest.raises(CycleError):
        dependents_of({"a": ["a"]}, "c")
