"""Agent parity: does an agent keep the skill its model has when called directly?

For every task of a function-task set (``bench_tasks/functions``: one stub per task whose last line
is ``    raise NotImplementedError``) and every model, two pass counts are measured with the same
GGUF file and the same hidden acceptance suites:

* **direct** — the model called in-process through llama-cpp-python with a plain completion
  prompt: the stub file cut just before its ``raise NotImplementedError`` line, so the model writes
  the function body. Greedy (temperature 0, no repeat penalty), at most ``--max-tokens`` tokens,
  stopped where a new top-level statement begins. The file is then scored by the task's suite in
  the harness's own process sandbox (``scoring.score_workspace``), exactly as a cell is scored.
* **harness** — each agent spec run by the real plugin: ``pytest <tasks> --arena-agents=<spec>
  --arena-strategies=always-local --arena-local=embedded:<model>``, one seed; pass counts read
  from the run's ``results.jsonl``.

It prints, per model and agent, the two counts side by side with the gap in points, and the tasks
on which they disagree; ``--out`` writes the whole comparison as JSON. Example (about 25 minutes
on 2 cores for both models and builtin)::

    python bench/agent_parity.py --models qwen2.5-coder-0.5b,qwen2.5-coder-1.5b --agents builtin

``--pytest-arg`` passes extra arguments to every harness run (e.g. ``-p myplugin`` to measure an
agent of your own against the same direct figure).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUB_LINE = "    raise NotImplementedError"
# A completion ends where the function does: a new top-level statement (HumanEval's stop set).
STOPS = ["\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\nassert ", "\n```"]


@dataclass(frozen=True)
class Task:
    key: str
    folder: Path
    file: str  # the stub file, relative to workspace/


def find_tasks(root: Path) -> list[Task]:
    """Every task under ``root`` whose workspace holds exactly one stub file ending in STUB_LINE."""
    from pytest_hybridarena.run.tasks import is_task_dir, load_task

    tasks = []
    for toml in sorted(root.rglob("task.toml")):
        folder = toml.parent
        if not is_task_dir(folder):
            continue
        spec = load_task(folder)
        stubs = [
            p.relative_to(spec.workspace).as_posix()
            for p in sorted(spec.workspace.rglob("*.py"))
            if p.read_text(encoding="utf-8").rstrip("\n").endswith(STUB_LINE)
        ]
        if len(stubs) != 1:
            raise SystemExit(
                f"{folder}: expected one stub file ending in {STUB_LINE.strip()!r}, found {stubs}"
            )
        tasks.append(Task(spec.key, folder, stubs[0]))
    if not tasks:
        raise SystemExit(f"no task folders under {root}")
    return tasks


def completion_prompt(stub: str) -> str:
    """The stub cut just before its final ``raise NotImplementedError`` line (ending in a newline:
    the model writes the body's indentation itself, as in HumanEval; a prompt ending in spaces
    splits the indentation token and the 0.5B model then indented its first line by five)."""
    text = stub.rstrip("\n")
    return text[: -len(STUB_LINE)]


def run_direct(
    tasks: list[Task], model: str, max_tokens: int, log_dir: Path, threads: int | None
) -> dict[str, str]:
    """Outcome per task key (``pass``/``fail``/…) of the model completing each stub directly."""
    from pytest_hybridarena.router.backends.embedded import load_model
    from pytest_hybridarena.run.sandbox.process import ProcessSandbox
    from pytest_hybridarena.run.scoring import copy_workspace, score_workspace
    from pytest_hybridarena.run.tasks import load_task

    llm = load_model(model, threads=threads).llm
    sandbox = ProcessSandbox()
    outcomes: dict[str, str] = {}
    for task in tasks:
        spec = load_task(task.folder)
        prompt = completion_prompt((spec.workspace / task.file).read_text(encoding="utf-8"))
        llm.reset()
        out = llm.create_completion(
            prompt, max_tokens=max_tokens, temperature=0.0, top_k=1, repeat_penalty=1.0, seed=0, stop=STOPS
        )
        body = out["choices"][0]["text"]
        with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
            work = Path(tmp) / "workspace"
            copy_workspace(spec.workspace, work)
            (work / task.file).write_text(prompt + body.rstrip() + "\n", encoding="utf-8")
            cell_log = log_dir / task.key.replace("/", "__")
            cell_log.mkdir(parents=True, exist_ok=True)
            (cell_log / task.file.replace("/", "__")).write_text(prompt + body, encoding="utf-8")
            result = score_workspace(spec, work, Path(tmp), sandbox, cell_log)
        outcomes[task.key] = result.outcome
        print(f"  direct {model} {task.key}: {result.outcome}", file=sys.stderr, flush=True)
    return outcomes


def run_harness(
    tasks_root: Path, model: str, agent: str, seed: int, out_dir: Path, extra: list[str], threads: int | None
) -> dict[str, str]:
    """Outcome per task key of ``agent`` run by the plugin with the model as the local side."""
    results = out_dir / "results.jsonl"
    local = f"embedded:{model}" + (f";threads={threads}" if threads else "")
    argv = [
        sys.executable, "-m", "pytest", str(tasks_root), "-p", "no:cacheprovider", "-q", "--tb=no",
        f"--arena-agents={agent}", "--arena-strategies=always-local", f"--arena-local={local}",
        f"--arena-seeds={seed}", f"--arena-out={results}", "--arena-summary=none", *extra,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARENA_", "PYTEST_"))}
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if not results.is_file():
        raise SystemExit(
            f"harness run wrote no rows (exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    outcomes = {}
    for line in results.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        outcomes[f"{row['cell']['task_class']}/{row['cell']['task_id']}"] = row["outcome"]
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=Path, default=ROOT / "bench_tasks" / "functions")
    parser.add_argument("--models", default="qwen2.5-coder-0.5b,qwen2.5-coder-1.5b")
    parser.add_argument("--agents", default="builtin", help="comma-separated agent specs (';' inside a spec)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-tokens", type=int, default=512, help="direct completion cap")
    parser.add_argument("--modes", default="direct,harness")
    parser.add_argument(
        "--threads", type=int, default=None, help="llama.cpp threads for both ways (1 on a busy machine)"
    )
    parser.add_argument("--out", type=Path, default=None, help="write the comparison as JSON here")
    parser.add_argument("--pytest-arg", action="append", default=[], help="extra argument for harness runs")
    args = parser.parse_args(argv)
    tasks = find_tasks(args.tasks)
    modes = set(args.modes.split(","))
    work = Path(tempfile.mkdtemp(prefix="agent-parity-"))
    report: dict[str, dict[str, dict[str, str]]] = {}
    print(f"{len(tasks)} tasks from {args.tasks}; artifacts under {work}", file=sys.stderr)
    for model in args.models.split(","):
        per: dict[str, dict[str, str]] = {}
        if "direct" in modes:
            started = time.monotonic()
            per["direct"] = run_direct(tasks, model, args.max_tokens, work / model / "direct", args.threads)
            print(f"direct {model}: {time.monotonic() - started:.0f}s", file=sys.stderr)
        if "harness" in modes:
            for agent in args.agents.split(","):
                started = time.monotonic()
                out_dir = work / model / agent.replace("/", "_").replace(";", "_")
                per[agent] = run_harness(
                    args.tasks, model, agent, args.seed, out_dir, args.pytest_arg, args.threads
                )
                print(f"{agent} {model}: {time.monotonic() - started:.0f}s ({out_dir})", file=sys.stderr)
        report[model] = per
    n = len(tasks)
    print(f"\n{'model':<22} {'way':<28} {'pass':>7} {'rate':>7} {'gap vs direct':>14}")
    for model, per in report.items():
        base = per.get("direct")
        base_pass = sum(o == "pass" for o in base.values()) if base else None
        for way, outcomes in per.items():
            passed = sum(o == "pass" for o in outcomes.values())
            gap = "" if base_pass is None or way == "direct" else f"{100 * (passed - base_pass) / n:+.1f} pts"
            print(f"{model:<22} {way:<28} {passed:>3}/{n:<3} {100 * passed / n:>6.1f}% {gap:>14}")
            if base and way != "direct":
                lost = sorted(k for k in base if base[k] == "pass" and outcomes.get(k) != "pass")
                won = sorted(k for k in base if base[k] != "pass" and outcomes.get(k) == "pass")
                other = sorted(k for k, o in outcomes.items() if o in ("error", "timeout"))
                print(f"{'':<22}   lost vs direct: {', '.join(lost) or '-'}")
                print(f"{'':<22}   won vs direct:  {', '.join(won) or '-'}")
                if other:
                    print(f"{'':<22}   error/timeout:  {', '.join(f'{k}={outcomes[k]}' for k in other)}")
    if args.out:
        args.out.write_text(json.dumps({"tasks": n, "results": report}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
