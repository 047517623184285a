"""Reading built pages the way a browser would, to find executable markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "srcset",
    "data",
}


def _is_the_webmention_form(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """The plugin's own "Write back" form (templates/community/reply.html):
    posted to an http(s) endpoint (https://webmention.io, or the loopback
    server standing in for it in the live tests), no script. Comments cannot
    carry a class (the sanitizer drops it), so a form like it comes from the
    template."""
    values = dict(attrs)
    return (
        tag == "form"
        and values.get("class") == "community-webmention"
        and (values.get("action") or "").startswith(("https://", "http://"))
    )


_CHART_BOXES = {"community-chart-wide", "community-chart-narrow"}


def _is_the_chart(
    tag: str, attrs: list[tuple[str, str | None]], previous: tuple[str, dict]
) -> bool:
    """The plugin's own chart of the circle (views/chart.py), drawn into the
    community page: right inside its box, with exactly the chart's
    attributes (comments cannot carry a class, so the box is the
    template's); its bars and labels are checked as any element is."""
    parent, parent_attrs = previous
    return (
        tag == "svg"
        and parent == "div"
        and parent_attrs.get("class") in _CHART_BOXES
        and {name for name, _ in attrs}
        == {"viewbox", "width", "height", "role", "aria-label"}
    )


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._previous: tuple[str, dict] = ("", {})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        previous, self._previous = self._previous, (tag, dict(attrs))
        if (
            tag
            in {
                "script",
                "iframe",
                "object",
                "embed",
                "svg",
                "math",
                "form",
                "base",
                "meta",
            }
            and tag != "meta"
            and not _is_the_webmention_form(tag, attrs)
            and not _is_the_chart(tag, attrs, previous)
        ):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in _URL_ATTRS and value is not None:
                if tag == "a" and name == "href":
                    self.links.append(value)
                if re.match(r"^\s*[a-z][a-z0-9+.\-]*:", value, re.I) and not re.match(
                    r"^https?:", value, re.I
                ):
                    self.problems.append(f"{tag}[{name}]={value!r}")
                if value.strip().startswith("//"):
                    self.problems.append(f"{tag}[{name}]={value!r} (protocol-relative)")
            if (
                name == "style"
                and value
                and re.search(r"expression|url\(", value, re.I)
            ):
                self.problems.append(f"{tag}[style]")


def executable_markup(html: str) -> list[str]:
    """Every script-capable element, event handler or non-http(s) URL on the page."""
    collector = _Collector()
    collector.feed(html)
    return collector.problems


def links(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    return collector.links
