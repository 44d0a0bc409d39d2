"""Split Markdown lines into blocks."""

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"(#{1,6}) +(.*)")
_ITEM = re.compile(r"( *)[-*] +(.*)")
FENCE = "```"


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


@dataclass
class CodeBlock:
    language: str | None
    lines: list[str] = field(default_factory=list)


Block = Heading | Paragraph | ListBlock | CodeBlock


def _is_closing_fence(line: str) -> bool:
    return line.rstrip() == FENCE


def parse_blocks(lines: list[str]) -> list[Block]:
    """Group ``lines`` into headings, paragraphs, lists and fenced code (see README.md)."""
    blocks: list[Block] = []
    current: Paragraph | ListBlock | None = None
    code: CodeBlock | None = None
    for raw in lines:
        if code is not None:
            if _is_closing_fence(raw):
                code = None
            else:
                code.lines.append(raw)
            continue
        if raw.startswith(FENCE):
            words = raw[len(FENCE):].split()
            code = CodeBlock(words[0] if words else None)
            blocks.append(code)
            current = None
            continue
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
            limit = current.items[-1].depth + 1 if current.items else 0
            depth = min(len(item.group(1)) // 2, limit)
            current.items.append(ListItem(depth, item.group(2).strip()))
            continue
        if not isinstance(current, Paragraph):
            current = Paragraph()
            blocks.append(current)
        current.lines.append(line.strip())
    return blocks
