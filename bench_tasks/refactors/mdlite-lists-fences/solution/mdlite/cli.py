"""Command line: ``python -m mdlite [FILE]`` writes HTML to stdout."""

import argparse
import sys

from mdlite import to_html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mdlite", description="Markdown subset to HTML.")
    parser.add_argument("file", nargs="?", help="Markdown file (default: stdin)")
    args = parser.parse_args(argv)
    if args.file is None:
        text = sys.stdin.read()
    else:
        try:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    sys.stdout.write(to_html(text))
    return 0
