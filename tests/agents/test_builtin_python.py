"""The builtin agent's Python-aware edits: salvage code from debris, merge definitions, keep imports."""

from __future__ import annotations

import ast
from pathlib import Path

from pytest_hybridarena.agents.builtin_edits import apply_edits, parse_edits
from pytest_hybridarena.agents.builtin_python import merge, salvage

STUB = '''"""Numbers."""
from typing import List

LIMIT = 3


def helper(x: int) -> int:
    return x + 1


def solve(xs: List[int]) -> int:
    """Sum helper(x) of the first LIMIT numbers."""
    raise NotImplementedError
'''

ONE_FUNCTION = (
    "from typing import List\n\n\n"
    'def solve(xs: List[int]) -> int:\n    """Sum."""\n    raise NotImplementedError\n'
)


def run(text: str, name: str = "solve", *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(compile(text, "<merged>", "exec"), namespace)
    return namespace[name](*args)  # type: ignore[operator]


def test_a_block_with_one_function_replaces_only_that_function() -> None:
    text, how = merge(
        STUB, "def solve(xs: List[int]) -> int:\n    return sum(helper(x) for x in xs[:LIMIT])\n"
    )
    assert how == "definitions: replaced solve"
    assert "def helper" in text
    assert "LIMIT = 3" in text
    assert "from typing import List" in text
    assert run(text, "solve", [1, 2, 3, 4]) == 9


def test_a_rewrite_that_drops_a_used_import_gets_it_back() -> None:
    text, how = merge(ONE_FUNCTION, "def solve(xs: List[int]) -> int:\n    return sum(xs)\n")
    assert "kept the old definition of List" in how
    assert text.startswith("from typing import List\n")
    assert run(text, "solve", [1, 2]) == 3


def test_a_rewrite_that_drops_an_unused_import_stays_as_written() -> None:
    text, how = merge(ONE_FUNCTION, "def solve(xs):\n    return sum(xs)\n")
    assert how == "whole file"
    assert "typing" not in text


def test_usage_examples_in_a_library_module_are_left_out() -> None:
    new = "def solve(xs):\n    return sum(xs)\n\nprint(solve([1]))\nassert solve([1]) == 2\n"
    text, how = merge(ONE_FUNCTION, new)
    assert "print(" not in text
    assert "assert" not in text
    assert "left out 2 top-level statement(s)" in how
    assert run(text, "solve", [1, 1]) == 2


def test_a_script_keeps_its_top_level_code() -> None:
    script = "import sys\n\n\ndef main():\n    return 0\n\n\nmain()\n"
    text, how = merge(script, "import sys\n\n\ndef main():\n    print(sys.argv)\n\n\nmain()\n")
    assert how == "whole file"
    assert text.rstrip().endswith("main()")


def test_a_whole_file_with_every_definition_may_delete_others() -> None:
    old = "def a():\n    return 1\n\n\ndef b():\n    return 2\n"
    text, how = merge(
        old, "def a():\n    return 3\n\n\ndef b():\n    return 4\n\n\ndef c():\n    return a()\n"
    )
    assert how == "whole file"
    assert run(text, "c") == 3


def test_definitions_block_adds_new_functions_imports_and_sets_constants() -> None:
    new = (
        "import math\n\nLIMIT = 2\n\n\ndef root(x):\n"
        "    return math.isqrt(x)\n\n\ndef solve(xs):\n    return sum(xs[:LIMIT])\n"
    )
    text, how = merge(STUB, new)
    assert "replaced solve" in how
    assert "added root" in how
    assert "set 1 constant(s)" in how
    tree = ast.parse(text)
    assert [n.name for n in tree.body if isinstance(n, ast.FunctionDef)] == ["helper", "solve", "root"]
    assert run(text, "solve", [5, 5, 5]) == 10
    assert run(text, "root", 17) == 4


def test_decorated_definitions_are_replaced_with_their_decorators() -> None:
    old = (
        "import functools\n\n\n@functools.cache\ndef f(n):\n"
        "    raise NotImplementedError\n\n\ndef g():\n    return 1\n"
    )
    text, _ = merge(old, "@functools.lru_cache(None)\ndef f(n):\n    return n * 2\n")
    assert text.count("@functools") == 1
    assert "lru_cache" in text
    assert run(text, "f", 4) == 8


def test_salvage_finds_the_code_inside_an_echo_of_the_prompt() -> None:
    echo = (
        "# Workspace\n\nFiles in the workspace (1):\n- solution.py (5 lines)\n\nsolution.py\n```python\n"
        "def solve(xs):\n    return sum(xs)\n"
    )
    assert salvage(echo) == "def solve(xs):\n    return sum(xs)\n"
    assert salvage("[file: solution.py]\ndef f():\n    return 1\n[end of file: solution.py]\n") == (
        "def f():\n    return 1\n"
    )


def test_salvage_refuses_text_that_is_not_code() -> None:
    assert salvage("0\n1 2 3 4 5\n") is None
    assert salvage("def broken(:\n") is None


def test_a_labelled_block_is_never_overridden_by_a_pathless_sample_output() -> None:
    reply = (
        "solution.py\n```python\ndef solve(xs):\n    return sum(xs)\n```\nOutput:\n```\n0\n1 2 3 4 5\n```\n"
    )
    parsed = parse_edits(reply, ["solution.py"], "solution.py")
    assert [(e.path, e.line) for e in parsed.edits] == [("solution.py", 2)]
    assert parsed.problems == ()


def test_placeholder_text_is_refused_and_the_real_code_elsewhere_is_used(tmp_path: Path) -> None:
    (tmp_path / "solution.py").write_text(ONE_FUNCTION)
    reply = (
        "path/to/file.py\n```python\n<the complete new content of the file>\n```\n\n"
        "```python\ndef solve(xs: List[int]) -> int:\n    return sum(xs)\n```\n"
    )
    parsed = parse_edits(reply, ["solution.py"], "solution.py")
    assert len(parsed.edits) == 1
    assert parsed.edits[0].path == "solution.py"
    outcomes = apply_edits(tmp_path, parsed.edits)
    assert outcomes[0].applied
    assert run((tmp_path / "solution.py").read_text(), "solve", [2, 3]) == 5


def test_template_text_in_a_labelled_block_is_a_problem_not_file_content() -> None:
    reply = (
        "solution.py\n```python\n<<<<<<< SEARCH\n<lines copied exactly from the current file>\n"
        "=======\nx = 1\n>>>>>>> REPLACE\n```\n"
    )
    parsed = parse_edits(reply, ["solution.py"], None)
    assert parsed.edits == ()
    assert "template text" in parsed.problems[0].reason


def test_a_python_block_that_does_not_parse_is_refused_with_the_syntax_error() -> None:
    parsed = parse_edits("solution.py\n```python\ndef f(:\n    pass\n```\n", ["solution.py"], None)
    assert parsed.edits == ()
    assert "not valid Python" in parsed.problems[0].reason


def test_the_longest_pathless_definition_is_the_file_and_examples_are_ignored() -> None:
    reply = (
        "```python\ndef solve(xs):\n    total = 0\n    for x in xs:\n"
        "        total += x\n    return total\n```\n"
        "Usage:\n```python\nprint(solve([1, 2]))\n```\n"
    )
    parsed = parse_edits(reply, ["solution.py"], "solution.py")
    assert len(parsed.edits) == 1
    assert "def solve" in parsed.edits[0].content
    assert parsed.problems == ()


def test_an_html_line_is_not_taken_for_template_text() -> None:
    parsed = parse_edits('page.html\n```html\n<div class="x">\n</div>\n```\n', ["page.html"], None)
    assert len(parsed.edits) == 1
    assert parsed.problems == ()
