"""Scaling: the same sweep at ``-n 1, 2, 4, 8`` against a latency-bound fake model.

    python bench/scaling.py [--tasks 8] [--calls 2] [--latency 1.5] [--workers 1,2,4,8]

The fake OpenAI-compatible upstream answers every call after a fixed delay (the LLM is the
bottleneck, as in a real sweep); each cell's agent makes ``--calls`` calls through the cell's
router and writes the solution; scoring runs the real acceptance suite in the process sandbox.
The figure is the speedup of each ``-n`` over ``-n 1`` measured in this same run, plus the ideal
(latency-only) speedup for reference. Target (issue 7/10): ``-n 4`` ≥ 3.5× ``-n 1``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from aiohttp import web

AGENT_CONFTEST = '''
import os, httpx
from pytest_hybridarena.agents.base import AgentResult

class Chatty:
    """Calls the model N times, then writes the solution."""
    name = "chatty"; uses_llm = True
    def available(self): return True, ""
    def run(self, request):
        ep = request.endpoint
        for i in range(int(os.environ["BENCH_CALLS"])):
            r = httpx.post(ep.openai_base_url + "/chat/completions", timeout=120,
                           json={"model": ep.model, "messages": [{"role": "user", "content": f"step {i}"}]})
            r.raise_for_status()
        (request.workspace / "calc.py").write_text("def add(a, b):\\n    return a + b\\n")
        return AgentResult("ok")

def pytest_arena_make_agent(name, params, config):
    return Chatty() if name == "chatty" else None
'''

TASK_TOML = 'title = "add"\ninstruction = "Implement add in calc.py."\n'
STUB = "def add(a, b):\n    raise NotImplementedError\n"
TESTS = "from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n"
SOLUTION = "def add(a, b):\n    return a + b\n"


def start_fake(latency_s: float) -> tuple[str, threading.Event]:
    """A fake OpenAI-compatible server that answers after ``latency_s`` (asyncio, so concurrent)."""
    answer = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "fake",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }

    async def chat(request: web.Request) -> web.Response:
        await request.read()
        await asyncio.sleep(latency_s)
        return web.json_response(answer)

    ready: list[int] = []
    started, stop = threading.Event(), threading.Event()

    def serve() -> None:
        async def main() -> None:
            app = web.Application()
            app.router.add_post("/v1/chat/completions", chat)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            ready.append(int(runner.addresses[0][1]))
            started.set()
            await asyncio.get_running_loop().run_in_executor(None, stop.wait)
            await runner.cleanup()

        asyncio.run(main())

    threading.Thread(target=serve, name="fake-upstream", daemon=True).start()
    started.wait(10)
    return f"http://127.0.0.1:{ready[0]}/v1", stop


def make_tasks(root: Path, count: int) -> None:
    for i in range(count):
        task = root / "bench_tasks" / "scaling" / f"t{i:02d}"
        for rel, text in {
            "task.toml": TASK_TOML,
            "workspace/calc.py": STUB,
            "tests/test_calc.py": TESTS,
            "solution/calc.py": SOLUTION,
        }.items():
            (task / rel).parent.mkdir(parents=True, exist_ok=True)
            (task / rel).write_text(text)
    (root / "conftest.py").write_text(textwrap.dedent(AGENT_CONFTEST))


def run_sweep(root: Path, url: str, workers: int, calls: int) -> float:
    args = [
        sys.executable, "-m", "pytest", "bench_tasks", "-q", "-p", "no:cacheprovider",
        "--arena-agents=chatty", "--arena-strategies=always-cloud",
        f"--arena-local=openai:fake@{url}", f"--arena-cloud=openai:fake@{url}",
    ]  # fmt: skip
    if workers > 1:
        args += ["-n", str(workers)]
    env = {**os.environ, "BENCH_CALLS": str(calls)}
    env.pop("PYTEST_ADDOPTS", None)
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"sweep at -n {workers} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--latency", type=float, default=1.5, help="seconds per model call")
    parser.add_argument("--workers", default="1,2,4,8")
    args = parser.parse_args()
    url, stop = start_fake(args.latency)
    with tempfile.TemporaryDirectory(prefix="arena-scaling-") as tmp:
        root = Path(tmp)
        make_tasks(root, args.tasks)
        counts = [int(w) for w in args.workers.split(",")]
        times = {n: run_sweep(root, url, n, args.calls) for n in counts}
    stop.set()
    base = times[counts[0]]
    print(
        f"scaling: {args.tasks} cells × {args.calls} calls × {args.latency}s latency, {os.cpu_count()} CPUs"
    )
    print(f"{'workers':>8} {'wall s':>8} {'speedup':>8} {'ideal':>6}")
    for n in counts:
        ideal = min(n, args.tasks) / counts[0]
        print(f"{n:>8} {times[n]:>8.1f} {base / times[n]:>7.2f}× {ideal:>5.1f}×")


if __name__ == "__main__":
    main()
