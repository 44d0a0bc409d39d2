"""Validation rules and output formatting (alternative solution)."""

import re
from dataclasses import dataclass, field


class Problem(Exception):
    """A user-facing error (exit status 1)."""


_TAG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def clean_tag(raw: str) -> str:
    tag = raw.strip().lower()
    if _TAG.fullmatch(tag) is None:
        raise Problem("invalid tag: " + raw)
    return tag


def clean_title(raw: str) -> str:
    title = raw.strip()
    if title == "" or any(ch in title for ch in "\t\n\r"):
        raise Problem("invalid title")
    return title


@dataclass
class Note:
    id: int
    title: str
    body: str = ""
    tags: list = field(default_factory=list)

    def line(self) -> str:
        return "\t".join([str(self.id), self.title, ",".join(sorted(self.tags))])

    def details(self) -> str:
        text = "id: %d\ntitle: %s\ntags: %s\n" % (self.id, self.title, ",".join(sorted(self.tags)))
        if self.body:
            text += "\n" + self.body + "\n"
        return text
