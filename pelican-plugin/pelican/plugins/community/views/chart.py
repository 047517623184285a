"""The circle over the years as a small SVG drawn into the page: one bar per
year, new voices stacked on returning ones. No script, no font or request of
its own; its colours are the theme's (its text colour, or the stylesheet's
custom properties); the page gives it a text alternative and the numbers as
a table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from .community import YearOfConversation

__all__ = [
    "HEIGHT",
    "NARROW_WIDTH",
    "WIDTH",
    "circle_chart_svg",
]

WIDTH, HEIGHT = 640, 240
#: The same chart drawn for a phone: shown at about its own size there, its
#: words stay as large as on a wide screen (the wide one would shrink to half).
NARROW_WIDTH = 360
_TOP, _BOTTOM, _LEFT, _RIGHT = 22, 26, 8, 8
#: Room for one year's label ("2013" at 12 px) and a gap.
_LABEL_ROOM = 38
#: Room for a bar's count above it; narrower, the counts are in the table only.
_TOTAL_ROOM = 20

#: Until the stylesheet says otherwise (``--community-new`` and
#: ``--community-returning``, or their fallbacks there): the theme's text
#: colour for new voices, the same colour lighter for returning ones.
_NEW_FILL = 'fill="currentColor"'
_RETURNING_FILL = 'fill="currentColor" fill-opacity="0.45"'
_TEXT = 'fill="currentColor" font-size="12"'
_QUOTES = {'"': "&quot;"}


def circle_chart_svg(
    rows: Sequence[YearOfConversation], label: str, width: int = WIDTH
) -> str:
    """The chart of ``rows`` (years in order), ``width`` wide, as markup for
    the page (``label`` is its text alternative). Its key is the page's (in
    the reader's language), not drawn in the picture."""
    peak = max((row.total for row in rows), default=0) or 1
    slot = (width - _LEFT - _RIGHT) / max(len(rows), 1)
    bar = max(min(slot * 0.7, 36), 2)
    plot = HEIGHT - _TOP - _BOTTOM
    label_every = max(1, math.ceil(_LABEL_ROOM / slot))
    parts = [
        f'<svg viewBox="0 0 {width} {HEIGHT}" width="{width}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(label, _QUOTES)}">'
    ]
    for index, row in enumerate(rows):
        x = _LEFT + index * slot + (slot - bar) / 2
        returning = plot * row.returning / peak
        new = plot * row.new / peak
        base = _TOP + plot
        if row.returning:
            parts.append(
                f'<rect class="community-bar-returning" {_RETURNING_FILL} '
                f'x="{x:.1f}" y="{base - returning:.1f}" '
                f'width="{bar:.1f}" height="{returning:.1f}"/>'
            )
        if row.new:
            parts.append(
                f'<rect class="community-bar-new" {_NEW_FILL} '
                f'x="{x:.1f}" y="{base - returning - new:.1f}" '
                f'width="{bar:.1f}" height="{new:.1f}"/>'
            )
        middle = x + bar / 2
        if row.total and slot >= _TOTAL_ROOM:
            parts.append(
                f'<text {_TEXT} x="{middle:.1f}" y="{base - returning - new - 4:.1f}" '
                f'text-anchor="middle">{row.total}</text>'
            )
        if (len(rows) - 1 - index) % label_every == 0:  # the latest year always
            parts.append(
                f'<text {_TEXT} x="{middle:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{row.year}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
