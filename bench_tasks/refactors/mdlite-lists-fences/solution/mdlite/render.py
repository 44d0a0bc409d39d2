"""Render blocks to HTML."""

from mdlite.blocks import Block, CodeBlock, Heading, ListBlock, Paragraph
from mdlite.inline import escape, render_inline


def _render_list(block: ListBlock) -> list[str]:
    """Items are at most one level deeper than their predecessor (parse_blocks ensures it)."""
    out = ["<ul>"]
    depth = 0
    for item in block.items:
        if item.depth > depth:
            out[-1] = out[-1].removesuffix("</li>")  # the nested list goes inside the parent <li>
            out.append("<ul>")
        while depth > item.depth:  # close every level we leave, not just one
            out += ["</ul>", "</li>"]
            depth -= 1
        depth = item.depth
        out.append(f"<li>{render_inline(item.text)}</li>")
    for _ in range(depth):
        out += ["</ul>", "</li>"]
    out.append("</ul>")
    return out


def _render_code(block: CodeBlock) -> str:
    attr = f' class="language-{escape(block.language)}"' if block.language else ""
    body = "".join(escape(line) + "\n" for line in block.lines)
    return f"<pre><code{attr}>{body}</code></pre>"


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
        elif isinstance(block, CodeBlock):
            out.append(_render_code(block))
    return "".join(line + "\n" for line in out)
