"""The one sanitizer for text from strangers: HTML cleaned with nh3, emails and
IP addresses masked, only http(s) links kept."""

from __future__ import annotations

import html
import ipaddress
import re

import nh3

from .urls import safe_http_url

LINK_REL = "nofollow ugc noopener"
ALLOWED_TAGS = frozenset(
    {
        "a",
        "p",
        "br",
        "em",
        "strong",
        "i",
        "b",
        "u",
        "s",
        "blockquote",
        "q",
        "cite",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "sup",
        "sub",
        "del",
        "ins",
        "abbr",
        # Tables and definition lists, as WordPress comments can hold them.
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
#: Longest comment kept for display; beyond it the text is cut.
MAX_CONTENT_CHARS = 20_000

# The "@" also as an entity or percent-escaped: the archive keeps raw HTML,
# and a link's query string carries addresses percent-encoded.
_AT = r"(?:@|&#0*64;|&#[xX]0*40;|&commat;|%40)"
# The look-behind makes a match start only where a run of address characters
# starts: without it a long run ("a.a.a...", 20 kB) costs quadratic time.
_EMAIL = re.compile(
    r"(?<![\w.+\-])[\w.+\-]+"
    + _AT
    + r"[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
# Not inside a longer number: letters or "_" around it ("is203.0.113.9",
# a folder named "http__203.0.113.9_") do not hide an address.
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}"
    r"(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\d|\.\d)"
)
# Anything shaped like an IPv6 address, full or compressed ("2001:db8::1");
# only what ipaddress accepts is masked, so times and MAC addresses stay.
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}|:)(?::[0-9A-Fa-f]{0,4}){2,7}"
    r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)"
)
_HANDLE_AT = re.compile(r"(^|[\s(>])@[\w.\-]+@[\w.\-]+\.\w+")
_TAG = re.compile(r"<[^>]*>")


def _keep_http_links(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return safe_http_url(html.unescape(value)) or None
    return value


def _mask_ipv6(match: re.Match[str]) -> str:
    candidate = match.group(0)
    if candidate.count(":") < 2 or not any(ch.isalnum() for ch in candidate):
        return candidate
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return candidate
    return "[address hidden]"


def mask_private(text: str) -> str:
    """Mask email and IP addresses in already-escaped or plain text, leaving
    fediverse handles (``@user@instance``) alone."""
    handles: list[str] = []

    def keep(match: re.Match[str]) -> str:
        handles.append(match.group(0))
        return f"\x00{len(handles) - 1}\x00"

    text = _HANDLE_AT.sub(keep, text)
    text = _EMAIL.sub("[email hidden]", text)
    text = _IPV6.sub(_mask_ipv6, text)
    text = _IPV4.sub("[address hidden]", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: handles[int(m.group(1))], text)


_BLOCK = re.compile(r"<(p|br|div|blockquote|ul|ol|pre|h[1-6]|table)\b", re.I)
_BLANK_LINE = re.compile(r"\n[ \t]*\n+")


def _paragraphs(content: str) -> str:
    """Plain text with blank lines (how WordPress and most comment systems
    store comments) as paragraphs and line breaks, as they were shown."""
    if "\n" not in content or _BLOCK.search(content):
        return content
    blocks = [b.strip() for b in _BLANK_LINE.split(content.replace("\r\n", "\n"))]
    return "".join(f"<p>{b.replace(chr(10), '<br>')}</p>" for b in blocks if b)


# A heading inside a comment would break the page's outline: it becomes a
# paragraph in bold. Other blocks nh3 removes become line breaks, so their
# words do not run together ("Title" + "Text" -> "TitleText"). nh3 still has
# the last word on whatever these produce.
_HEADING = re.compile(r"<(/?)h[1-6]\b[^>]*>", re.I)
_DROPPED_BLOCK = re.compile(
    r"</?(?:div|section|article|header|footer|aside|nav|main|figure|figcaption"
    r"|address|details|summary|center|hr|hgroup)\b[^>]*>",
    re.I,
)


def _headings_and_blocks(content: str) -> str:
    if "<" not in content:
        return content
    content = _HEADING.sub(
        lambda m: "</strong></p>" if m.group(1) else "<p><strong>", content
    )
    return _DROPPED_BLOCK.sub("\n", content)


def clean_html(content: str) -> str:
    """Sanitize untrusted comment HTML for the page: allowed tags only, links
    only to http(s) with ``rel="nofollow ugc noopener"``, no email or IP."""
    if not content:
        return ""
    content = _headings_and_blocks(_paragraphs(content[:MAX_CONTENT_CHARS]))
    cleaned = nh3.clean(
        content,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_keep_http_links,
    )
    return mask_private(cleaned).strip()


def plain_text(content: str, limit: int = 240) -> str:
    """A short plain-text excerpt of untrusted HTML (for titles and summaries);
    the caller escapes it like any other text."""
    text = html.unescape(_TAG.sub(" ", clean_html(content)))
    text = mask_private(re.sub(r"\s+", " ", text).strip())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text
