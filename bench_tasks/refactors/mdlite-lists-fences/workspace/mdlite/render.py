"""Render blocks to HTML."""

from mdlite.blocks import Block, Heading, ListBlock, Paragraph
from mdlite.inline import render_inline


def _render_list(block: ListBlock) -> list[str]:
    out = ["<ul>"]
    depth = 0
    for item in block.items:
        if item.depth > depth:
            out[-1] = out[-1].removesuffix("</li>")  # the nested list goes inside the parent <li>
            out.append("<ul>")
        elif item.depth < depth:
            out.append("</ul>")
            out.append("</li>")
        depth = item.depth
        out.append(f"<li>{render_inline(item.text)}</li>")
    for _ in range(depth):
        out += ["</ul>", "</li>"]
    out.append("</ul>")
    return out


def render(blocks: list[Block]) -> str:
    """HTML for ``blocks``: every rendered block followed by a newline."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{render_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append("<p>" + "\n".join(render_inline(line) for line in block.lines) + "</p>")
        elif isinstance(block, ListBlock):
            out.extend(_render_list(block))
    return "".join(line + "\n" for line in out)
