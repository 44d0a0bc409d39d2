"""The builtin agent's edit format: parsing model replies and applying edits inside the workspace."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_hybridarena.agents.builtin_edits import (
    SearchReplace,
    UnsafePath,
    WholeFile,
    apply_edits,
    parse_edits,
    replace_block,
    resolve_in_workspace,
)

FENCE = "```"


def sr(search: str, replace: str, path: str = "calc.py") -> str:
    """A SEARCH/REPLACE block as the system prompt asks for it; ``search``/``replace`` end in newlines."""
    return f"{path}\n{FENCE}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n{FENCE}\n"


CALC = "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "calc.py").write_text(CALC, encoding="utf-8")
    return ws


def apply_reply(workspace: Path, reply: str, files: tuple[str, ...] = ("calc.py",)) -> list[bool]:
    parsed = parse_edits(reply, files)
    return [o.applied for o in apply_edits(workspace, parsed.edits)]


@pytest.mark.parametrize(
    "path_line",
    [
        "calc.py",
        "### calc.py",
        "File: calc.py",
        "**calc.py**",
        "`calc.py`:",
        "- `calc.py`",
        "Here is the updated `calc.py`:",
    ],
)
def test_whole_file_block_takes_its_path_from_the_line_before(path_line: str) -> None:
    reply = f"Fixing it.\n\n{path_line}\n{FENCE}python\nX = 1\n{FENCE}\n"
    assert parse_edits(reply, ["calc.py"]).edits == (WholeFile("calc.py", "X = 1\n", 4),)


def test_path_in_the_fence_info_string_is_used() -> None:
    reply = f"{FENCE}python pkg/calc.py\nX = 1\n{FENCE}\n"
    assert parse_edits(reply).edits == (WholeFile("pkg/calc.py", "X = 1\n", 1),)


def test_prose_without_a_path_does_not_name_a_block() -> None:
    parsed = parse_edits(f"Here is the code, e.g.\n{FENCE}\nX = 1\n{FENCE}\n", ["a.py", "b.py"])
    assert parsed.edits == ()
    assert [p.reason for p in parsed.problems] == ["code block without a file path before it"]


def test_crlf_reply_and_indented_fence_are_understood() -> None:
    reply = f"calc.py\r\n  {FENCE}python\r\n  def f():\r\n      return 1\r\n  {FENCE}\r\n"
    assert parse_edits(reply).edits[0] == WholeFile("calc.py", "def f():\n    return 1\n", 2)


def test_longer_fence_keeps_inner_fences_in_the_content() -> None:
    reply = f"README.md\n````markdown\n# Title\n{FENCE}python\nx = 1\n{FENCE}\n````\n"
    (edit,) = parse_edits(reply).edits
    assert edit == WholeFile("README.md", f"# Title\n{FENCE}python\nx = 1\n{FENCE}\n", 2)


def test_pathless_block_uses_the_default_path_when_it_is_the_only_one() -> None:
    reply = f"Done:\n{FENCE}python\nX = 1\n{FENCE}\nRun it with:\n{FENCE}bash\npytest\n{FENCE}\n"
    assert parse_edits(reply, ["calc.py"], default_path="calc.py").edits == (
        WholeFile("calc.py", "X = 1\n", 2),
    )


def test_two_pathless_blocks_are_ambiguous_even_with_a_default_path() -> None:
    reply = f"{FENCE}python\nX = 1\n{FENCE}\n{FENCE}python\nY = 2\n{FENCE}\n"
    parsed = parse_edits(reply, ["calc.py"], default_path="calc.py")
    assert parsed.edits == ()
    assert len(parsed.problems) == 2


def test_search_replace_block_with_language_tag(workspace: Path) -> None:
    reply = (
        f"calc.py\n{FENCE}python\n<<<<<<< SEARCH\ndef add(a, b):\n    return a - b\n=======\n"
        f"def add(a, b):\n    return a + b\n>>>>>>> REPLACE\n{FENCE}\n"
    )
    assert apply_reply(workspace, reply) == [True]
    assert (workspace / "calc.py").read_text() == CALC.replace("a - b", "a + b", 1)


def test_search_replace_with_the_path_inside_the_fence() -> None:
    reply = f"{FENCE}\ncalc.py\n<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n{FENCE}\n"
    assert parse_edits(reply).edits == (SearchReplace("calc.py", "old\n", "new\n", 3),)


def test_unfenced_search_replace_is_accepted(workspace: Path) -> None:
    reply = "calc.py\n<<<<<<< SEARCH\ndef sub(a, b):\n=======\ndef subtract(a, b):\n>>>>>>> REPLACE\n"
    assert apply_reply(workspace, reply) == [True]
    assert "def subtract(a, b):" in (workspace / "calc.py").read_text()


def test_search_with_trailing_whitespace_differences_still_matches(workspace: Path) -> None:
    reply = (
        f"calc.py\n{FENCE}\n<<<<<<< SEARCH\n\ndef sub(a, b):   \n    return a - b\t\n=======\n"
        f"def sub(a, b):\n    return b - a\n>>>>>>> REPLACE\n{FENCE}\n"
    )
    outcomes = apply_edits(workspace, parse_edits(reply).edits)
    assert [(o.applied, o.message) for o in outcomes] == [(True, "ignoring trailing whitespace")]
    assert (workspace / "calc.py").read_text().endswith("def sub(a, b):\n    return b - a\n")


def test_search_with_wrong_indentation_matches_and_replacement_is_reindented() -> None:
    text = "class C:\n    def f(self):\n        return 1\n"
    found = replace_block(text, "def f(self):\n    return 1\n", "def f(self):\n    return 2\n")
    assert found == ("class C:\n    def f(self):\n        return 2\n", "ignoring indentation")


def test_search_that_does_not_match_is_reported_and_not_applied(workspace: Path) -> None:
    reply = sr("def mul(a, b):\n", "def times(a, b):\n")
    (outcome,) = apply_edits(workspace, parse_edits(reply).edits)
    assert not outcome.applied
    assert outcome.message == "SEARCH text not found in calc.py"
    assert (workspace / "calc.py").read_text() == CALC


def test_multiple_blocks_and_sections_apply_in_order(workspace: Path) -> None:
    reply = (
        f"calc.py\n{FENCE}\n<<<<<<< SEARCH\ndef add(a, b):\n    return a - b\n=======\n"
        "def add(a, b):\n    return a + b\n>>>>>>> REPLACE\n<<<<<<< SEARCH\ndef sub(a, b):\n=======\n"
        f"def minus(a, b):\n>>>>>>> REPLACE\n{FENCE}\n\nnotes/todo.txt\n{FENCE}\nnothing\n{FENCE}\n"
    )
    assert apply_reply(workspace, reply) == [True, True, True]
    assert (workspace / "calc.py").read_text() == CALC.replace("a - b", "a + b", 1).replace("sub", "minus")
    assert (workspace / "notes" / "todo.txt").read_text() == "nothing\n"


def test_crlf_file_keeps_its_line_endings(workspace: Path) -> None:
    (workspace / "calc.py").write_bytes(CALC.replace("\n", "\r\n").encode())
    reply = sr("def sub(a, b):\n", "def minus(a, b):\n")
    assert apply_reply(workspace, reply) == [True]
    assert (workspace / "calc.py").read_bytes() == CALC.replace("sub", "minus").replace("\n", "\r\n").encode()


def test_empty_search_creates_a_new_file(workspace: Path) -> None:
    reply = f"pkg/new.py\n{FENCE}\n<<<<<<< SEARCH\n=======\nVALUE = 3\n>>>>>>> REPLACE\n{FENCE}\n"
    assert apply_reply(workspace, reply) == [True]
    assert (workspace / "pkg" / "new.py").read_text() == "VALUE = 3\n"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (f"calc.py\n{FENCE}python\ndef add(a, b):\n    return a + b\n", "never closed"),
        (
            f"calc.py\n{FENCE}\n<<<<<<< SEARCH\ndef add(a, b):\n=======\ndef plus(a, b):\n{FENCE}\n",
            "without its",
        ),
        (f"calc.py\n{FENCE}\n<<<<<<< SEARCH\ndef add(a, b):\n>>>>>>> REPLACE\n{FENCE}\n", "without its"),
        (
            f"{FENCE}\n<<<<<<< SEARCH\ndef add(a, b):\n=======\nx\n>>>>>>> REPLACE\n{FENCE}\n",
            "without a file path",
        ),
        (f"calc.py\n{FENCE}diff\n--- a/calc.py\n+++ b/calc.py\n@@ -1 +1 @@\n{FENCE}\n", "unified diffs"),
    ],
    ids=["unclosed-fence", "no-replace-marker", "no-divider", "no-path", "unified-diff"],
)
def test_malformed_block_is_reported_and_nothing_applied(workspace: Path, reply: str, reason: str) -> None:
    parsed = parse_edits(reply, ["calc.py", "other.py"])
    assert parsed.edits == ()
    assert len(parsed.problems) == 1
    assert reason in parsed.problems[0].reason
    assert (workspace / "calc.py").read_text() == CALC


def test_a_malformed_section_voids_its_whole_block() -> None:
    reply = (
        f"calc.py\n{FENCE}\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
        f"<<<<<<< SEARCH\nc\n=======\nd\n{FENCE}\n"
    )
    parsed = parse_edits(reply)
    assert parsed.edits == ()
    assert len(parsed.problems) == 1


def test_garbage_reply_yields_no_edits() -> None:
    parsed = parse_edits("I'm not sure what you mean. >>>>>>> REPLACE =======\n~~~\n", ["calc.py"], "calc.py")
    assert parsed.edits == ()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab.py/\n `~<=>#:SEARCHREPLACE\r\t")), max_size=300))
def test_parser_never_raises(reply: str) -> None:
    parse_edits(reply, ["a.py", "b/c.py"], default_path="a.py")


@pytest.mark.parametrize(
    "path", ["../x.py", "/etc/passwd", "a/../../x.py", "~/x.py", ".git/config", "C:/x.py", ""]
)
def test_paths_that_leave_the_workspace_are_rejected(workspace: Path, path: str) -> None:
    with pytest.raises(UnsafePath):
        resolve_in_workspace(workspace, path)
    (outcome,) = apply_edits(workspace, [WholeFile(path, "pwned\n")])
    assert not outcome.applied
    assert not (workspace.parent / "x.py").exists()


def test_symlinked_folder_to_outside_is_rejected(workspace: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace / "link").symlink_to(outside, target_is_directory=True)
    (outcome,) = apply_edits(workspace, [WholeFile("link/evil.py", "pwned\n")])
    assert not outcome.applied
    assert "outside the workspace" in outcome.message
    assert list(outside.iterdir()) == []


def test_dangling_symlink_to_outside_is_rejected(workspace: Path, tmp_path: Path) -> None:
    (workspace / "notes.txt").symlink_to(tmp_path / "stolen.txt")
    (outcome,) = apply_edits(workspace, [SearchReplace("notes.txt", "", "pwned\n")])
    assert not outcome.applied
    assert not (tmp_path / "stolen.txt").exists()


def test_symlink_inside_the_workspace_is_followed(workspace: Path) -> None:
    (workspace / "alias.py").symlink_to("calc.py")
    (outcome,) = apply_edits(workspace, [WholeFile("alias.py", "X = 1\n")])
    assert outcome.applied
    assert (workspace / "calc.py").read_text() == "X = 1\n"
    assert os.path.islink(workspace / "alias.py")


def test_whole_file_for_a_file_shown_truncated_is_rejected(workspace: Path) -> None:
    (outcome,) = apply_edits(workspace, [WholeFile("calc.py", "X = 1\n")], partial={"calc.py"})
    assert not outcome.applied
    assert "SEARCH/REPLACE" in outcome.message
    assert (workspace / "calc.py").read_text() == CALC


def test_whole_file_that_elides_existing_code_is_rejected(workspace: Path) -> None:
    content = (
        "# ... existing code ...\n\ndef add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    )
    (outcome,) = apply_edits(workspace, [WholeFile("calc.py", content)])
    assert not outcome.applied
    assert (workspace / "calc.py").read_text() == CALC


def test_a_block_with_some_functions_of_a_python_file_replaces_just_those(workspace: Path) -> None:
    content = "def add(a, b):\n    return a + b\n\n# ... existing code ...\n"
    (outcome,) = apply_edits(workspace, [WholeFile("calc.py", content)])
    assert (outcome.applied, outcome.message) == (True, "definitions: replaced add")
    assert (workspace / "calc.py").read_text() == CALC.replace("a - b", "a + b", 1)


def test_a_definitions_block_may_edit_a_file_shown_truncated(workspace: Path) -> None:
    (outcome,) = apply_edits(
        workspace, [WholeFile("calc.py", "def sub(a, b):\n    return b - a\n")], {"calc.py"}
    )
    assert outcome.applied
    assert (workspace / "calc.py").read_text() == CALC.replace("return a - b\n", "return b - a\n").replace(
        "return b - a", "return a - b", 1
    )


def test_the_system_prompts_example_prefix_is_mapped_to_the_real_file() -> None:
    """Qwen2.5-Coder-1.5B answered ``path/to/pages.py`` for the workspace's ``pages.py``."""
    reply = "path/to/pages.py\n```python\nX = 1\n```\n"
    [edit] = parse_edits(reply, files=["pages.py", "README.md"]).edits
    assert edit.path == "pages.py"
    ambiguous = parse_edits(reply, files=["a/pages.py", "b/pages.py"])
    assert ambiguous.edits == ()
    assert "without a file path" in ambiguous.problems[0].reason
    [edit] = parse_edits("path/to/file.py\n```python\nX = 1\n```\n", ["pages.py"], "pages.py").edits
    assert edit.path == "pages.py", "the example path names no file: the task's one file"
