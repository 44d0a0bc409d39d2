"""Run the router standalone.

    python -m pytest_hybridarena.router --local ... --cloud ... --strategy cascade


Serves a fixed default cell at the plain base URL (``http://127.0.0.1:8787/v1``) so any agent or
editor can be pointed at it by hand, prints one line per call to stderr, appends the decision log
to ``--decisions`` if given, and prints the default cell's totals on Ctrl-C.

The default cell has no time budget, so each tier's call limit comes from ``--call-timeout``
(local 180 s, mid and cloud 600 s unless given). Guards are off unless asked for, per tier:
``--repeat-penalty local:1.1``, ``--max-tokens-cap local:4096``, ``--tool-nudge local``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from .guards import parse_tier_list, parse_tier_values
from .server import RouterServer
from .settings import TIERS, RouterConfig, TierGuards, tier_config
from .strategies.registry import known_strategies, make_strategy

#: Standalone call limits: the default cell has no budget to bound its calls.
STANDALONE_TIMEOUTS = "local:180,mid:600,cloud:600"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = RouterConfig()
    p = argparse.ArgumentParser(prog="python -m pytest_hybridarena.router", description=__doc__)
    p.add_argument("--local", default=defaults.local, help="local backend spec (default: %(default)s)")
    p.add_argument("--cloud", default=defaults.cloud, help="cloud backend spec (default: %(default)s)")
    p.add_argument(
        "--mid",
        default=None,
        help="optional middle tier backend spec (a larger local or cheap hosted model; used by turbo)",
    )
    p.add_argument(
        "--strategy",
        default="cascade",
        help="strategy of the default cell, name@k=v;k2=v2 (default: %(default)s)",
    )
    p.add_argument(
        "--classifier",
        default=None,
        help="backend spec for llm-classifier/cascade (default: the local backend)",
    )
    p.add_argument(
        "--embedder", default=None, help="backend spec for embedding-knn, e.g. ollama:nomic-embed-text"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8787)
    p.add_argument("--decisions", type=Path, default=None, help="append decision records (JSONL) here")
    p.add_argument(
        "--max-tokens-cap",
        default=None,
        metavar="TIER:N[,TIER:N]",
        help="max_tokens to send when the agent sent none, per tier (N alone: every tier); default: none",
    )
    p.add_argument(
        "--repeat-penalty",
        default=None,
        metavar="TIER:X[,TIER:X]",
        help="repeat penalty per tier, embedded and ollama backends only (X alone: every tier); "
        "default: none",
    )
    p.add_argument(
        "--tool-nudge",
        nargs="?",
        const="local",
        default=None,
        metavar="TIERS",
        help="append the tool-use policy to the system prompt on these tiers (alone: local)",
    )
    p.add_argument(
        "--call-timeout",
        default=STANDALONE_TIMEOUTS,
        metavar="TIER:S[,TIER:S]",
        help="per-call time limit per tier, seconds (S alone: every tier; default: %(default)s)",
    )
    p.add_argument("--request-timeout", type=float, default=None, help="the local tier's call limit, s")
    p.add_argument("--quiet", action="store_true", help="do not print one line per call")
    return p.parse_args(argv)


def tier_fields(args: argparse.Namespace) -> dict[str, Any]:
    """RouterConfig's per-tier guards and call limits from the command line (ValueError if bad)."""
    caps = parse_tier_values(args.max_tokens_cap, int, TIERS) if args.max_tokens_cap else {}
    penalties = parse_tier_values(args.repeat_penalty, float, TIERS) if args.repeat_penalty else {}
    nudged = parse_tier_list(args.tool_nudge, TIERS) if args.tool_nudge else ()
    limits = parse_tier_values(args.call_timeout, float, TIERS) if args.call_timeout else {}
    if args.request_timeout is not None:
        limits["local"] = args.request_timeout
    guards = {tier: TierGuards(caps.get(tier), penalties.get(tier), tier in nudged) for tier in TIERS}
    return tier_config(guards, limits)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        make_strategy(args.strategy)
        config = RouterConfig(
            **tier_fields(args),
            local=args.local,
            cloud=args.cloud,
            mid=args.mid,
            classifier=args.classifier,
            embedder=args.embedder,
            host=args.host,
            port=args.port,
            decisions_path=args.decisions,
            default_cell_strategy=args.strategy,
            echo_decisions=not args.quiet,
        )
        server = RouterServer(config).start()
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"arena router listening: {server.base_url}/v1  "
        f"(strategy {args.strategy}; local {args.local}; {f'mid {args.mid}; ' if args.mid else ''}"
        f"cloud {args.cloud})"
    )
    print(f"  OpenAI base URL:    {server.base_url}/v1")
    print(f"  Anthropic base URL: {server.base_url}")
    print(f"  strategies: {', '.join(known_strategies())}")
    sys.stdout.flush()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    usage = server.close_cell("default")
    server.stop()
    print(json.dumps(usage, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
