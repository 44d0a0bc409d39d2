"""Command-line interface (alternative solution): subcommand handlers via set_defaults."""

import argparse
import sys

from .db import Database
from .model import Problem, clean_tag, clean_title


def _add(db, a):
    title = clean_title(a.title)
    tags = {clean_tag(t) for t in a.tag or []}
    return ["added %d" % db.create(title, a.body, tags)]


def _list(db, a):
    tag = clean_tag(a.tag) if a.tag is not None else None
    return [n.line() for n in db.all(tag)]


def _show(db, a):
    return [db.load(a.id).details().rstrip("\n")]


def _edit(db, a):
    if a.title is None and a.body is None:
        raise Problem("nothing to change")
    title = clean_title(a.title) if a.title is not None else None
    db.update(a.id, title=title, body=a.body)
    return ["updated %d" % a.id]


def _delete(db, a):
    db.remove(a.id)
    return ["deleted %d" % a.id]


def _tag(db, a):
    return [db.retag(a.id, add=[clean_tag(t) for t in a.tags]).line()]


def _untag(db, a):
    return [db.retag(a.id, drop=[clean_tag(t) for t in a.tags]).line()]


def _tags(db, a):
    return ["%s\t%d" % row for row in db.counts()]


def _search(db, a):
    tag = clean_tag(a.tag) if a.tag is not None else None
    return [n.line() for n in db.find(a.query, tag)]


def _parser():
    p = argparse.ArgumentParser(prog="python -m notes")
    p.add_argument("--db", required=True)
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    def cmd(name, func, *args):
        sp = sub.add_parser(name)
        for spec in args:
            flags, kw = spec
            sp.add_argument(*flags, **kw)
        sp.set_defaults(func=func)

    ident = (("id",), {"type": int})
    cmd("add", _add, (("title",), {}), (("--body",), {"default": ""}), (("--tag",), {"action": "append"}))
    cmd("list", _list, (("--tag",), {}))
    cmd("show", _show, ident)
    cmd("edit", _edit, ident, (("--title",), {}), (("--body",), {}))
    cmd("delete", _delete, ident)
    cmd("tag", _tag, ident, (("tags",), {"nargs": "+"}))
    cmd("untag", _untag, ident, (("tags",), {"nargs": "+"}))
    cmd("tags", _tags)
    cmd("search", _search, (("query",), {}), (("--tag",), {}))
    return p


def main(argv=None):
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        with Database(args.db) as db:
            lines = args.func(db, args)
    except Problem as exc:
        sys.stderr.write("error: %s\n" % exc)
        return 1
    if lines:
        sys.stdout.write("".join(line + "\n" for line in lines))
    return 0
