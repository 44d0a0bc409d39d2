"""Command line: ``python -m confcheck CONFIG.json``."""

import argparse
import json
import sys

from confcheck.service import SERVICE_SCHEMA
from confcheck.validator import validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="confcheck", description="Validate a service config file.")
    parser.add_argument("config", help="path of the JSON config file")
    args = parser.parse_args(argv)
    try:
        with open(args.config, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        print(f"error: cannot read {args.config}: {exc.strerror}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"error: {args.config} is not valid JSON: {exc}", file=sys.stderr)
        return 2
    problems = validate(data, SERVICE_SCHEMA)
    if not problems:
        print(f"{args.config}: ok")
        return 0
    for problem in problems:
        print(problem)
    return 1
