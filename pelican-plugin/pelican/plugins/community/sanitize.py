"""The one sanitizer for text from strangers: HTML cleaned with nh3, emails and
IP addresses masked, only http(s) links kept."""

from __future__ import annotations

import html
import ipaddress
import re

import nh3

from .urls import safe_http_url

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "LINK_REL",
    "MAX_CONTENT_CHARS",
    "clean_html",
    "has_lone_surrogate",
    "markup_free",
    "mask_private",
    "plain_text",
    "whole_characters",
    "without_email_hash",
]

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

# Addresses are found in the text as a reader would see it: HTML entities
# (with or without ";", decimal, hex or named: &#64; &#x40 &commat; &period;,
# WordPress's antispambot encodes every letter so) and percent-escapes are
# decoded first, and what matches is masked where it stands in the original.
_ESCAPE = re.compile(
    r"&(?:#[xX][0-9A-Fa-f]{1,6};?|#[0-9]{1,7};?|[A-Za-z][A-Za-z0-9]{1,31};?)"
    r"|(?:%[0-9A-Fa-f]{2})+"
)
# A numeric reference without ";" runs on through the digits that follow
# ("&#x40example" is U+040E to a browser), yet it was typed as "&#x40" and
# a reader of the raw text sees an "@": both readings are scanned.
_SHORT_ESCAPE = re.compile(
    r"&(?:#[xX][0-9A-Fa-f]{2};?|#[0-9]{2,3};?|[A-Za-z][A-Za-z0-9]{1,31};?)"
    r"|(?:%[0-9A-Fa-f]{2})+"
)
# The look-behind makes a match start only where a run of address characters
# starts: without it a long run ("a.a.a...", 20 kB) costs quadratic time.
# Domains may be internationalised (müller.de, почта.рф).
_EMAIL = re.compile(
    r"(?<![@\w.+\-])[\w.+\-]+@[^\W_](?:[\w\-]*[^\W_])?"
    r"(?:\.[^\W_](?:[\w\-]*[^\W_])?)*\.(?:[^\W\d_]{2,}|xn--[\w\-]+)"
)
# Four dotted parts, each in any spelling inet_aton takes (decimal, octal
# with leading zeros, hex), not inside a longer number; letters or "_"
# around it ("is203.0.113.9") do not hide an address.
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:0[xX][0-9A-Fa-f]{1,2}|\d{1,4})\.){3}"
    r"(?:0[xX][0-9A-Fa-f]{1,2}|\d{1,4})(?!\d|\.\d)"
)
# One number inet_aton reads as a whole address (3232235777, 0xC0A80101):
# only where it stands alone, and only from 1.0.0.0 up.
_IPV4_NUMBER = re.compile(
    r"(?<![\w.,:/#\-])(?:0[xX][0-9A-Fa-f]{7,8}|[1-9]\d{7,9})(?![\w.,]|-\d)"
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


def _is_ipv6(candidate: str) -> bool:
    if candidate.count(":") < 2 or not any(ch.isalnum() for ch in candidate):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _ipv4_part(part: str) -> int:
    if part[:2] in ("0x", "0X"):
        return int(part, 16)
    # A leading zero is octal to inet_aton; read as decimal too (either
    # way it is an address a reader may recognise).
    return min(int(part, 10), int(part, 8) if set(part) <= set("01234567") else 256)


def _is_ipv4(candidate: str) -> bool:
    return all(_ipv4_part(part) <= 255 for part in candidate.split("."))


def _is_ipv4_number(candidate: str) -> bool:
    value = int(candidate, 16) if candidate[:2] in ("0x", "0X") else int(candidate)
    return 1 << 24 <= value < 1 << 32


#: What each pattern finds, what it is masked as, and the check a match must pass.
_PRIVATE = (
    (_EMAIL, "[email hidden]", None),
    (_IPV6, "[address hidden]", _is_ipv6),
    (_IPV4, "[address hidden]", _is_ipv4),
    (_IPV4_NUMBER, "[address hidden]", _is_ipv4_number),
)
#: A character each pattern cannot match without (beside "@" for _EMAIL).
_NEEDED = {_IPV6: ":", _IPV4: ".", _IPV4_NUMBER: ""}
# Escapes that can spell part of an address: numeric references, the
# named ones for "@", "." and the other characters of an address, and
# percent-escapes. Other entities (&lt; &amp; ...) are scanned as they stand.
_NEEDS_DECODING = re.compile(
    r"&#|&(?:commat|period|hyphen|dash|lowbar|plus|num)|%[0-9A-Fa-f]{2}"
)
# Text with none of these cannot hold an address: most names and many
# comments skip the scan.
_MAYBE_PRIVATE = re.compile(r"[@&%0-9]")
_MARKED = re.compile(r"[@&%]")
#: What a whole address written as one number has (``_IPV4_NUMBER``).
_LONG_NUMBER = re.compile(r"\d{8}|0[xX]")


def _decoded(text: str, escape: re.Pattern[str]) -> tuple[str, list[int]]:
    """``text`` with entities and percent-escapes decoded, and for each
    decoded character the offset in ``text`` where its spelling starts
    (plus one final offset, the end)."""
    chars: list[str] = []
    starts: list[int] = []
    done = 0
    for match in escape.finditer(text):
        chars.append(text[done : match.start()])
        starts.extend(range(done, match.start()))
        spelled = match.group(0)
        if spelled[0] == "%":
            raw = bytes.fromhex(spelled.replace("%", ""))
            decoded = raw.decode("utf-8", "replace")
        else:
            decoded = html.unescape(spelled)
        chars.append(decoded)
        # Every character of an escape stands where the escape starts; the
        # mask then covers the whole escape.
        starts.extend([match.start()] * len(decoded))
        done = match.end()
    chars.append(text[done:])
    starts.extend(range(done, len(text) + 1))
    return "".join(chars), starts


def _ends(starts: list[int], text_length: int) -> list[int]:
    """For each decoded character, where its spelling ends in the original."""
    ends = starts[1:]
    # Characters of one escape share a start: each ends where the next
    # spelling starts.
    for index in range(len(ends) - 2, -1, -1):
        if ends[index] == starts[index]:
            ends[index] = ends[index + 1]
    return ends or [text_length]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds half of a UTF-16 pair (a JSON ``\\ud800``
    escape gives one): no page or file can be written with it."""
    return _LONE_SURROGATE.search(text) is not None


def whole_characters(text: str) -> str:
    """``text`` with each lone UTF-16 surrogate replaced by U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def mask_private(text: str, *, numbers: bool = True, shortcuts: bool = True) -> str:
    """Mask email and IP addresses in already-escaped or plain text, however
    they are spelled (entities, percent-escapes, international domains,
    every IPv4 form inet_aton reads), leaving fediverse handles
    (``@user@instance``) alone. ``numbers=False`` leaves a lone number be
    (an id or an address's path is no place where one is typed as an
    address, and a ten-digit id is common). ``shortcuts=False`` runs every
    scan on every text: the reference the shortcuts are held to."""
    if not shortcuts:
        return _masked(text, numbers)
    if not text or not _MAYBE_PRIVATE.search(text):
        return text
    if (
        "." not in text
        and ":" not in text
        and not _MARKED.search(text)
        and not (numbers and _LONG_NUMBER.search(text))
    ):
        # Digits alone, no escape: an address needs a dot, a colon, an "@"
        # or a long number ("post-2", "id 12345" skip the scan).
        return text
    return _masked(text, numbers)


def _masked(text: str, numbers: bool) -> str:
    """:func:`mask_private` without its shortcuts: every scan, always."""
    if not _NEEDS_DECODING.search(text):
        spans = _private_spans(text, numbers)
    else:
        spans = []
        readings = [_ESCAPE, _SHORT_ESCAPE] if "&#" in text else [_ESCAPE]
        for escape in readings:
            plain, starts = _decoded(text, escape)
            ends = _ends(starts, len(text))
            spans += [
                (starts[a], ends[b - 1], m)
                for a, b, m in _private_spans(plain, numbers)
            ]
    if not spans:
        return text
    out: list[str] = []
    done = 0
    for start, end, mask in sorted(spans):
        if end <= done:
            continue
        out.append(text[done:start] if start >= done else "")
        if start >= done:
            out.append(mask)
        done = end
    out.append(text[done:])
    return "".join(out)


def _private_spans(plain: str, numbers: bool) -> list[tuple[int, int, str]]:
    """Where ``plain`` holds an address, and what each is masked as."""
    spans: list[tuple[int, int, str]] = []
    has_at = "@" in plain
    handles = [m.span() for m in _HANDLE_AT.finditer(plain)] if has_at else []
    for pattern, mask, check in _PRIVATE if numbers else _PRIVATE[:-1]:
        # Each pattern needs a character most text lacks: skip the scan.
        if not (has_at if pattern is _EMAIL else _NEEDED[pattern] in plain):
            continue
        for match in pattern.finditer(plain):
            start, end = match.span()
            if check is not None and not check(match.group(0)):
                continue
            if any(h_start <= start and end <= h_end for h_start, h_end in handles):
                continue
            if any(start < s_end and s_start < end for s_start, s_end, _ in spans):
                continue
            spans.append((start, end, mask))
    return spans


#: A path segment that is an MD5 or SHA-256 digest (Gravatar and its
#: mirrors: cravatar.cn, gravatar.loli.net, cdn.v2ex.com/gravatar...).
_HASH_SEGMENT = re.compile(r"/(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})(?:\.\w{2,4})?(?:/|$)")
#: webmention.io's avatar proxy names its files by a digest of the image's
#: address, not of an email: kept unless the image was a Gravatar.
_AVATAR_PROXY = re.compile(r"^https?://(?:avatars\.)?webmention\.io/(?:avatar/)?")


def without_email_hash(url: str) -> str:
    """An avatar or photo URL, or "" when its path carries what may be an
    email's hash, whatever the host (Gravatar mirrors are many)."""
    if not url:
        return url
    path = url.split("?", 1)[0].split("#", 1)[0]
    if _AVATAR_PROXY.match(path) and not re.search(r"gravatar|libravatar", path, re.I):
        return url
    return "" if _HASH_SEGMENT.search(path.split("://", 1)[-1]) else url


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


# Bridgy ends a reply with one empty, invisible link per account it mentions
# (<a class="u-mention" href="..."></a>), each on its own line: nothing to
# read, and as line breaks they made blank lines under the reply.
_EMPTY_LINK = re.compile(r"[ \t]*<a\b[^>]*>\s*</a>[ \t]*", re.I)


def _without_empty_links(content: str) -> str:
    if "</a>" not in content and "</A>" not in content:
        return content
    kept = []
    for line in content.split("\n"):
        cleaned = _EMPTY_LINK.sub("", line)
        if cleaned.strip() or not line.strip():
            kept.append(cleaned)
    return "\n".join(kept).strip()


#: What nh3 allows, built once (nh3 only reads them).
_NH3_TAGS = set(ALLOWED_TAGS)
_NH3_ATTRIBUTES = {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()}
_NH3_SCHEMES = {"http", "https"}


def clean_html(content: str, *, shortcuts: bool = True) -> str:
    """Sanitize untrusted comment HTML for the page: allowed tags only, links
    only to http(s) with ``rel="nofollow ugc noopener"``, no email or IP.
    ``shortcuts=False`` passes every text through nh3 and every scan: the
    reference the shortcuts are held to."""
    if not content:
        return ""
    content = _without_empty_links(content[:MAX_CONTENT_CHARS])
    content = _paragraphs(content)
    # Words in paragraphs and line breaks, nothing to escape: what nh3
    # would give back unchanged (most comments; tested against nh3).
    if not shortcuts or not _PLAIN.fullmatch(content):
        content = _sanitized(_headings_and_blocks(content))
    return mask_private(content, shortcuts=shortcuts).strip()


def _sanitized(content: str) -> str:
    return nh3.clean(
        content,
        tags=_NH3_TAGS,
        attributes=_NH3_ATTRIBUTES,
        url_schemes=_NH3_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_keep_http_links,
    )


#: Text nh3 returns as it is: no markup but paragraphs and line breaks, and
#: no character its serializer writes as an entity (``&``, ``<``, ``>``, a
#: no-break space) or its parser replaces or drops (NUL, carriage return,
#: a byte-order mark).
_WORDS = r"[^<>&\x00\r\xa0\ufeff\ud800-\udfff]*"
_PLAIN = re.compile(rf"{_WORDS}(?:<br>{_WORDS})*|(?:<p>{_WORDS}(?:<br>{_WORDS})*</p>)+")


def markup_free(text: str) -> str:
    """``text`` without its tags, entities read ("<em>L&#8217;Été</em>" is
    " L’Été "): words to compare or count, never to show as HTML."""
    return html.unescape(_TAG.sub(" ", text))


def plain_text(content: str, limit: int = 240) -> str:
    """A short plain-text excerpt of untrusted HTML (for titles and summaries);
    the caller escapes it like any other text."""
    text = markup_free(clean_html(content))
    text = mask_private(re.sub(r"\s+", " ", text).strip())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text
