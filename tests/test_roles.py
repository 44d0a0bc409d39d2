"""The roles file (errors name file, role/model, field and value) and the role-sweep plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_hybridarena.promotion.roles import (
    ROLE_STRATEGY,
    RoleCell,
    RolesError,
    TaskInfo,
    load_catalog,
    load_roles,
    model_label,
    plan_role_sweep,
    reference_lines,
)

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
[roles.draft]
classes = ["puzzles"]
tags = ["easy"]
incumbent = "embedded:qwen2.5-coder-0.5b"
challengers = ["embedded:smollm2-135m"]

[roles.coder]
classes = ["scripts"]
incumbent = "embedded:qwen2.5-coder-0.5b"
challengers = ["ollama:qwen2.5-coder:7b@http://127.0.0.1:11434"]

[models."embedded:qwen2.5-coder-0.5b"]
family = "alibaba-qwen"
cost_tier = "free"

[models."embedded:smollm2-135m"]
family = "huggingface-smollm"
cost_tier = "free"

[models."ollama:qwen2.5-coder:7b@http://127.0.0.1:11434"]
family = "alibaba-qwen"
cost_tier = "paid"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_roles_reads_roles_models_and_labels(tmp_path: Path) -> None:
    roles = load_roles(write(tmp_path, GOOD))
    assert sorted(roles.roles) == ["coder", "draft"]
    draft = roles.roles["draft"]
    assert draft.candidates == ("embedded:qwen2.5-coder-0.5b", "embedded:smollm2-135m")
    ollama = roles.models["ollama:qwen2.5-coder:7b@http://127.0.0.1:11434"]
    assert (ollama.family, ollama.cost_tier, ollama.label) == (
        "alibaba-qwen",
        "paid",
        "ollama:qwen2.5-coder:7b",
    )
    assert roles.by_label("embedded:smollm2-135m") == roles.models["embedded:smollm2-135m"]
    assert roles.tasks is None


def test_the_example_roles_file_at_the_repository_root_is_valid() -> None:
    roles = load_roles(ROOT / "roles.toml")
    assert roles.tasks == ROOT / "bench_tasks"
    families = {roles.models[c].family for r in roles.roles.values() for c in r.candidates}
    assert len(families) >= 2


def test_model_label_drops_url_and_parameters() -> None:
    assert model_label("ollama:qwen2.5-coder:7b@http://h:1;ctx=4") == "ollama:qwen2.5-coder:7b"
    assert model_label("embedded:smollm2-135m;threads=2") == "embedded:smollm2-135m"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('cost_tier = "paid"', 'cost_tier = "cheap"', r"model 'ollama:.*field 'cost_tier' = 'cheap'.*free"),
        ('family = "huggingface-smollm"', 'family = ""', r"model 'embedded:smollm2-135m'.*field 'family'"),
        (
            'incumbent = "embedded:qwen2.5-coder-0.5b"\nchallengers = ["embedded:smollm2-135m"]',
            'incumbent = "embedded:nope"\nchallengers = ["embedded:smollm2-135m"]',
            r"role 'draft': field 'incumbent' = 'embedded:nope': must be a model declared",
        ),
        (
            'challengers = ["embedded:smollm2-135m"]',
            'challengers = ["embedded:qwen2.5-coder-0.5b"]',
            r"role 'draft': field 'challengers'.*cannot challenge itself",
        ),
        ('challengers = ["embedded:smollm2-135m"]', 'challengers = ["embedded:x"]', r"not declared"),
        ('classes = ["puzzles"]\ntags = ["easy"]', "", r"role 'draft': field 'classes'.*cover some tasks"),
        ('tags = ["easy"]', 'tags = "easy"', r"role 'draft': field 'tags' = 'easy': must be a list"),
        ('tags = ["easy"]', 'tag = ["easy"]', r"role 'draft': field 'tag'.*unknown field"),
        ("[roles.coder]", "[roles.2coder]", r"role '2coder'.*must match"),
        (
            'family = "alibaba-qwen"\ncost_tier = "free"',
            'family = "q"\ncost_tier = "free"\nprice = 1',
            "price",
        ),
        ("[models.", "[model.", r"top level: field 'model'.*unknown key"),
    ],
)
def test_roles_errors_name_file_entry_field_and_value(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(RolesError, match=expected) as info:
        load_roles(path)
    assert str(info.value).startswith(str(path))


def test_two_specs_with_one_label_are_refused(tmp_path: Path) -> None:
    text = GOOD + '\n[models."embedded:smollm2-135m;threads=2"]\nfamily = "x"\ncost_tier = "free"\n'
    with pytest.raises(RolesError, match="could not be told apart"):
        load_roles(write(tmp_path, text))


def test_missing_file_and_bad_toml_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(RolesError, match=r"absent\.toml: cannot be read"):
        load_roles(tmp_path / "absent.toml")
    with pytest.raises(RolesError, match=r"roles\.toml: not valid TOML"):
        load_roles(write(tmp_path, "[roles.draft\n"))
    with pytest.raises(RolesError, match=r"field 'roles' = None: must hold at least one"):
        load_roles(write(tmp_path, ""))


def test_plan_covers_classes_and_tags_one_cell_per_model_and_task(tmp_path: Path) -> None:
    roles = load_roles(write(tmp_path, GOOD))
    tasks = [
        TaskInfo("puzzles/a", "puzzles"),
        TaskInfo("scripts/b", "scripts", ("easy",)),  # coder by class, draft by tag
        TaskInfo("hard/c", "hard", ("hard",)),  # no role
    ]
    cells = plan_role_sweep(roles, tasks)
    got = {(c.model, c.task_key): c.roles for c in cells}
    assert got == {
        ("embedded:qwen2.5-coder-0.5b", "puzzles/a"): ("draft",),
        ("embedded:smollm2-135m", "puzzles/a"): ("draft",),
        ("embedded:qwen2.5-coder-0.5b", "scripts/b"): ("coder", "draft"),  # one cell, two roles
        ("embedded:smollm2-135m", "scripts/b"): ("draft",),
        ("ollama:qwen2.5-coder:7b@http://127.0.0.1:11434", "scripts/b"): ("coder",),
    }
    assert cells == sorted(cells)
    first = cells[0]
    assert isinstance(first, RoleCell)
    assert (first.task_id, first.strategy, first.label) == ("a", ROLE_STRATEGY, "embedded:qwen2.5-coder-0.5b")


def test_plan_accepts_task_specs_from_the_catalog() -> None:
    roles = load_roles(ROOT / "roles.toml")
    catalog = load_catalog(ROOT / "bench_tasks")
    cells = plan_role_sweep(roles, catalog.values())
    assert {c.task_class for c in cells} >= {"puzzles", "scripts", "debug"}
    assert "hard" not in {c.task_class for c in cells}
    assert len({(c.model, c.task_key) for c in cells}) == len(cells)


def test_reference_lines_counts_patches_new_files_and_changed_lines(tmp_path: Path) -> None:
    task = tmp_path / "t"
    (task / "workspace").mkdir(parents=True)
    (task / "solution" / "pkg").mkdir(parents=True)
    (task / "workspace" / "a.py").write_text("x = 1\ny = 2\nz = 3\n")
    (task / "solution" / "a.py").write_text("x = 1\ny = 20\nz = 3\n")  # 1 removed + 1 added
    (task / "solution" / "pkg" / "new.py").write_text("a\nb\nc\n")  # 3 added
    (task / "solution" / "fix.patch").write_text("--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-old\n+new\n")
    assert reference_lines(task) == 2 + 3 + 2
    assert reference_lines(tmp_path / "none") is None
