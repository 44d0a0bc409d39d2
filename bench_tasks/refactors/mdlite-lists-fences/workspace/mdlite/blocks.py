"""Split Markdown lines into blocks."""

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"(#{1,6}) +(.*)")
_ITEM = re.compile(r"( *)[-*] +(.*)")


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    lines: list[str] = field(default_factory=list)


@dataclass
class ListItem:
    depth: int
    text: str


@dataclass
class ListBlock:
    items: list[ListItem] = field(default_factory=list)


Block = Heading | Paragraph | ListBlock


def parse_blocks(lines: list[str]) -> list[Block]:
    """Group ``lines`` into headings, paragraphs and lists (see README.md)."""
    blocks: list[Block] = []
    current: Paragraph | ListBlock | None = None
    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        heading = _HEADING.fullmatch(line)
        if heading:
            blocks.append(Heading(len(heading.group(1)), heading.group(2).strip()))
            current = None
            continue
        item = _ITEM.fullmatch(line)
        if item:
            if not isinstance(current, ListBlock):
                current = ListBlock()
                blocks.append(current)
            current.items.append(ListItem(len(item.group(1)) // 2, item.group(2).strip()))
            continue
        if not isinstance(current, Paragraph):
            current = Paragraph()
            blocks.append(current)
        current.lines.append(line.strip())
    return blocks
