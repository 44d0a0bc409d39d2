"""Router overhead: the same load straight at a fast fake upstream and through the router.

    python bench/router_overhead.py [--seconds 4] [--rounds 1] [--loops asyncio[,uvloop]]
                                    [--strategy always-cloud] [--json out.json]

Three processes, so the measurement does not share one GIL: a fake OpenAI-compatible upstream
(pre-encoded answers, non-streamed and SSE), the router (``RouterServer``, decision log on, the
fake as its cloud backend), and this load generator (aiohttp client, concurrency 1 and 8). Every
scenario runs for ``--seconds`` after a short warm-up; the ratios compare figures from this run.
Figures: req/s, p50/p99 latency, and for streams the time to the first content chunk (TTFT).

``--loops asyncio,uvloop`` starts one router process per event loop (``ARENA_ROUTER_LOOP``); each
scenario then drives the upstream directly and every router in turn, ``--rounds`` times with the
order rotating, so the loops are compared under the same load on the machine. Figures are medians
over rounds; a ratio is the median of the per-round ratios against direct.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ANSWER = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-5.5-2026-04-23",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "def f():\n    return 1\n"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 12, "total_tokens": 132},
    }
).encode()


def _chunk(delta: dict[str, Any], finish: str | None = None, usage: dict[str, int] | None = None) -> bytes:
    obj: dict[str, Any] = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-5.5-2026-04-23",
        "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}],
        "usage": usage,
    }
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


FIRST = _chunk({"role": "assistant", "content": "def"})
REST = (
    b"".join(_chunk({"content": piece}) for piece in [" f", "():", "\n   ", " return", " 1", "\n"])
    + _chunk({}, "stop")
    + _chunk({}, usage={"prompt_tokens": 120, "completion_tokens": 12, "total_tokens": 132})
    + b"data: [DONE]\n\n"
)
REQUEST = {
    "model": "arena",
    "messages": [
        {"role": "system", "content": "You are a coding assistant."},
        {"role": "user", "content": "Write a function f that returns 1."},
    ],
}


# -- the fake upstream process -------------------------------------------------------------------
async def _chat(request: web.Request) -> web.StreamResponse:
    body = await request.read()
    if b'"stream":true' not in body and b'"stream": true' not in body:
        return web.Response(body=ANSWER, content_type="application/json")
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    await resp.write(FIRST)
    await resp.write(REST)
    await resp.write_eof()
    return resp


def run_upstream(ready: Any, stop: Any) -> None:
    async def main() -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", _chat)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        ready.put(int(runner.addresses[0][1]))
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        await runner.cleanup()

    asyncio.run(main())


def run_router(upstream_port: int, strategy: str, decisions: str, loop: str, ready: Any, stop: Any) -> None:
    import os

    os.environ["ARENA_ROUTER_LOOP"] = loop
    from pytest_hybridarena.router.server import RouterConfig, RouterServer

    cfg = RouterConfig(
        local=f"openai:local-bench@http://127.0.0.1:{upstream_port}/v1",
        cloud=f"openai:gpt-5.5@http://127.0.0.1:{upstream_port}/v1",
        decisions_path=Path(decisions),
        run_id="bench",
        max_calls_per_cell=10**9,  # the bench is a "looping agent" by design
        max_cell_request_bytes=10**15,
    )
    server = RouterServer(cfg).start()
    cell = server.open_cell("bench/overhead[bench]", strategy, 0)
    ready.put(cell.base_url)
    stop.wait()
    server.close_cell(cell.id)
    server.stop()


# -- the load generator --------------------------------------------------------------------------
async def _drive(url: str, concurrency: int, seconds: float, stream: bool) -> dict[str, Any]:
    body = json.dumps({**REQUEST, "stream": stream}).encode()
    headers = {"Content-Type": "application/json"}
    latencies: list[float] = []
    ttfts: list[float] = []
    overheads: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> None:
            nonlocal errors
            t0 = time.perf_counter()
            async with session.post(url + "/chat/completions", data=body, headers=headers) as resp:
                if resp.status != 200:
                    errors += 1
                    await resp.read()
                    return
                if "X-Arena-Router-Overhead-Ms" in resp.headers:
                    overheads.append(float(resp.headers["X-Arena-Router-Overhead-Ms"]))
                if stream:
                    first = True
                    async for _ in resp.content.iter_any():
                        if first:
                            ttfts.append(time.perf_counter() - t0)
                            first = False
                else:
                    await resp.read()
            latencies.append(time.perf_counter() - t0)

        async def worker(deadline: float) -> None:
            while time.perf_counter() < deadline:
                await one()

        warm = time.perf_counter() + min(0.5, seconds / 4)
        await asyncio.gather(*(worker(warm) for _ in range(concurrency)))
        latencies.clear()
        ttfts.clear()
        overheads.clear()
        start = time.perf_counter()
        await asyncio.gather(*(worker(start + seconds) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start

    def pct(values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(latencies, 0.50),
        "p99_ms": pct(latencies, 0.99),
        "ttft_p50_ms": pct(ttfts, 0.50) if stream else None,
        "router_overhead_header_p50_ms": statistics.median(overheads) if overheads else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--loops", default="asyncio", help="router event loops, comma-separated")
    parser.add_argument("--strategy", default="always-cloud")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    loops = args.loops.split(",")

    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    ready: Any = ctx.Queue()
    runs: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        up = ctx.Process(target=run_upstream, args=(ready, stop), daemon=True)
        up.start()
        port = ready.get(timeout=30)
        urls = {"direct": f"http://127.0.0.1:{port}/v1"}
        routers = []
        for loop in loops:
            rt = ctx.Process(
                target=run_router,
                args=(port, args.strategy, str(Path(tmp) / f"d-{loop}.jsonl"), loop, ready, stop),
                daemon=True,
            )
            rt.start()
            routers.append(rt)
            urls[_router_name(loop, loops)] = ready.get(timeout=60)
        try:
            for stream in (False, True):
                for conc in (1, 8):
                    mode = "stream" if stream else "json"
                    for rnd in range(args.rounds):
                        targets = list(urls)
                        targets = targets[rnd % len(targets) :] + targets[: rnd % len(targets)]
                        for target in targets:
                            name = f"{mode}-c{conc}-{target}"
                            r = asyncio.run(_drive(urls[target], conc, args.seconds, stream))
                            runs.setdefault(name, []).append(r)
                            print(
                                f"{name:30s} round {rnd + 1}: {r['rps']:8.0f} req/s  "
                                f"p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms",
                                flush=True,
                            )
        finally:
            stop.set()
            for rt in routers:
                rt.join(30)
            up.join(30)

    print()
    print(
        f"host: {platform.platform()}, {mp.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"strategy {args.strategy}, {args.rounds} round(s) of {args.seconds:g} s, medians"
    )
    print(
        "| mode | conc | router | direct req/s | router req/s | ratio | direct p50 ms | router p50 ms "
        "| added p50 ms | router p99 ms | added TTFT p50 ms | overhead header p50 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    summary = {}
    med = statistics.median
    for stream in (False, True):
        for conc in (1, 8):
            mode = "stream" if stream else "json"
            ds = runs[f"{mode}-c{conc}-direct"]
            for target in list(urls)[1:]:
                rs = runs[f"{mode}-c{conc}-{target}"]
                ratio = med(r["rps"] / d["rps"] for r, d in zip(rs, ds, strict=True))
                d_p50, r_p50 = med(d["p50_ms"] for d in ds), med(r["p50_ms"] for r in rs)
                ttft = (
                    (med(r["ttft_p50_ms"] for r in rs) - med(d["ttft_p50_ms"] for d in ds))
                    if stream
                    else None
                )
                header = [
                    r["router_overhead_header_p50_ms"] for r in rs if r["router_overhead_header_p50_ms"]
                ]
                summary[f"{mode}-c{conc}-{target}"] = {
                    "ratio": ratio,
                    "router_rps": med(r["rps"] for r in rs),
                    "added_p50_ms": r_p50 - d_p50,
                    "added_ttft_ms": ttft,
                }
                print(
                    f"| {mode} | {conc} | {target} | {med(d['rps'] for d in ds):.0f} | "
                    f"{med(r['rps'] for r in rs):.0f} | {ratio:.0%} | {d_p50:.2f} | {r_p50:.2f} | "
                    f"{r_p50 - d_p50:.2f} | {med(r['p99_ms'] for r in rs):.2f} | "
                    f"{'' if ttft is None else f'{ttft:.2f}'} | "
                    f"{med(header) if header else float('nan'):.3f} |"
                )
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "summary": summary}, indent=2))
    errors = sum(r["errors"] for rs in runs.values() for r in rs)
    if errors:
        print(f"{errors} requests failed", file=sys.stderr)
        return 1
    return 0


def _router_name(loop: str, loops: list[str]) -> str:
    """``router`` when one loop is measured (the historical name), else ``router-<loop>``."""
    return "router" if len(loops) == 1 else f"router-{loop}"


if __name__ == "__main__":
    raise SystemExit(main())
