"""Scaling: the same sweep at ``-n 1, 2, 4, 8`` against a latency-bound fake model.

    python bench/scaling.py [--tasks 8] [--calls 2] [--latency 1.5] [--workers 1,2,4,8]
                            [--dist load[,worksteal]] [--repeat 1]

The fake OpenAI-compatible upstream answers every call after a fixed delay (the LLM is the
bottleneck, as in a real sweep); each cell's agent makes ``--calls`` calls through the cell's
router and writes the solution; scoring runs the real acceptance suite in the process sandbox.
The figure is the speedup of each ``-n`` over ``-n 1`` measured in this same run, plus the ideal
(latency-only) speedup for reference. Target: ``-n 4`` ≥ 3.5× ``-n 1``.

Where the rest of the wall goes, from the rows (results.jsonl) and the sweep's CPU time
(``RUSAGE_CHILDREN``): start-up (command start -> first cell starts), the median cell (agent +
scoring), the tail (last cell ends -> command exits), and the CPU seconds the whole sweep used.
``--dist`` compares xdist schedulers; ``--repeat`` runs every configuration again (order rotated),
and the figures are medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

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


def run_sweep(root: Path, url: str, workers: int, calls: int, dist: str = "load") -> dict[str, Any]:
    out = root / "out" / f"n{workers}-{dist}-{time.monotonic_ns()}" / "results.jsonl"
    args = [
        sys.executable, "-m", "pytest", "bench_tasks", "-q", "-p", "no:cacheprovider",
        "--arena-agents=chatty", "--arena-strategies=always-cloud",
        f"--arena-local=openai:fake@{url}", f"--arena-cloud=openai:fake@{url}", f"--arena-out={out}",
    ]  # fmt: skip
    if workers > 1:
        args += ["-n", str(workers), "--dist", dist]
    env = {**os.environ, "BENCH_CALLS": str(calls)}
    env.pop("PYTEST_ADDOPTS", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, check=False)
    t1 = time.time()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"sweep at -n {workers} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    starts = [datetime.fromisoformat(r["started_at"]).timestamp() for r in rows]
    ends = [datetime.fromisoformat(r["finished_at"]).timestamp() for r in rows]
    return {
        "wall": t1 - t0,
        "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "startup": min(starts) - t0,
        "tail": t1 - max(ends),
        "cell": statistics.median(e - s for s, e in zip(starts, ends, strict=True)),
        "score": statistics.median(r["wall_s"]["score"] for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--latency", type=float, default=1.5, help="seconds per model call")
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--dist", default="load", help="xdist schedulers to compare, comma-separated")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    url, stop = start_fake(args.latency)
    counts = [int(w) for w in args.workers.split(",")]
    dists = args.dist.split(",")
    configs = [(n, d) for n in counts for d in (dists if n > 1 else dists[:1])]
    runs: dict[tuple[int, str], list[dict[str, Any]]] = {c: [] for c in configs}
    with tempfile.TemporaryDirectory(prefix="arena-scaling-") as tmp:
        root = Path(tmp)
        make_tasks(root, args.tasks)
        for rep in range(args.repeat):
            order = configs[rep % len(configs) :] + configs[: rep % len(configs)]
            for n, d in order:
                runs[(n, d)].append(run_sweep(root, url, n, args.calls, d))
                print(f"-n {n} --dist {d}: {runs[(n, d)][-1]['wall']:.1f} s", file=sys.stderr, flush=True)
    stop.set()

    def med(config: tuple[int, str], key: str) -> float:
        return float(statistics.median(r[key] for r in runs[config]))

    base = med(configs[0], "wall")
    print(
        f"scaling: {args.tasks} cells × {args.calls} calls × {args.latency}s latency, {os.cpu_count()} CPUs, "
        f"{args.repeat} repeat(s), medians"
    )
    print("| workers | dist | wall s | speedup | ideal | start-up s | median cell s | tail s | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, d in configs:
        ideal = min(n, args.tasks) / counts[0]
        c = (n, d)
        print(
            f"| {n} | {d if n > 1 else '-'} | {med(c, 'wall'):.1f} | {base / med(c, 'wall'):.2f}× "
            f"| {ideal:.0f}× "
            f"| {med(c, 'startup'):.2f} | {med(c, 'cell'):.2f} | {med(c, 'tail'):.2f} | {med(c, 'cpu'):.1f} |"
        )


if __name__ == "__main__":
    main()
