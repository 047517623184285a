"""Turning the Markdown some comment systems store into HTML."""

from __future__ import annotations


def markdown_to_html(text: str) -> str:
    """Render a comment's Markdown body as HTML. The result is as untrusted
    as the input: it is sanitized on render like every other comment."""
    import markdown  # loaded on the first Markdown comment: warm builds read none

    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    return markdown.markdown(text, output_format="html")
