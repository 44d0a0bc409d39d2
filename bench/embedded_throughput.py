"""Embedded-backend throughput: tokens/s through the router vs llama-cpp-python called directly.

    python bench/embedded_throughput.py [--model qwen2.5-coder-0.5b] [--threads 2] [--max-tokens 256]
                                        [--rounds 5] [--json out.json]

One process, one copy of the weights: the router (``RouterServer`` on loopback, both sides on
``embedded:<model>``, a cell with ``always-cloud`` so no local guard changes the sampling) and
the direct baseline (``Llama.create_chat_completion`` on the very ``Llama`` object the backend
loaded) take turns on the same prompt with the same seed, temperature and ``max_tokens``, so both
sample the same tokens. A warm-up call per path fills the KV cache with the prompt first; after
that every call re-evaluates one prompt token, on both paths alike. Figures: completion tokens per
second of wall time (request sent -> last byte for the router; call -> return for direct), the
median over ``--rounds`` (the order rotates each round); the ratio is the median of per-round
ratios. The router runs both non-streamed and streamed (SSE read to [DONE]).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from pytest_hybridarena.router.backends.embedded import load_model
from pytest_hybridarena.router.server import RouterConfig, RouterServer

PROMPT = (
    "Write a Python module implementing a small LRU cache class with get, put and delete methods, "
    "type hints and docstrings, followed by a few unit tests using pytest."
)


def direct(llm: Any, max_tokens: int, seed: int, temperature: float) -> tuple[int, float]:
    t = time.perf_counter()
    out = llm.create_chat_completion(
        [{"role": "user", "content": PROMPT}], max_tokens=max_tokens, seed=seed, temperature=temperature
    )
    return out["usage"]["completion_tokens"], time.perf_counter() - t


async def routed(
    base_url: str, stream: bool, max_tokens: int, seed: int, temperature: float
) -> tuple[int, float]:
    body = {
        "model": "arena",
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": max_tokens,
        "seed": seed,
        "temperature": temperature,
        "stream": stream,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    async with aiohttp.ClientSession() as session:
        t = time.perf_counter()
        async with session.post(base_url + "/chat/completions", json=body) as resp:
            resp.raise_for_status()
            if not stream:
                obj = await resp.json()
                return obj["usage"]["completion_tokens"], time.perf_counter() - t
            usage: dict[str, int] = {}
            async for line in resp.content:
                if line.startswith(b"data: {"):
                    event = json.loads(line[6:])
                    usage = event.get("usage") or usage
            return usage["completion_tokens"], time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="qwen2.5-coder-0.5b", help="catalogue name or .gguf path")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--ctx", type=int, default=8192)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--temperature", type=float, default=0.2)
    ap.add_argument("--json", dest="json_path", default=None)
    args = ap.parse_args()

    spec = f"embedded:{args.model};threads={args.threads};ctx={args.ctx}"
    t = time.perf_counter()
    llm = load_model(args.model, args.ctx, args.threads).llm
    load_s = time.perf_counter() - t
    sample = (args.max_tokens, args.seed, args.temperature)
    results: dict[str, list[tuple[int, float]]] = {"direct": [], "router": [], "router-stream": []}
    with RouterServer(
        RouterConfig(local=spec, cloud=spec, request_timeout_s=3600, cloud_timeout_s=3600)
    ) as srv:
        base = srv.open_cell("bench", "always-cloud").base_url
        direct(llm, *sample)  # warm-up: the prompt enters the KV cache
        asyncio.run(routed(base, False, *sample))
        runs: dict[str, Callable[[], tuple[int, float]]] = {
            "direct": lambda: direct(llm, *sample),
            "router": lambda: asyncio.run(routed(base, False, *sample)),
            "router-stream": lambda: asyncio.run(routed(base, True, *sample)),
        }
        order = list(runs)
        for i in range(args.rounds):  # rotate the order each round so no path always goes first
            for key in order[i % 3 :] + order[: i % 3]:
                results[key].append(runs[key]())

    rates = {k: statistics.median(n / s for n, s in v) for k, v in results.items()}
    # The machine may be shared: a ratio of rates from the same round cancels slow spells better
    # than a ratio of medians, so the headline ratio is the median of per-round ratios.
    paired = {
        k: statistics.median(
            (n / s) / (dn / ds) for (n, s), (dn, ds) in zip(results[k], results["direct"], strict=True)
        )
        for k in ("router", "router-stream")
    }
    tokens = {k: sorted({n for n, _ in v}) for k, v in results.items()}
    report = {
        "model": args.model,
        "threads": args.threads,
        "max_tokens": args.max_tokens,
        "rounds": args.rounds,
        "load_s": round(load_s, 2),
        "completion_tokens": tokens,
        "tok_per_s": {k: round(v, 2) for k, v in rates.items()},
        "tok_per_s_each": {k: [round(n / s, 2) for n, s in v] for k, v in results.items()},
        "ratio": {k: round(v, 4) for k, v in paired.items()},
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    print(
        f"model {args.model}, {args.threads} threads, max_tokens {args.max_tokens}, median of {args.rounds}"
    )
    print(f"completion tokens per call: {tokens}")
    for key, rate in rates.items():
        ratio = "" if key == "direct" else f"  ({paired[key]:.1%} of direct, median of per-round ratios)"
        print(f"{key:>14}: {rate:6.1f} tok/s{ratio}")
    if len({n for v in tokens.values() for n in v}) != 1:
        print("warning: the paths generated different token counts; compare with care", file=sys.stderr)
    if args.json_path:
        with open(args.json_path, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
