"""Run the router standalone.

    python -m pytest_hybridarena.router --local ... --cloud ... --strategy cascade


Serves a fixed default cell at the plain base URL (``http://127.0.0.1:8787/v1``) so any agent or
editor can be pointed at it by hand, prints one line per call to stderr, appends the decision log
to ``--decisions`` if given, and prints the default cell's totals on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from pytest_hybridarena.router.server import RouterServer
from pytest_hybridarena.router.settings import RouterConfig
from pytest_hybridarena.router.strategies.registry import known_strategies, make_strategy


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
    p.add_argument("--max-tokens-cap", type=int, default=defaults.max_tokens_cap)
    p.add_argument(
        "--request-timeout", type=float, default=defaults.request_timeout_s, help="local request timeout, s"
    )
    p.add_argument(
        "--tool-nudge", action="store_true", help="append the tool-use policy to local system prompts"
    )
    p.add_argument("--quiet", action="store_true", help="do not print one line per call")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        make_strategy(args.strategy)
        config = RouterConfig(
            local=args.local,
            cloud=args.cloud,
            mid=args.mid,
            classifier=args.classifier,
            embedder=args.embedder,
            host=args.host,
            port=args.port,
            decisions_path=args.decisions,
            max_tokens_cap=args.max_tokens_cap,
            request_timeout_s=args.request_timeout,
            tool_nudge=args.tool_nudge,
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
