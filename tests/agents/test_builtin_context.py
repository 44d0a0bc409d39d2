"""What the builtin agent shows the model of the workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_hybridarena.agents.builtin_context import (
    build_context,
    named_files,
    new_files,
    render_files,
    scan_workspace,
)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def big(n: int, tag: str = "x") -> str:
    return "".join(f"{tag}_{i} = {i}  # a line of filler text\n" for i in range(n))


FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/small.py": "A = 1\n",
    "pkg/large.py": big(400, "large"),
    "pkg/medium.py": big(40, "medium"),
    "README.md": "# demo\n\n```python\nprint(1)\n```\n",
    "data.bin": b"\x00\x01\x02binary",
    "pkg/__pycache__/small.cpython-311.pyc": b"\x00junk",
    ".git/HEAD": "ref: refs/heads/main\n",
    "tests/test_small.py": "from pkg.small import A\n\ndef test_a():\n    assert A == 1\n",
}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return write(tmp_path / "ws", FILES)


@pytest.mark.parametrize("budget", [1000, 2000, 5000, 12_000, 24_000])
def test_context_never_exceeds_the_budget(workspace: Path, budget: int) -> None:
    ctx = build_context(workspace, "Fix pkg/large.py.", budget)
    assert len(ctx.text) <= budget


def test_everything_fits_in_a_large_budget(workspace: Path) -> None:
    ctx = build_context(workspace, "anything", 100_000)
    assert ctx.summarized == ctx.omitted == ()
    assert "large_399 = 399" in ctx.text


def test_over_budget_small_files_are_whole_and_the_largest_is_summarized(workspace: Path) -> None:
    ctx = build_context(workspace, "Tidy up.", 6000)
    assert {"pkg/small.py", "tests/test_small.py", "README.md"} <= set(ctx.whole)
    assert ctx.summarized == ("pkg/large.py",)
    assert "[file: pkg/large.py] (first " in ctx.text
    assert "more lines of pkg/large.py not shown]" in ctx.text
    assert "large_399" not in ctx.text


def test_files_named_in_the_instruction_come_first(tmp_path: Path) -> None:
    ws = write(tmp_path, {"a.py": big(70, "a"), "b.py": big(70, "b")})  # room for only one of them
    assert build_context(ws, "Tidy up.", 4000).whole == ("a.py",)
    named = build_context(ws, "Speed up `b.py`.", 4000)
    assert (named.whole, named.summarized) == (("b.py",), ("a.py",))


def test_binary_files_and_caches_are_never_shown(workspace: Path) -> None:
    ctx = build_context(workspace, "x", 100_000)
    assert "- data.bin (binary, 9 bytes)" in ctx.text
    assert "\x00" not in ctx.text
    assert "__pycache__" not in ctx.text
    assert ".git" not in ctx.text
    assert [f.path for f in scan_workspace(workspace) if f.text is None] == ["data.bin"]


def test_context_is_deterministic_whatever_the_creation_order(tmp_path: Path) -> None:
    forward = write(tmp_path / "a", FILES)
    backward = write(tmp_path / "b", dict(reversed(list(FILES.items()))))
    texts = {build_context(ws, "Fix pkg/large.py.", 5000).text for ws in (forward, backward, forward)}
    assert len(texts) == 1


def test_files_are_shown_between_markers_not_in_the_answer_shape(workspace: Path) -> None:
    ctx = build_context(workspace, "x", 100_000)
    assert "[file: README.md]\n# demo" in ctx.text
    assert "[end of file: README.md]" in ctx.text
    assert "\nREADME.md\n```" not in ctx.text


def test_named_files_match_paths_and_basenames_only_as_words() -> None:
    paths = ["roman.py", "ledger/table.py", "ledger/cli.py", "notes.md"]
    instruction = "Implement `roman.py`; keep ledger.table.render_table and table.py's cli. Not romanesco.py."
    assert named_files(instruction, paths) == ["ledger/table.py", "roman.py"]


def test_new_files_are_source_files_named_and_absent() -> None:
    instruction = (
        "Write a script `report.py` (in the workspace root). Usage: `python report.py <sales.csv>`. "
        "Use json.loads and os.path; see tests/test_report.py; helpers go in lib/util.py. Keep calc.py."
    )
    paths = ["data/sales.csv", "src/calc.py"]
    assert new_files(instruction, paths) == ["lib/util.py", "report.py", "tests/test_report.py"]
    assert new_files("Fix calc.py and src/app/util.py.", ["src/calc.py", "src/app/util.py"]) == []


def test_follow_up_files_fall_back_to_heads_when_over_budget() -> None:
    texts = {"a.py": "A = 1\n", "b.py": big(300)}
    rendered, whole = render_files(texts, 2000, first=["a.py"])
    assert whole == {"a.py"}
    assert len(rendered) <= 2000
    assert "[file: b.py] (first " in rendered
