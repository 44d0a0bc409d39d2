"""Command-line interface: ``python -m notes --db PATH COMMAND ...``."""

import argparse
import re
import sys

from notes.db import BadQuery, NotFound, Store

_TAG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


class UserError(Exception):
    """An error reported as ``error: <message>`` with exit status 1."""


def normalise_tag(raw):
    tag = raw.strip().lower()
    if not _TAG_RE.match(tag):
        raise UserError(f"invalid tag: {raw}")
    return tag


def normalise_tags(raws):
    return sorted({normalise_tag(t) for t in raws})


def normalise_title(raw):
    title = raw.strip()
    if not title or "\t" in title or "\n" in title or "\r" in title:
        raise UserError("invalid title")
    return title


def list_line(note_id, title, tags):
    return f"{note_id}\t{title}\t{','.join(tags)}"


def build_parser():
    parser = argparse.ArgumentParser(prog="notes", description="Notes with full-text search.")
    parser.add_argument("--db", required=True, help="SQLite database file")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("add", help="create a note")
    p.add_argument("title")
    p.add_argument("--body", default="")
    p.add_argument("--tag", action="append", default=[])

    p = sub.add_parser("list", help="list notes")
    p.add_argument("--tag")

    p = sub.add_parser("show", help="show one note")
    p.add_argument("id", type=int)

    p = sub.add_parser("edit", help="change title and/or body")
    p.add_argument("id", type=int)
    p.add_argument("--title")
    p.add_argument("--body")

    p = sub.add_parser("delete", help="delete a note")
    p.add_argument("id", type=int)

    p = sub.add_parser("tag", help="add tags")
    p.add_argument("id", type=int)
    p.add_argument("tags", nargs="+")

    p = sub.add_parser("untag", help="remove tags")
    p.add_argument("id", type=int)
    p.add_argument("tags", nargs="+")

    sub.add_parser("tags", help="list tags with counts")

    p = sub.add_parser("search", help="full-text search")
    p.add_argument("query")
    p.add_argument("--tag")
    return parser


def _run(args, store, out):
    cmd = args.command
    if cmd == "add":
        title = normalise_title(args.title)
        tags = normalise_tags(args.tag)
        out.append(f"added {store.add(title, args.body, tags)}")
    elif cmd == "list":
        tag = None if args.tag is None else normalise_tag(args.tag)
        out.extend(list_line(*row) for row in store.list(tag))
    elif cmd == "show":
        note_id, title, body, tags = store.get(args.id)
        out.extend([f"id: {note_id}", f"title: {title}", f"tags: {','.join(tags)}"])
        if body:
            out.extend(["", body])
    elif cmd == "edit":
        if args.title is None and args.body is None:
            raise UserError("nothing to change")
        title = None if args.title is None else normalise_title(args.title)
        store.edit(args.id, title=title, body=args.body)
        out.append(f"updated {args.id}")
    elif cmd == "delete":
        store.delete(args.id)
        out.append(f"deleted {args.id}")
    elif cmd in ("tag", "untag"):
        tags = normalise_tags(args.tags)
        if cmd == "tag":
            store.add_tags(args.id, tags)
        else:
            store.remove_tags(args.id, tags)
        note_id, title, _, current = store.get(args.id)
        out.append(list_line(note_id, title, current))
    elif cmd == "tags":
        out.extend(f"{tag}\t{count}" for tag, count in store.tag_counts())
    elif cmd == "search":
        tag = None if args.tag is None else normalise_tag(args.tag)
        try:
            rows = store.search(args.query, tag)
        except BadQuery:
            raise UserError("invalid search query") from None
        out.extend(list_line(*row) for row in rows)


def main(argv=None):
    args = build_parser().parse_args(argv)
    store = Store(args.db)
    out = []
    try:
        _run(args, store, out)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except NotFound as exc:
        print(f"error: no note with id {exc.args[0]}", file=sys.stderr)
        return 1
    finally:
        store.close()
    for line in out:
        print(line)
    return 0
