"""The promotion policy on constructed rows: each gate alone flips the decision; ties; the report."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest

from pytest_hybridarena.__main__ import main
from pytest_hybridarena.promotion.promote import (
    GATES,
    PromotionSettings,
    RoleDecision,
    count_diff_lines,
    count_rounds,
    decide_promotions,
    render_promotion_report,
    review_inputs,
    write_promotion_report,
)
from pytest_hybridarena.promotion.roles import Roles, TaskInfo, parse_roles
from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.rows import Outcome as RowOutcome
from pytest_hybridarena.results.rows import Row

INC, CHAL, OTHER = "embedded:qwen2.5-coder-0.5b", "embedded:smollm2-135m", "embedded:qwen2.5-coder-1.5b"
SETTINGS = PromotionSettings(resamples=2000)
TASKS = [f"t{i:02d}" for i in range(50)]
SEEDS = (1, 2)
PASSING = set(TASKS[:35])  # the incumbent passes 35 of 50 tasks under both seeds: 100 pairs

Outcome = Callable[[str, int], str]


def roles_for(
    chal_family: str = "huggingface-smollm", chal_tier: str = "free", inc_tier: str = "free", extra: str = ""
) -> Roles:
    text = f"""
[roles.draft]
classes = ["puzzles"]
incumbent = "{INC}"
challengers = ["{CHAL}", "{OTHER}"{extra}]
[models."{INC}"]
family = "alibaba-qwen"
cost_tier = "{inc_tier}"
[models."{CHAL}"]
family = "{chal_family}"
cost_tier = "{chal_tier}"
[models."{OTHER}"]
family = "alibaba-qwen"
cost_tier = "free"
"""
    return parse_roles(tomllib.loads(text), Path("roles.toml"))


def base(task: str, seed: int) -> str:
    return "pass" if task in PASSING else "fail"


def rows_for(
    label: str,
    outcome: Outcome = base,
    rounds: int = 1,
    lines: int | None = None,
    strategy: str = "always-local",
) -> list[dict[str, Any]]:
    out = []
    for task in TASKS:
        for seed in SEEDS:
            result = outcome(task, seed)
            cell = Cell("puzzles", task, "builtin", strategy, seed)
            error = {"kind": "agent", "message": "x"} if result in ("error", "timeout") else None
            models: dict[str, str | None] = {"local": label, "cloud": None}
            row = Row("run", cell, cast(RowOutcome, result), error=error, models=models).to_wire()
            row["review"] = {"rounds": rounds} | ({"lines_changed": lines} if lines is not None else {})
            out.append(row)
    return out


def decide(roles: Roles, rows: list[dict[str, Any]], **kwargs: Any) -> RoleDecision:
    (decision,) = decide_promotions(rows, roles, settings=SETTINGS, **kwargs)
    return decision


def gates(decision: RoleDecision, spec: str = CHAL) -> dict[str, bool]:
    verdict = next(v for v in decision.verdicts if v.model.spec == spec)
    return {g.name: g.passed for g in verdict.gates}


ALL_PASS = dict.fromkeys(GATES, True)


def test_all_gates_pass_promotes_the_challenger() -> None:
    decision = decide(roles_for(), rows_for(INC) + rows_for(CHAL))
    assert gates(decision) == ALL_PASS
    assert decision.promoted == CHAL
    assert decision.roster_after == (CHAL, OTHER)  # the old incumbent leaves the role
    assert gates(decision, OTHER)["acceptance"] is False  # no rows: nothing to compare


def test_acceptance_alone_flips_the_decision() -> None:
    worse = set(TASKS[:10])  # fails (not errors) ten tasks the incumbent passes: −20 pts

    def outcome(task: str, seed: int) -> str:
        return "fail" if task in worse else base(task, seed)

    decision = decide(roles_for(), rows_for(INC) + rows_for(CHAL, outcome))
    assert gates(decision) == ALL_PASS | {"acceptance": False}
    assert decision.promoted is None
    acc = decision.verdicts[0].gate("acceptance")
    assert acc.values["diff"] == pytest.approx(-0.2)
    assert "needs lower bound > -5.0" in acc.detail


def test_acceptance_margin_is_a_setting() -> None:
    def outcome(task: str, seed: int) -> str:  # one pair lost of 100: −1 pt, 95% CI [−5.4, +2.7]
        return "fail" if (task, seed) == (TASKS[0], 1) else base(task, seed)

    rows = rows_for(INC) + rows_for(CHAL, outcome)
    assert gates(decide(roles_for(), rows))["acceptance"] is False
    (wide,) = decide_promotions(rows, roles_for(), settings=PromotionSettings(margin=0.1, resamples=2000))
    assert wide.promoted == CHAL


def test_review_pain_alone_flips_the_decision() -> None:
    decision = decide(roles_for(), rows_for(INC) + rows_for(CHAL, rounds=3))  # two failed rounds per pass
    assert gates(decision) == ALL_PASS | {"review pain": False}
    assert decision.promoted is None
    pain = decision.verdicts[0].gate("review pain")
    assert pain.values["failed_rounds_diff"] == pytest.approx(2.0)
    assert "lines beyond the reference diff: not measured" in pain.detail


def test_excess_lines_beyond_the_reference_flip_review_pain() -> None:
    catalog = {f"puzzles/{t}": TaskInfo(f"puzzles/{t}", "puzzles", (), reference_lines=10) for t in TASKS}
    rows = rows_for(INC, lines=12) + rows_for(CHAL, lines=40)  # excess 2 vs 30 lines per passed pair
    decision = decide(roles_for(), rows, catalog=catalog)
    assert gates(decision) == ALL_PASS | {"review pain": False}
    assert decision.verdicts[0].gate("review pain").values["excess_lines_diff"] == pytest.approx(28.0)
    same = decide(roles_for(), rows_for(INC, lines=12) + rows_for(CHAL, lines=8), catalog=catalog)
    assert same.promoted == CHAL  # fewer lines than the reference: excess 0, no worse


def test_hard_failures_alone_flip_the_decision() -> None:
    def outcome(task: str, seed: int) -> str:  # where the incumbent merely fails, the challenger errors
        return base(task, seed) if task in PASSING else ("timeout" if seed == 1 else "error")

    decision = decide(roles_for(), rows_for(INC) + rows_for(CHAL, outcome))
    assert gates(decision) == ALL_PASS | {"hard failures": False}
    hard = decision.verdicts[0].gate("hard failures")
    assert (hard.values["challenger"], hard.values["incumbent"]) == (pytest.approx(0.3), 0.0)
    assert decision.promoted is None


def test_cost_tier_alone_flips_the_decision() -> None:
    decision = decide(roles_for(chal_tier="paid"), rows_for(INC) + rows_for(CHAL))
    assert gates(decision) == ALL_PASS | {"cost tier": False}
    assert decision.promoted is None
    paid_incumbent = decide(roles_for(chal_tier="paid", inc_tier="paid"), rows_for(INC) + rows_for(CHAL))
    assert paid_incumbent.promoted == CHAL


def test_family_diversity_alone_flips_the_decision() -> None:
    # Promoting a Qwen challenger would leave the role with two Qwen models and nothing else.
    decision = decide(roles_for(chal_family="alibaba-qwen"), rows_for(INC) + rows_for(CHAL))
    assert gates(decision) == ALL_PASS | {"family diversity": False}
    assert decision.promoted is None
    assert "1 family" in decision.verdicts[0].gate("family diversity").detail


def tie_roles(inc_tier: str = "paid", b_tier: str = "paid", c_tier: str = "free") -> Roles:
    b, c = "embedded:b-model", "embedded:c-model"
    text = f"""
