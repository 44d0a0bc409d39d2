"""Model promotion by role: the promotion policy applied mechanically to the rows of a role sweep.

For each role of the roles file (:mod:`pytest_hybridarena.promotion.roles`) every challenger is compared with
the incumbent on the (task, agent, seed) pairs both ran, over the tasks the role covers, through five
gates — acceptance, review pain, hard failures, cost tier, family diversity — and replaces it only
when it passes all five. The gates, their numbers and the tie rule are defined in ``docs/promotion.md``;
each :class:`Gate` carries its numbers so the report can show why, not only what.

Rows are read as the report loads them (``models.local`` is the candidate's label, strategy
``always-local``; other strategies are ignored: there the local model did not answer every call).
Review pain needs two inputs; :func:`review_inputs` reads them from the row's ``review`` object
(written by the runner, ``review.py``), else from the cell's artifacts (rows of older runs), and says
"not measured" otherwise.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from pytest_hybridarena.promotion.roles import (
    COST_TIERS,
    ROLE_STRATEGY,
    ModelInfo,
    Role,
    Roles,
    RolesError,
    TaskInfo,
    load_catalog,
    load_roles,
)
from pytest_hybridarena.results.rows import Models, counts_as_error, counts_as_judged, counts_as_passed
from pytest_hybridarena.results.stats import (
    DEFAULT_RESAMPLES,
    cluster_bootstrap_ratios,
    non_inferior,
    paired_difference,
    task_set_seed,
)

__all__ = [
    "GATES",
    "Gate",
    "PromotionSettings",
    "RoleDecision",
    "Trial",
    "Verdict",
    "collect_trials",
    "count_diff_lines",
    "count_rounds",
    "decide_promotions",
    "decide_role",
    "promote_command",
    "render_promotion_report",
    "review_inputs",
    "write_promotion_report",
]

GATES = ("acceptance", "review pain", "hard failures", "cost tier", "family diversity")
_ROUND_RE = re.compile(r"^## Round (\d+)\s*$")
_FENCE_RE = re.compile(r"^(~{4,})\s*$")
_EPS = 1e-9


@dataclass(frozen=True)
class PromotionSettings:
    """Margins are fractions (0.05 = 5 points); tolerances are per passed pair, in their own units."""

    margin: float = 0.05  # acceptance: the challenger may be at most this much worse (95% CI)
    hard_margin: float = 0.05  # hard-failure rate: at most this much higher (95% CI)
    rounds_tolerance: float = 0.25  # failed rounds before success, per pair both passed
    lines_tolerance: float = 5.0  # lines changed beyond the reference diff, per pair both passed
    resamples: int = DEFAULT_RESAMPLES


@dataclass(frozen=True)
class Trial:
    """One (model, task, agent, seed) of a sweep; repeated rows of it are averaged.

    ``passed`` and ``hard`` (error or timeout) are fractions of its rows; ``failed_rounds`` and
    ``excess_lines`` are means over its *passed* rows where they were measured, else None.
    """

    label: str
    task_key: str
    task_class: str
    agent: str
    seed: int
    passed: float
    hard: float
    failed_rounds: float | None = None
    excess_lines: float | None = None

    @property
    def pair_key(self) -> tuple[str, str, int]:
        return (self.task_key, self.agent, self.seed)


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    detail: str  # the numbers and the rule, one line
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """One challenger against the incumbent: every gate, in :data:`GATES` order."""

    model: ModelInfo
    gates: tuple[Gate, ...]

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)

    def gate(self, name: str) -> Gate:
        return next(g for g in self.gates if g.name == name)

    def rank_key(self) -> tuple[float, int, float, float, str]:
        """The tie rule: best acceptance Δ, then cheaper tier, then lower review pain, then name."""
        acc = self.gate("acceptance").values.get("diff")
        pain = self.gate("review pain").values
        return (
            -round(acc if acc is not None else -1.0, 9),
            COST_TIERS.index(self.model.cost_tier),
            round(pain.get("failed_rounds_diff") or 0.0, 9),
            round(pain.get("excess_lines_diff") or 0.0, 9),
            self.model.spec,
        )


@dataclass(frozen=True)
class RoleDecision:
    role: Role
    incumbent: ModelInfo
    verdicts: tuple[Verdict, ...]
    promoted: str | None  # the challenger's spec, or None: the incumbent stays
    reason: str
    roster_after: tuple[str, ...]  # incumbent first, then challengers
    summaries: tuple[dict[str, Any], ...]  # per candidate: trials, rates and pain means (the report)


# --- review-pain inputs --------------------------------------------------------------------------


def count_rounds(transcript: str) -> int | None:
    """Rounds the builtin agent used: the highest ``## Round N`` heading outside its ``~~~~`` blocks
    (model replies are fenced there, so a reply quoting the heading does not count)."""
    fence: str | None = None
    rounds: int | None = None
    for line in transcript.splitlines():
        m = _FENCE_RE.match(line)
        if m and (fence is None or m.group(1) == fence):
            fence = m.group(1) if fence is None else None
            continue
        if fence is None and (r := _ROUND_RE.match(line)):
            rounds = max(rounds or 0, int(r.group(1)))
    return rounds


def count_diff_lines(diff: str) -> int:
    """Lines added + removed in a unified diff (file headers excluded)."""
    return sum(1 for x in diff.splitlines() if x[:1] in "+-" and not x.startswith(("+++", "---")))


def review_inputs(row: Mapping[str, Any], artifacts: Path | None) -> tuple[int | None, int | None]:
    """``(rounds used, lines changed)`` of one cell, each None when unknown.

    First the row's ``review`` object (``{"rounds": int | None, "lines_changed": int, ...}``, which
    the runner writes for every agent that ran; ``rounds`` is None for agents without rounds), then
    for what it leaves unknown the cell's artifact folder: ``builtin.md`` (the builtin agent's
    transcript, :func:`count_rounds`) and ``workspace.diff`` (the agent's edit as a unified diff,
    :func:`count_diff_lines`).
    """
    raw = row.get("review")
    review: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    rounds, lines = review.get("rounds"), review.get("lines_changed")
    if artifacts is not None:
        if rounds is None and (artifacts / "builtin.md").is_file():
            rounds = count_rounds((artifacts / "builtin.md").read_text(encoding="utf-8", errors="replace"))
        if lines is None and (artifacts / "workspace.diff").is_file():
            lines = count_diff_lines((artifacts / "workspace.diff").read_text("utf-8", errors="replace"))
    return (int(rounds) if rounds is not None else None, int(lines) if lines is not None else None)


def _artifacts(row: Mapping[str, Any], roots: Sequence[Path]) -> Path | None:
    rel = row.get("artifacts")
    if not rel:
        return None
    for root in roots:
        for base in (root, root / str(row.get("run_id", ""))):
            folder = base / str(rel)
            if folder.is_dir():
                return folder
    return None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def collect_trials(
    rows: Iterable[Mapping[str, Any]],
    catalog: Mapping[str, TaskInfo] | None = None,
    artifact_roots: Sequence[Path] = (),
) -> list[Trial]:
    """Rows of strategy ``always-local`` (skipped rows left out) grouped into :class:`Trial` s.

    A passed row's failed rounds are its rounds used − 1; its excess lines are
    ``max(0, lines changed − the reference solution's)`` when both are known.
    """
    groups: dict[tuple[str, str, str, str, int], list[tuple[bool, bool, int | None, int | None]]]
    groups = defaultdict(list)
    for row in rows:
        cell, label = row["cell"], Models.from_wire(row.get("models")).local
        judged = counts_as_judged(row["outcome"])
        if not label or not judged or cell["strategy"].partition("@")[0] != ROLE_STRATEGY:
            continue
        key = f"{cell['task_class']}/{cell['task_id']}"
        rounds, lines = review_inputs(row, _artifacts(row, artifact_roots))
        info = (catalog or {}).get(key)
        ref = info.reference_lines if info else None
        excess = max(0, lines - ref) if lines is not None and ref is not None else None
        failed = max(0, rounds - 1) if rounds is not None else None
        hard = counts_as_error(row["outcome"])
        groups[(label, key, cell["task_class"], cell["agent"], int(cell["seed"]))].append(
            (counts_as_passed(row["outcome"]), hard, failed, excess)
        )
    trials = []
    for (label, key, task_class, agent, seed), runs in sorted(groups.items()):
        passed = [r for r in runs if r[0]]
        trials.append(
            Trial(
                label,
                key,
                task_class,
                agent,
                seed,
                passed=len(passed) / len(runs),
                hard=sum(r[1] for r in runs) / len(runs),
                failed_rounds=_mean([r[2] for r in passed if r[2] is not None]),
                excess_lines=_mean([r[3] for r in passed if r[3] is not None]),
            )
        )
    return trials


# --- the gates -----------------------------------------------------------------------------------


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def _acceptance(pairs: list[tuple[Trial, Trial]], seed: int, s: PromotionSettings) -> Gate:
    if not pairs:
        return Gate("acceptance", False, "no (task, agent, seed) pair ran with both models", {"pairs": 0})
    tasks = [c.task_key for c, _ in pairs]
    d = paired_difference(
        tasks, [c.passed for c, _ in pairs], [i.passed for _, i in pairs],
        seed=seed, margin=s.margin, resamples=s.resamples,
    )  # fmt: skip
    ok = non_inferior(d, s.margin)
    chal, inc = (float(np.mean([p[k].passed for p in pairs])) for k in (0, 1))
    detail = (
        f"pass rate {100 * chal:.1f}% vs {100 * inc:.1f}% on {d.pairs} pairs ({d.tasks} tasks); "
        f"Δ {_pts(d.point)} pts [{_pts(d.low)}, {_pts(d.high)}]; needs lower bound > {_pts(-s.margin)}"
    )
    values = {"pairs": d.pairs, "tasks": d.tasks, "challenger": chal, "incumbent": inc, "diff": d.point,
              "low": d.low, "high": d.high, "p_value": d.p_value}  # fmt: skip
    return Gate("acceptance", ok, detail, values)


def _hard_failures(pairs: list[tuple[Trial, Trial]], seed: int, s: PromotionSettings) -> Gate:
    if not pairs:
        return Gate("hard failures", False, "no pair ran with both models", {"pairs": 0})
    tasks = [c.task_key for c, _ in pairs]
    # Non-inferiority of the *no-hard-failure* rate: Δ(hard) = −Δ(ok), upper bound = −lower bound.
    d = paired_difference(
        tasks, [1 - c.hard for c, _ in pairs], [1 - i.hard for _, i in pairs],
        seed=seed, margin=s.hard_margin, resamples=s.resamples,
    )  # fmt: skip
    chal, inc = (float(np.mean([p[k].hard for p in pairs])) for k in (0, 1))
    detail = (
        f"error+timeout {100 * chal:.1f}% vs {100 * inc:.1f}% on {d.pairs} pairs; "
        f"Δ {_pts(-d.point)} pts [{_pts(-d.high)}, {_pts(-d.low)}]; needs upper bound < {_pts(s.hard_margin)}"
    )
    values = {"pairs": d.pairs, "challenger": chal, "incumbent": inc, "diff": -d.point,
              "low": -d.high, "high": -d.low}  # fmt: skip
    return Gate("hard failures", non_inferior(d, s.hard_margin), detail, values)


def _pain_part(
    pairs: list[tuple[Trial, Trial]], attr: str, tolerance: float, seed_key: str, resamples: int
) -> tuple[bool, str, float | None]:
    """Mean paired Δ (challenger − incumbent) of one pain measure over pairs where both passed and
    both were measured; passes when the 95% task-clustered upper bound ≤ ``tolerance``."""
    both: list[tuple[float, float, str]] = []
    for c, i in pairs:
        a, b = getattr(c, attr), getattr(i, attr)
        if a is not None and b is not None:
            both.append((float(a), float(b), c.task_key))
    if not both:
        return True, "not measured on any pair both passed (does not block)", None
    tasks = sorted({t for _, _, t in both})
    totals = np.zeros((len(tasks), 2))
    for a, b, t in both:
        totals[tasks.index(t)] += (a - b, 1.0)
    (iv,) = cluster_bootstrap_ratios(
        totals, [(0, 1)], resamples=resamples, seed=task_set_seed(seed_key, tasks)
    )
    assert iv is not None  # every row of totals has a positive count
    ca, cb = sum(x[0] for x in both) / len(both), sum(x[1] for x in both) / len(both)
    ok = iv.high <= tolerance + _EPS
    text = (
        f"{ca:.2f} vs {cb:.2f} on {len(both)} pairs, Δ {iv.point:+.2f} [{iv.low:+.2f}, {iv.high:+.2f}] "
        f"(upper ≤ {tolerance:+g} needed) {'pass' if ok else 'FAIL'}"
    )
    return ok, text, iv.point


def _review_pain(pairs: list[tuple[Trial, Trial]], role: str, s: PromotionSettings) -> Gate:
    rounds_ok, rounds, rounds_d = _pain_part(
        pairs, "failed_rounds", s.rounds_tolerance, f"promotion|{role}|rounds", s.resamples
    )
    lines_ok, lines, lines_d = _pain_part(
        pairs, "excess_lines", s.lines_tolerance, f"promotion|{role}|lines", s.resamples
    )
    detail = f"failed rounds before success: {rounds}; lines beyond the reference diff: {lines}"
    values = {"failed_rounds_diff": rounds_d, "excess_lines_diff": lines_d}
    return Gate("review pain", rounds_ok and lines_ok, detail, values)


def _cost(chal: ModelInfo, inc: ModelInfo) -> Gate:
    ok = COST_TIERS.index(chal.cost_tier) <= COST_TIERS.index(inc.cost_tier)
    rule = "free needed (the incumbent is free)" if inc.cost_tier == "free" else "any tier (incumbent paid)"
    return Gate("cost tier", ok, f"{chal.cost_tier} vs {inc.cost_tier}: {rule}", {"tier": chal.cost_tier})


def _diversity(roster: Sequence[ModelInfo]) -> Gate:
    families = sorted({m.family for m in roster})
    served = ", ".join(f"{m.spec} ({m.family})" for m in roster)
    detail = (
        f"after promotion: {served}: {len(families)} famil{'y' if len(families) == 1 else 'ies'}, ≥ 2 needed"
    )
    return Gate("family diversity", len(families) >= 2, detail, {"families": families})


# --- decisions -----------------------------------------------------------------------------------


def _summary(model: ModelInfo, trials: Sequence[Trial]) -> dict[str, Any]:
    return {
        "spec": model.spec, "family": model.family, "cost_tier": model.cost_tier, "trials": len(trials),
        "pass_rate": _mean([t.passed for t in trials]), "hard_rate": _mean([t.hard for t in trials]),
        "failed_rounds": _mean([t.failed_rounds for t in trials if t.failed_rounds is not None]),
        "excess_lines": _mean([t.excess_lines for t in trials if t.excess_lines is not None]),
    }  # fmt: skip


def decide_role(
    role: Role,
    roles: Roles,
    trials: Iterable[Trial],
    catalog: Mapping[str, TaskInfo] | None = None,
    settings: PromotionSettings | None = None,
) -> RoleDecision:
    """Every challenger of ``role`` against its incumbent on the role's tasks; see the module docstring."""
    s = settings or PromotionSettings()
    models = roles.models
    by_label: dict[str, dict[tuple[str, str, int], Trial]] = defaultdict(dict)
    for t in trials:
        info = (catalog or {}).get(t.task_key)
        if role.covers(t.task_class, info.tags if info else ()):
            by_label[t.label][t.pair_key] = t
    inc = models[role.incumbent]
    base = by_label.get(inc.label, {})
    verdicts = []
    for spec in role.challengers:
        chal = models[spec]
        mine = by_label.get(chal.label, {})
        pairs = [(mine[k], base[k]) for k in sorted(mine.keys() & base.keys())]
        seed = task_set_seed(f"promotion|{role.name}", [c.task_key for c, _ in pairs])
        serving = [chal, *(models[c] for c in role.challengers if c != spec)]
        gates = (
            _acceptance(pairs, seed, s),
            _review_pain(pairs, role.name, s),
            _hard_failures(pairs, seed, s),
            _cost(chal, inc),
            _diversity(serving),
        )
        verdicts.append(Verdict(chal, gates))
    winners = sorted((v for v in verdicts if v.passed), key=Verdict.rank_key)
    summaries = tuple(
        _summary(models[c], list(by_label.get(models[c].label, {}).values())) for c in role.candidates
    )
    if not winners:
        reason = "no challengers" if not verdicts else "no challenger passed every gate; the incumbent stays"
        return RoleDecision(role, inc, tuple(verdicts), None, reason, role.candidates, summaries)
    best = winners[0].model.spec
    reason = f"{best} passed every gate"
    if len(winners) > 1:
        reason += (
            f"; {len(winners)} challengers did, chosen by best acceptance Δ, then cheaper tier, then lower "
            f"review pain (then name) over {', '.join(v.model.spec for v in winners[1:])}"
        )
    roster = (best, *(c for c in role.challengers if c != best))
    return RoleDecision(role, inc, tuple(verdicts), best, reason, roster, summaries)


def decide_promotions(
    rows: Iterable[Mapping[str, Any]],
    roles: Roles,
    catalog: Mapping[str, TaskInfo] | None = None,
    settings: PromotionSettings | None = None,
    *,
    artifact_roots: Sequence[Path] = (),
) -> list[RoleDecision]:
    """One :class:`RoleDecision` per role (by name). ``catalog`` maps task keys to tags and reference
    sizes (roles by tag match nothing without it); ``artifact_roots`` are run folders holding
    ``cells/`` (a row's ``artifacts`` is looked up under ``root`` and ``root/<run_id>``)."""
    trials = collect_trials(rows, catalog, artifact_roots)
    return [decide_role(role, roles, trials, catalog, settings) for _, role in sorted(roles.roles.items())]


def today() -> str:
    return datetime.now(UTC).date().isoformat()


# --- the report ----------------------------------------------------------------------------------


def _rate(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _role_section(d: RoleDecision) -> list[str]:
    covers = "; ".join(
        part
        for part in (
            f"classes {', '.join(d.role.classes)}" if d.role.classes else "",
            f"tags {', '.join(d.role.tags)}" if d.role.tags else "",
        )
        if part
    )
    out = [f"## Role `{d.role.name}`", "", f"Covers {covers}. Incumbent `{d.incumbent.spec}`.", ""]
    out += [
        "| model | family | tier | trials | pass rate | hard failures | failed rounds / pass | "
        "excess lines / pass |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for m in d.summaries:
        role = " (incumbent)" if m["spec"] == d.incumbent.spec else ""
        out.append(
            f"| `{m['spec']}`{role} | {m['family']} | {m['cost_tier']} | {m['trials']} | "
            f"{_rate(m['pass_rate'])} | {_rate(m['hard_rate'])} | {_num(m['failed_rounds'])} | "
            f"{_num(m['excess_lines'])} |"
        )
    for v in d.verdicts:
        failed = [g.name for g in v.gates if not g.passed]
        state = (
            "**promoted**"
            if v.model.spec == d.promoted
            else "passes every gate, not chosen"
            if v.passed
            else f"rejected ({', '.join(failed)})"
        )
        out += [
            "",
            f"### Challenger `{v.model.spec}`: {state}",
            "",
            "| gate | numbers | result |",
            "|---|---|---|",
        ]
        out += [f"| {g.name} | {g.detail} | {'pass' if g.passed else '**FAIL**'} |" for g in v.gates]
    out += ["", f"**Decision:** {d.reason}.", ""]
    return out


def render_promotion_report(
    decisions: Sequence[RoleDecision],
    *,
    date: str,
    settings: PromotionSettings | None = None,
    roles_path: Path | str | None = None,
    inputs: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> str:
    """``local-model-benchmark-<date>.md``: the policy, a summary table, then per role the candidates'
    numbers and every challenger's gates with their numbers and pass/fail (``docs/promotion.md``)."""
    s = settings or PromotionSettings()
    out = [f"# Local model benchmark — {date}", ""]
    if roles_path or inputs:
        out += [f"Roles from `{roles_path}`; rows from {', '.join(f'`{p}`' for p in inputs) or '–'}.", ""]
    out += [
        f"Policy (docs/promotion.md): a challenger replaces the incumbent only if (1) its acceptance rate "
        f"is non-inferior (95% lower bound of Δ > −{100 * s.margin:g} pts), (2) its review pain is no worse "
        f"(95% upper bound of Δ failed rounds ≤ {s.rounds_tolerance:g}, of Δ excess lines ≤ "
        f"{s.lines_tolerance:g}, per pair both passed), (3) its hard-failure rate is non-inferior (95% upper "
        f"bound of Δ < {100 * s.hard_margin:g} pts), (4) its cost tier is no costlier and (5) the role keeps "
        f"≥ 2 model families after the promotion (the old incumbent leaves the role). Paired on (task, "
        f"agent, seed), task-clustered bootstrap with {s.resamples} resamples.",
        "",
        *(f"- note: {n}" for n in notes),
        "## Summary",
        "",
        "| role | incumbent | decision | serving after (incumbent first) |",
        "|---|---|---|---|",
    ]
    for d in decisions:
        verdict = f"promote `{d.promoted}`" if d.promoted else "keep"
        after = ", ".join(f"`{m}`" for m in d.roster_after)
        out.append(f"| {d.role.name} | `{d.incumbent.spec}` | {verdict} | {after} |")
    out.append("")
    for d in decisions:
        out += _role_section(d)
    return "\n".join(out).rstrip("\n") + "\n"


def write_promotion_report(
    decisions: Sequence[RoleDecision],
    out_dir: str | Path = "reports",
    *,
    date: str | None = None,
    **kwargs: Any,
) -> Path:
    """Write :func:`render_promotion_report` to ``<out_dir>/local-model-benchmark-<date>.md`` (date:
    today, UTC, unless given); returns the path."""
    day = date or today()
    path = Path(out_dir) / f"local-model-benchmark-{day}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_promotion_report(decisions, date=day, **kwargs), encoding="utf-8")
    return path


def promote_command(
    rows: Sequence[Mapping[str, Any]],
    inputs: Sequence[Path],
    roles_path: Path,
    out: Path | None = None,
    settings: PromotionSettings | None = None,
    date: str | None = None,
) -> int:
    """``report … --promote``: 0 when the report was written, 2 for a bad roles file (message on stderr)."""
    try:
        roles = load_roles(roles_path)
    except RolesError as exc:
        print(f"report --promote: {exc}", file=sys.stderr)
        return 2
    root = roles.tasks or roles.path.parent / "bench_tasks"
    catalog = load_catalog(root) if root.is_dir() else {}
    notes = []
    if not catalog and any(r.tags for r in roles.roles.values()):
        notes.append(f"no task folder at {root} (set `tasks` in the roles file): roles match by class only")
    roots = [p if p.is_dir() else p.parent for p in inputs]
    decisions = decide_promotions(rows, roles, catalog, settings, artifact_roots=roots)
    path = write_promotion_report(
        decisions, out or Path("reports"), date=date, settings=settings, roles_path=roles.path,
        inputs=[str(p) for p in inputs], notes=notes,
    )  # fmt: skip
    for d in decisions:
        print(f"{d.role.name}: {'promote ' + d.promoted if d.promoted else 'keep ' + d.incumbent.spec}")
    print(f"wrote {path}")
    return 0
