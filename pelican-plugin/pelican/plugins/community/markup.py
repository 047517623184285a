"""Turning the Markdown or plain text some comment systems store into HTML."""

from __future__ import annotations

import html
import re

try:  # an optional dependency: plain paragraphs without it
    import markdown as _markdown
except ImportError:  # pragma: no cover - depends on the environment
    _markdown = None

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def markdown_to_html(text: str) -> str:
    """Render a comment's Markdown body as HTML (untrusted: it is sanitized
    on render like every other comment). Without the ``markdown`` package the
    text is kept escaped, one ``<p>`` per paragraph."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    if _markdown is not None:
        return _markdown.markdown(text, output_format="html")
    return text_to_html(text)


def text_to_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs."""
    paragraphs = (p.strip() for p in _BLANK_LINE.split(text.strip()))
    return "\n".join(
        "<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>" for p in paragraphs if p
    )