[roles.draft]
classes = ["puzzles"]
incumbent = "{INC}"
challengers = ["{b}", "{c}"]
[models."{INC}"]
family = "alibaba-qwen"
cost_tier = "{inc_tier}"
[models."{b}"]
family = "google-gemma"
cost_tier = "{b_tier}"
[models."{c}"]
family = "meta-llama"
cost_tier = "{c_tier}"
"""
    return parse_roles(tomllib.loads(text), Path("roles.toml"))


def better(task: str, seed: int) -> str:
    return "pass" if task in PASSING or task == TASKS[40] else "fail"


def test_tie_on_acceptance_goes_to_the_cheaper_tier() -> None:
    rows = rows_for(INC) + rows_for("embedded:b-model") + rows_for("embedded:c-model")
    decision = decide(tie_roles(b_tier="paid", c_tier="free"), rows)
    assert [v.passed for v in decision.verdicts] == [True, True]
    assert decision.promoted == "embedded:c-model"
    assert "2 challengers did" in decision.reason


def test_better_acceptance_beats_a_cheaper_tier() -> None:
    rows = rows_for(INC) + rows_for("embedded:b-model", better) + rows_for("embedded:c-model")
    assert decide(tie_roles(b_tier="paid", c_tier="free"), rows).promoted == "embedded:b-model"


def test_tie_on_acceptance_and_tier_goes_to_lower_review_pain_then_name() -> None:
    roles = tie_roles(inc_tier="free", b_tier="free", c_tier="free")
    rows = rows_for(INC, rounds=2) + rows_for("embedded:b-model", rounds=2) + rows_for("embedded:c-model")
    assert decide(roles, rows).promoted == "embedded:c-model"
    same = rows_for(INC) + rows_for("embedded:b-model") + rows_for("embedded:c-model")
    assert decide(roles, same).promoted == "embedded:b-model"


def test_other_strategies_and_uncovered_classes_are_ignored() -> None:
    rows = rows_for(INC) + rows_for(CHAL, lambda t, s: "fail", strategy="always-cloud")
    decision = decide(roles_for(), rows)
    assert gates(decision)["acceptance"] is False
    assert decision.verdicts[0].gate("acceptance").values["pairs"] == 0


def test_roles_match_rows_by_tag_through_the_catalog() -> None:
    roles = roles_for()
    data = tomllib.loads(
        f'[roles.r]\ntags = ["easy"]\nincumbent = "{INC}"\nchallengers = ["{CHAL}", "{OTHER}"]\n'
    )
    data["models"] = {m.spec: {"family": m.family, "cost_tier": m.cost_tier} for m in roles.models.values()}
    tagged = parse_roles(data, Path("roles.toml"))
    rows = rows_for(INC) + rows_for(CHAL)
    assert decide(tagged, rows).verdicts[0].gate("acceptance").values["pairs"] == 0  # no catalog: no tags
    catalog = {f"puzzles/{t}": TaskInfo(f"puzzles/{t}", "puzzles", ("easy",)) for t in TASKS}
    assert decide(tagged, rows, catalog=catalog).promoted == CHAL


def test_decisions_are_deterministic() -> None:
    rows = rows_for(INC) + rows_for(CHAL, lambda t, s: "fail" if t in TASKS[:2] else base(t, s))
    first, second = decide(roles_for(), rows), decide(roles_for(), list(reversed(rows)))
    assert first.verdicts == second.verdicts


def test_count_rounds_ignores_headings_inside_fenced_replies() -> None:
    text = (
        "# builtin agent transcript\n\n## Round 1\n\n### assistant\n\n~~~~\n## Round 7\n~~~~\n\n## Round 2\n"
    )
    assert count_rounds(text) == 2
    assert count_rounds("# builtin agent transcript\n## Result: error\n") is None


def test_review_inputs_come_from_the_row_then_the_artifacts(tmp_path: Path) -> None:
    (tmp_path / "builtin.md").write_text("## Round 1\n\n## Round 2\n## Round 3\n")
    (tmp_path / "workspace.diff").write_text("--- a/x.py\n+++ b/x.py\n@@ -1 +1,2 @@\n-a\n+b\n+c\n")
    assert review_inputs({}, tmp_path) == (3, 3)
    assert review_inputs({"review": {"rounds": 1}}, tmp_path) == (1, 3)
    assert review_inputs({}, None) == (None, None)
    assert count_diff_lines("+++ b\n--- a\n") == 0


def test_review_pain_is_read_from_cell_artifacts_under_the_run_folder(tmp_path: Path) -> None:
    rows = rows_for(INC) + rows_for(CHAL)
    for row in rows:
        del row["review"]
        if row["models"]["local"] == CHAL and row["outcome"] == "pass":
            row["artifacts"] = f"cells/{row['cell']['task_id']}-{row['cell']['seed']}"
            folder = tmp_path / "run" / row["artifacts"]
            folder.mkdir(parents=True)
            (folder / "builtin.md").write_text("## Round 1\n## Round 2\n")
    unmeasured = decide(roles_for(), rows)
    assert "not measured" in unmeasured.verdicts[0].gate("review pain").detail  # roots not given
    for row in rows:
        if row["models"]["local"] == INC and row["outcome"] == "pass":
            row["review"] = {"rounds": 1}
    decision = decide(roles_for(), rows, artifact_roots=[tmp_path])  # found under <root>/<run_id>/
    assert decision.verdicts[0].gate("review pain").values["failed_rounds_diff"] == pytest.approx(1.0)
    assert decision.promoted is None


def test_report_lists_every_gate_with_numbers_and_is_written_by_date(tmp_path: Path) -> None:
    decisions = decide_promotions(rows_for(INC) + rows_for(CHAL, rounds=3), roles_for(), settings=SETTINGS)
    text = render_promotion_report(decisions, date="2026-01-02", settings=SETTINGS)
    assert text.startswith("# Local model benchmark — 2026-01-02\n")
    for gate in GATES:
        assert f"| {gate} |" in text
    assert "rejected (review pain)" in text
    assert "| draft |" in text
    assert "70.0% vs 70.0% on 100 pairs (50 tasks)" in text
    path = write_promotion_report(decisions, tmp_path / "reports", date="2026-01-02", settings=SETTINGS)
    assert path == tmp_path / "reports" / "local-model-benchmark-2026-01-02.md"
    assert path.read_text(encoding="utf-8") == text


def test_report_command_promote_writes_the_benchmark_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    rows = rows_for(INC) + rows_for(CHAL)
    (run / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    roles = tmp_path / "roles.toml"
    roles.write_text(
        f'[roles.draft]\nclasses = ["puzzles"]\nincumbent = "{INC}"\nchallengers = ["{CHAL}", "{OTHER}"]\n'
        f'[models."{INC}"]\nfamily = "alibaba-qwen"\ncost_tier = "free"\n'
        f'[models."{CHAL}"]\nfamily = "huggingface-smollm"\ncost_tier = "free"\n'
        f'[models."{OTHER}"]\nfamily = "alibaba-qwen"\ncost_tier = "free"\n'
    )
    out = tmp_path / "out"
    argv = ["report", str(run), "--promote", "--roles", str(roles), "--out", str(out), "--resamples", "500"]
    assert main(argv) == 0
    assert f"draft: promote {CHAL}" in capsys.readouterr().out
    (report,) = out.glob("local-model-benchmark-*.md")
    assert "**promoted**" in report.read_text(encoding="utf-8")
    roles.write_text("[roles.draft]\n")
    assert main(argv) == 2
    assert f"{roles}: role 'draft'" in capsys.readouterr().err
