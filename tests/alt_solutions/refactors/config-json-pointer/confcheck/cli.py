"""Command line: ``python -m confcheck [--format text|json] CONFIG.json``."""

import argparse
import json
import sys

from confcheck.service import SERVICE_SCHEMA
from confcheck.validator import validate


def _read(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle), None
    except OSError as exc:
        return None, f"cannot read {path}: {exc.strerror}"
    except json.JSONDecodeError as exc:
        return None, f"{path} is not valid JSON: {exc}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="confcheck", description="Validate a service config file.")
    parser.add_argument("--format", dest="fmt", default="text", choices=["text", "json"])
    parser.add_argument("config", help="path of the JSON config file")
    args = parser.parse_args(argv)
    data, failure = _read(args.config)
    if failure is not None:
        sys.stderr.write(f"error: {failure}\n")
        return 2
    problems = validate(data, SERVICE_SCHEMA)
    if args.fmt == "json":
        sys.stdout.write(json.dumps([{"pointer": p.pointer, "message": p.message} for p in problems]) + "\n")
    elif problems:
        sys.stdout.write("".join(f"{p}\n" for p in problems))
    else:
        sys.stdout.write(f"{args.config}: ok\n")
    return 1 if problems else 0
