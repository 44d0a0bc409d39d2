import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tally.py"


def run(cwd, path_arg):
    assert SCRIPT.is_file(), f"{SCRIPT.name} is missing"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(path_arg)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def tally(tmp_path, text, name="changes.txt"):
    """Write ``text`` (bytes-exact, UTF-8) and run the script on it by relative path."""
    (tmp_path / name).write_bytes(text.encode("utf-8"))
    return run(tmp_path, name)


SHIPPED_EXPECTED = (
    "fix: 5\n"
    "feat: 4\n"
    "chore: 2\n"
    "docs: 2\n"
    "other: 2\n"
    "perf: 2\n"
    "refactor: 1\n"
    "security: 1\n"
    "test: 1\n"
)


def test_shipped_sample(tmp_path):
    assert run(tmp_path, ROOT / "data" / "changes.txt") == SHIPPED_EXPECTED


def test_example_from_the_ticket(tmp_path):
    assert tally(tmp_path, "fix: a\nfeat: b\nFix: c\ndocs: d\n") == "fix: 2\ndocs: 1\nfeat: 1\n"


def test_blank_and_comment_lines_are_skipped(tmp_path):
    text = (
        "# release notes\n"
        "\n"
        "   \n"
        "\t\n"
        "    # indented comment: not an entry\n"
        "#fix: commented out\n"
        "fix: #412 double charge\n"
        "feat: add # to search\n"
    )
    assert tally(tmp_path, text) == "feat: 1\nfix: 1\n"


def test_type_is_stripped_and_lowercased(tmp_path):
    text = "Fix: a\n FIX : b\nfix:c\n  fIx   :   d\nDOCS: e\n"
    assert tally(tmp_path, text) == "fix: 4\ndocs: 1\n"


def test_only_the_first_colon_splits(tmp_path):
    text = "fix: a: b\nfix: time is 12:30\ndocs: see note: below\n"
    assert tally(tmp_path, text) == "fix: 2\ndocs: 1\n"


def test_lines_without_a_type_count_as_other(tmp_path):
    text = "update translations\n: merged without a type\n   :  \nother: explicit\nfix: x\n"
    assert tally(tmp_path, text) == "other: 4\nfix: 1\n"


def test_equal_counts_sorted_by_type_name(tmp_path):
    text = "zeta: 1\nbeta: 1\nalpha: 1\nzeta: 2\nbeta: 2\nmid: 1\n"
    assert tally(tmp_path, text) == "beta: 2\nzeta: 2\nalpha: 1\nmid: 1\n"


def test_counts_sort_numerically(tmp_path):
    text = "a: x\n" * 2 + "b: x\n" * 10 + "c: x\n" * 9
    assert tally(tmp_path, text) == "b: 10\nc: 9\na: 2\n"


def test_file_without_entries_prints_nothing(tmp_path):
    assert tally(tmp_path, "") == ""
    assert tally(tmp_path, "# only a comment\n\n   \n  # another\n", name="comments.txt") == ""


def test_last_line_without_newline_and_crlf_endings(tmp_path):
    assert tally(tmp_path, "fix: a\nfeat: b\nfix: c") == "fix: 2\nfeat: 1\n"
    text = "fix: a\r\n\r\n# note\r\nFeat : b\r\nno type here\r\n"
    assert tally(tmp_path, text, name="windows.txt") == "feat: 1\nfix: 1\nother: 1\n"


def test_generated_file(tmp_path):
    rng = random.Random(4242)
    types = ["fix", "feat", "docs", "chore", "perf", "test", "build", "ci", "style"]
    counts = {}
    lines = []
    for i in range(400):
        roll = rng.random()
        if roll < 0.08:
            lines.append(rng.choice(["", "   ", "# comment " + str(i), "  # fix: not counted"]))
            continue
        if roll < 0.14:
            lines.append(rng.choice([f"untyped entry {i}", f": empty type {i}"]))
            counts["other"] = counts.get("other", 0) + 1
            continue
        kind = rng.choice(types[: rng.randint(1, len(types))])
        written = rng.choice([kind, kind.upper(), kind.capitalize(), f" {kind} "])
        lines.append(f"{written}: change number {i}: details")
        counts[kind] = counts.get(kind, 0) + 1
    expected = "".join(
        f"{kind}: {count}\n" for kind, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    assert tally(tmp_path, "\n".join(lines) + "\n") == expected
