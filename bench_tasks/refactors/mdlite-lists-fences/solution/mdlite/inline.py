"""Inline markup: escaping, code spans, links, strong and emphasis."""

import re

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"\*(.+?)\*")


def escape(text: str) -> str:
    """Escape ``&``, ``<``, ``>`` and ``"`` for HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _markup(text: str) -> str:
    text = escape(text)
    text = _LINK.sub(r'<a href="\2">\1</a>', text)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    return _EM.sub(r"<em>\1</em>", text)


def render_inline(text: str) -> str:
    """Render one line of inline Markdown to HTML."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick stays literal
        parts[-2] = parts[-2] + "`" + parts.pop()
    out = []
    for index, part in enumerate(parts):
        out.append(f"<code>{escape(part)}</code>" if index % 2 else _markup(part))
    return "".join(out)
