"""The circle over the years as a small static SVG: one bar per year, new
voices stacked on returning ones. No script, no font or request of its own;
the page gives it a text alternative and the numbers as a table."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from .community import YearOfConversation

WIDTH, HEIGHT = 640, 240
_TOP, _BOTTOM, _LEFT, _RIGHT = 34, 26, 8, 8

# Mid-tone colours that read on a light page and on a dark one (the chart is
# an image: it cannot take the theme's colours).
_STYLE = (
    "text{font:12px system-ui,-apple-system,'Segoe UI',sans-serif;fill:#6b6b6b}"
    ".new{fill:#d97a1f}.returning{fill:#3b78b5}"
    "@media (prefers-color-scheme:dark){text{fill:#a8a8a8}}"
)


def circle_chart_svg(rows: Sequence[YearOfConversation], title: str) -> str:
    """The chart of ``rows`` (years in order); ``title`` names it for
    tools that read the file on its own."""
    peak = max((row.total for row in rows), default=0) or 1
    slot = (WIDTH - _LEFT - _RIGHT) / max(len(rows), 1)
    bar = max(min(slot * 0.7, 36), 2)
    plot = HEIGHT - _TOP - _BOTTOM
    label_every = 1 if len(rows) <= 16 else 2 if len(rows) <= 32 else 5
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img">',
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        '<rect class="new" x="8" y="6" width="10" height="10"/>'
        '<text x="22" y="15">new voices</text>'
        '<rect class="returning" x="110" y="6" width="10" height="10"/>'
        '<text x="124" y="15">returning</text>',
    ]
    for index, row in enumerate(rows):
        x = _LEFT + index * slot + (slot - bar) / 2
        returning = plot * row.returning / peak
        new = plot * row.new / peak
        base = _TOP + plot
        if row.returning:
            parts.append(
                f'<rect class="returning" x="{x:.1f}" y="{base - returning:.1f}" '
                f'width="{bar:.1f}" height="{returning:.1f}"/>'
            )
        if row.new:
            parts.append(
                f'<rect class="new" x="{x:.1f}" y="{base - returning - new:.1f}" '
                f'width="{bar:.1f}" height="{new:.1f}"/>'
            )
        middle = x + bar / 2
        if row.total:
            parts.append(
                f'<text x="{middle:.1f}" y="{base - returning - new - 4:.1f}" '
                f'text-anchor="middle">{row.total}</text>'
            )
        if index % label_every == 0 or index == len(rows) - 1:
            parts.append(
                f'<text x="{middle:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{row.year}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
