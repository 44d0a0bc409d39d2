"""mdlite: a small Markdown subset to HTML."""

from mdlite.blocks import parse_blocks
from mdlite.render import render


def to_html(text: str) -> str:
    """Convert Markdown ``text`` (see README.md for the subset) to HTML."""
    return render(parse_blocks(text.splitlines()))


__all__ = ["to_html"]
