"""The circle over the years as a small static SVG: one bar per year, new
voices stacked on returning ones. No script, no font or request of its own;
the page gives it a text alternative and the numbers as a table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from .community import YearOfConversation

WIDTH, HEIGHT = 640, 240
#: The same chart drawn for a phone: shown at about its own size there, its
#: words stay as large as on a wide screen (the wide one would shrink to half).
NARROW_WIDTH = 360
_TOP, _BOTTOM, _LEFT, _RIGHT = 22, 26, 8, 8
#: Room for one year's label ("2013" at 12 px) and a gap.
_LABEL_ROOM = 38
#: Room for a bar's count above it; narrower, the counts are in the table only.
_TOTAL_ROOM = 20

# Mid-tone colours that read on a light page and on a dark one (the chart is
# an image: it cannot take the theme's colours).
_STYLE = (
    "text{font:12px system-ui,-apple-system,'Segoe UI',sans-serif;fill:#6b6b6b}"
    ".new{fill:#d97a1f}.returning{fill:#3b78b5}"
    "@media (prefers-color-scheme:dark){text{fill:#a8a8a8}}"
)


def circle_chart_svg(
    rows: Sequence[YearOfConversation], title: str, width: int = WIDTH
) -> str:
    """The chart of ``rows`` (years in order), ``width`` wide; ``title``
    names it for tools that read the file on its own. Its key is the page's
    (in the reader's language), not drawn in the picture."""
    peak = max((row.total for row in rows), default=0) or 1
    slot = (width - _LEFT - _RIGHT) / max(len(rows), 1)
    bar = max(min(slot * 0.7, 36), 2)
    plot = HEIGHT - _TOP - _BOTTOM
    label_every = max(1, math.ceil(_LABEL_ROOM / slot))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" '
        f'width="{width}" height="{HEIGHT}" role="img">',
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE}</style>",
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
        if row.total and slot >= _TOTAL_ROOM:
            parts.append(
                f'<text x="{middle:.1f}" y="{base - returning - new - 4:.1f}" '
                f'text-anchor="middle">{row.total}</text>'
            )
        if (len(rows) - 1 - index) % label_every == 0:  # the latest year always
            parts.append(
                f'<text x="{middle:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{row.year}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
