"""Scaling: the same sweep at ``-n 1, 2, 4, 8`` against a latency-bound fake model.

    python bench/scaling.py [--tasks 8] [--calls 2] [--latency 2] [--workers 1,2,4,8]
                            [--dist load[,worksteal]] [--repeat 1]

I/O-bound concurrency on a small machine (a slow remote model: every call answered after 2 s):

    python bench/scaling.py --tasks 16 --calls 8 --latency 2 --workers 1,2,4,8

The fake OpenAI-compatible upstream answers every call after a fixed delay (the LLM is the
bottleneck, as in a real sweep); each cell's agent makes ``--calls`` calls through the cell's
router and writes the solution; scoring runs the real acceptance suite in the process sandbox.
The figure is the speedup of each ``-n`` over ``-n 1`` measured in this same run, plus the ideal
(latency-only) speedup for reference. Target: ``-n 4`` ≥ 3.5× ``-n 1``.

Where the rest of the wall goes, from the rows (results.jsonl) and the sweep's CPU time
(``RUSAGE_CHILDREN``): start-up (command start -> first cell starts), the median cell (agent +
scoring), the tail (last cell ends -> command exits), and the CPU seconds the whole sweep used.
``--dist`` compares xdist schedulers; ``--repeat`` runs every configuration again (order rotated),
and the figures are medians. Memory: the peak resident set (``VmHWM``) of every xdist worker
process (at ``-n 1``: the single pytest process), sampled from /proc while the sweep runs; the
table gives the median worker's peak and the sum over workers. The load average (``os.getloadavg``)
before and after the run is printed with the table: the figures mean little on a busy machine.
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
    proc = subprocess.Popen(
        args, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peaks: dict[int, int] = {}
    done = threading.Event()
    sampler = threading.Thread(target=sample_peaks, args=(proc.pid, workers > 1, peaks, done), daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    t1 = time.time()
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"sweep at -n {workers} failed:\n{stdout[-3000:]}\n{stderr[-2000:]}")
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
        "rss_worker": statistics.median(peaks.values()) / 1024 if peaks else float("nan"),
        "rss_total": sum(peaks.values()) / 1024,
    }


def _status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4: the parent's pid
                found.append(int(entry.name))
    return found


def sample_peaks(pid: int, xdist: bool, peaks: dict[int, int], done: threading.Event) -> None:
    """Peak resident set (kB) of each worker: the pytest process's children under xdist (the
    workers; the sandboxed suites they start are their children), else the pytest process."""
    while not done.is_set():
        for worker in _children(pid) if xdist else [pid]:
            peak = _status_kb(worker, "VmHWM")
            if peak is not None:
                peaks[worker] = max(peaks.get(worker, 0), peak)
        done.wait(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--latency", type=float, default=2.0, help="seconds per model call")
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--dist", default="load", help="xdist schedulers to compare, comma-separated")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    load_before = os.getloadavg()
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
    load_after = os.getloadavg()
    print(
        f"scaling: {args.tasks} cells × {args.calls} calls × {args.latency}s latency, {os.cpu_count()} CPUs, "
        f"{args.repeat} repeat(s), medians; load average before "
        f"{' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}"
    )
    print(
        "| workers | dist | wall s | speedup | ideal | start-up s | median cell s | tail s | CPU s "
        "| RSS/worker MB | RSS all workers MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, d in configs:
        ideal = min(n, args.tasks) / counts[0]
        c = (n, d)
        print(
            f"| {n} | {d if n > 1 else '-'} | {med(c, 'wall'):.1f} | {base / med(c, 'wall'):.2f}× "
            f"| {ideal:.0f}× "
            f"| {med(c, 'startup'):.2f} | {med(c, 'cell'):.2f} | {med(c, 'tail'):.2f} | {med(c, 'cpu'):.1f} "
            f"| {med(c, 'rss_worker'):.0f} | {med(c, 'rss_total'):.0f} |"
        )


if __name__ == "__main__":
    main()
