"""The one URL and handle normalizer: identity keys, post keys and safe links."""

from __future__ import annotations

import html
import ipaddress
import re
from urllib.parse import SplitResult, unquote, urlsplit

from .memo import remembered

__all__ = [
    "EMAIL_HASH_HOSTS",
    "PLATFORM_HOST_ALIASES",
    "SHARED_PLATFORM_HOSTS",
    "account_of",
    "handle_key",
    "host_of",
    "identity_keys",
    "post_path",
    "post_slug_guess",
    "profile_handle_key",
    "public_http_url",
    "safe_http_url",
    "shown_account",
    "site_host",
    "site_of_handle",
    "split_http",
    "url_key",
    "without_www",
]

#: Functions read a URL apart once per distinct value within a computation or
#: a read (``memo.py``): a large archive names the same sites and posts on
#: thousands of records, and reading a URL apart is the dearest step of
#: reading a record. The addresses of people repeat; those of pages and
#: posts (``host_of``, ``post_path``) are many: their tables stay small.
_PER_PAGE = 16384


# Homepages of shared platforms: a bare one says nothing about who someone is.
SHARED_PLATFORM_HOSTS = frozenset(
    {
        "twitter.com",
        "x.com",
        "facebook.com",
        "instagram.com",
        "threads.net",
        "github.com",
        "gitlab.com",
        "medium.com",
        "substack.com",
        "tumblr.com",
        "linkedin.com",
        "youtube.com",
        "reddit.com",
        "wordpress.com",
        "blogger.com",
        "blogspot.com",
        "google.com",
        "plus.google.com",
        "bsky.app",
        "bsky.social",
        "mastodon.social",
        "brid.gy",
        "fed.brid.gy",
        "gravatar.com",
        "disqus.com",
        "about.me",
        "livejournal.com",
        "goodreads.com",
    }
)

#: One platform under several host names: an account is the same on each.
PLATFORM_HOST_ALIASES = {
    "x.com": "twitter.com",
    "mobile.twitter.com": "twitter.com",
    "mobile.x.com": "twitter.com",
    "m.facebook.com": "facebook.com",
    "m.youtube.com": "youtube.com",
}

# Hosts whose avatars or links carry an email hash: never kept.
EMAIL_HASH_HOSTS = ("gravatar.com", "libravatar.org")

_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$")
_INDEX_FILE = re.compile(r"/index\.(html?|php)$")
#: Query parameters that name a post on a WordPress blog with plain permalinks.
_POST_ID_PARAMETERS = ("p", "page_id")
# Control characters (C0, DEL, C1), any white space, zero-width and bidi
# controls: none belongs in a URL, and each can hide a scheme or a host.
_CONTROL = re.compile(
    r"[\x00-\x20\x7f-\x9f\s\xad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2069\ufeff]+"
)
_FEDI_PATH = re.compile(r"^/(?:@|users/)([A-Za-z0-9_.\-]+)/?$")
_BSKY_PROFILE = re.compile(r"^/profile/([^/?#]+)/?$")
_FEDI_HANDLE = re.compile(r"^@?([A-Za-z0-9_.\-]+)@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})$")
_BSKY_HANDLE = re.compile(r"^@?([a-z0-9][a-z0-9\-]*(?:\.[a-z0-9][a-z0-9\-]*)+)$")
_DID = re.compile(r"^did:(?:plc|web):[A-Za-z0-9._:%\-]+$")
# A dotted quad, or a colon-separated run an IPv6 address may be, anywhere.
_IP_IN_URL = re.compile(
    r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)"
    r"|(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
)
#: What any IPv4 address ``_IP_IN_URL`` finds has (an IPv6 one has a
#: second colon): most URLs have neither, and need no scan.
_DIGIT_DOT_DIGIT = re.compile(r"\d\.\d")
# A run that can only be an IPv6 address, even glued to other text: no real
# link carries "::" between hex groups, or five colon-separated hex groups.
_IPV6_SHAPED = re.compile(
    r"[0-9A-Fa-f]{1,4}::(?:[0-9A-Fa-f]{1,4})?|(?:[0-9A-Fa-f]{1,4}:){5,}[0-9A-Fa-f]{1,4}"
)
# An http(s) URL whose network location is a plain ASCII host name and
# perhaps a port: no user, no IPv6 literal, nothing urlsplit reads apart
# differently.
_PLAIN_HTTP = re.compile(
    r"(?i:https?)://(?P<host>[A-Za-z0-9.\-]+)(?::(?P<port>[0-9]{0,5}))?"
    r"(?P<path>[/?#].*)?",
    re.DOTALL,
)
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
# An address not preceded by "@" (which would make it a fediverse handle).
_EMAIL_IN_URL = re.compile(
    r"(?<![@\w.+\-])[\w.+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)


@remembered()
def safe_http_url(value: object) -> str:
    """Return ``value`` as a clean absolute http(s) URL, or "" if it is not one.

    Control characters and whitespace are removed first, so obfuscated
    ``java\\tscript:`` tricks fall through to "": only http and https survive.
    """
    if not isinstance(value, str):
        return ""
    url = _CONTROL.sub("", value)
    if len(url) > 2048:
        return ""
    plain = _PLAIN_HTTP.fullmatch(url)
    if plain:
        # Most links: an ASCII host name, perhaps a port, no user. What
        # urlsplit would find, read in one match.
        hostname = plain["host"].lower()
        port, path = plain["port"], plain["path"] or ""
        if port and int(port) > 65535:
            return ""
        path = path.split("?", 1)[0].split("#", 1)[0]
    else:
        try:
            parts = urlsplit(url)
        except ValueError:
            return ""
        # Read once: each read of ``hostname`` parses the network location again.
        hostname = parts.hostname or ""
        if parts.scheme.lower() not in ("http", "https") or not hostname:
            return ""
        if parts.username or parts.password:
            return ""
        try:
            parts.port  # noqa: B018 - raises for a port out of range or not a number
        except ValueError:
            return ""
        path = parts.path
    if hostname.endswith(EMAIL_HASH_HOSTS):
        return ""
    # Proxies such as avatars.webmention.io carry the Gravatar URL in the path.
    lowered = path.lower()
    for host in EMAIL_HASH_HOSTS:
        if host in lowered:
            return ""
    return url


@remembered()
def public_http_url(value: object) -> str:
    """Like :func:`safe_http_url`, for a link shown or archived for everyone
    (a commenter's site, avatar or permalink): "" also when the URL would
    publish private data: an email address (``?email=ann@mail.example``)
    or an IP address (``http://203.0.113.9/``, ``/?from=203.0.113.9``).

    A fediverse profile such as ``https://instance/@ann@home.example`` is
    not an email address.
    """
    url = safe_http_url(value)
    if not url:
        return ""
    host = host_of(url).rstrip(".")
    # A dotted quad, an IPv6 literal, or a bare number a browser reads as
    # one (3405803785, 0xcb.0.113.9): no real top-level domain is numeric.
    if ":" in host or _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
        return ""
    text = html.unescape(unquote(url)) if "%" in url or "&" in url else url
    # Each search needs a character most links lack: an "@", a "::" or
    # many colons, a colon or a dot beside a digit.
    if (
        ("@" in text and _EMAIL_IN_URL.search(text))
        or (("::" in text or text.count(":") > 5) and _IPV6_SHAPED.search(text))
        or (
            (text.count(":") > 1 or _DIGIT_DOT_DIGIT.search(text))
            and any(map(_is_ip_address, _IP_IN_URL.findall(text)))
        )
    ):
        return ""
    return url


def split_http(url: str) -> tuple[str, str, str, str] | None:
    """(host in lower case, path, query, fragment) of an http(s) URL with a
    plain host name, as ``urlsplit`` reads them, without its cost; None for
    any other URL (the caller asks ``urlsplit``)."""
    plain = _PLAIN_HTTP.fullmatch(url)
    if plain is None or "\t" in url or "\r" in url or "\n" in url:
        return None
    before, _, fragment = (plain["path"] or "").partition("#")
    path, _, query = before.partition("?")
    return plain["host"].lower(), path, query, fragment


@remembered(_PER_PAGE)
def host_of(url: str) -> str:
    """The host name of a URL, in lower case ("" when it has none or is not
    a URL), as ``urlsplit(url).hostname`` reads it."""
    plain = _PLAIN_HTTP.fullmatch(url)
    if plain:
        return plain["host"].lower()
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def without_www(host: str) -> str:
    """A host as a reader names its site: without a leading ``www.``."""
    return host.removeprefix("www.")


def site_host(url: str) -> str:
    """A URL's site as a reader names it: its host (:func:`host_of`)
    :func:`without_www`."""
    return without_www(host_of(url))


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    host = without_www(host)
    return PLATFORM_HOST_ALIASES.get(host, host)


@remembered()
def url_key(url: str) -> str:
    """Identity key of a person's URL: scheme, ``www.``, case and trailing slash
    do not matter. "" when the URL identifies no one (not http(s), or the bare
    homepage of a shared platform)."""
    url = safe_http_url(url)
    if not url:
        return ""
    parts = urlsplit(url)
    host = _host(parts)
    path = unquote(parts.path).rstrip("/").lower()
    if not path and (host in SHARED_PLATFORM_HOSTS or host.endswith(".brid.gy")):
        return ""
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = f"?{parts.query.lower()}" if parts.query else ""
    return f"url:{host}{path}{query}"


def handle_key(handle: str) -> str:
    """Identity key of a social handle: ``@user@instance``, a Bluesky handle or
    a DID. "" when it is none of those."""
    handle = (handle or "").strip()
    if _DID.match(handle):
        return handle
    m = _FEDI_HANDLE.match(handle)
    if m:
        return f"acct:{m.group(1).lower()}@{m.group(2).lower()}"
    m = _BSKY_HANDLE.match(handle.lower())
    if m:
        return f"bsky:{m.group(1)}"
    return ""


@remembered()
def profile_handle_key(url: str) -> str:
    """Handle key of a profile URL (``https://instance/@user`` is
    ``@user@instance``; ``https://bsky.app/profile/x`` is Bluesky's ``x``)."""
    url = safe_http_url(url)
    if not url:
        return ""
    parts = urlsplit(url)
    host = _host(parts)
    if host == "bsky.app":
        m = _BSKY_PROFILE.match(parts.path)
        return handle_key(unquote(m.group(1))) if m else ""
    m = _FEDI_PATH.match(parts.path)
    if m and host not in SHARED_PLATFORM_HOSTS - {"mastodon.social"}:
        return f"acct:{m.group(1).lower()}@{host}"
    return ""


def identity_keys(url: str = "", handle: str = "") -> set[str]:
    """All identity keys a URL and a handle stand for. A Bluesky handle that
    is a domain of its own (``jane.example``, proven by its DNS) stands for
    that site too."""
    keys = {url_key(url), profile_handle_key(url), handle_key(handle)}
    keys |= {site_of_handle(key) for key in keys}
    keys.discard("")
    return keys


def site_of_handle(key: str) -> str:
    """The site key a Bluesky handle key vouches for (``bsky:jane.example``
    is ``url:jane.example``), or "" for a handle on a shared host."""
    if not key.startswith("bsky:"):
        return ""
    domain = key[len("bsky:") :]
    if domain in SHARED_PLATFORM_HOSTS or domain.endswith(_SHARED_HANDLE_HOSTS):
        return ""
    return f"url:{domain[4:] if domain.startswith('www.') else domain}"


#: Bluesky handles under these hosts are accounts, not sites of their own.
_SHARED_HANDLE_HOSTS = (".bsky.social", ".brid.gy", ".bsky.app")


@remembered(_PER_PAGE)
def post_path(url: str) -> str:
    """The part of a post URL that identifies the post, for matching.

    ``https://www.jane.example/2013/03/my-post/comment-page-2/#comment-7`` and
    ``/2013/03/my-post`` both give ``2013/03/my-post``; a plain WordPress
    permalink ``https://old.example/?p=42#comment-7`` gives ``?p=42``.
    """
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(_CONTROL.sub("", url))
    except ValueError:
        return ""
    path = unquote(parts.path)
    path = _COMMENT_PAGE.sub("/", path)
    path = _INDEX_FILE.sub("/", path)
    path = path.strip("/").lower()
    # WordPress's plain permalinks name the post in the query alone.
    post_id = _post_id_in_query(parts.query)
    return f"{path}?{post_id}" if post_id else path


def _post_id_in_query(query: str) -> str:
    """``p=42`` or ``page_id=42`` from a query (other parameters ignored)."""
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name in _POST_ID_PARAMETERS and value.isdigit():
            return f"{name}={int(value)}"
    return ""


def post_slug_guess(url: str) -> str:
    """The last path segment of a post URL, without ``.html``: an old
    WordPress permalink's slug."""
    last = post_path(url).rsplit("/", 1)[-1]
    return re.sub(r"\.(html?|php)$", "", last)


#: Path segments that only say "a profile follows" (reddit.com/user/x,
#: linkedin.com/in/x, youtube.com/c/x): the account is the next segment.
_PROFILE_PREFIXES = frozenset({"user", "u", "users", "in", "c", "channel", "people"})


def account_of(key: str) -> tuple[str, str]:
    """Where an identity key lives and which account there it names:
    ``("site", host)`` for a person's own site, ``("on:<platform>",
    account)`` for a profile on a platform (twitter.com/x, a Mastodon
    instance, Bluesky, github.com/x...), ``("email@<export>", key)`` for an
    email key. Two different accounts in one place are two people; a site
    and a profile elsewhere are not a contradiction."""
    kind, _, rest = key.partition(":")
    if kind == "email":
        return "email@" + rest.split(":email:", 1)[0], key
    if kind in ("did", "bsky"):
        return "on:bsky", key
    if kind == "acct":
        return "on:" + rest.rsplit("@", 1)[-1], key
    host, _, path = rest.partition("/")
    path = path.split("?", 1)[0]
    fediverse = _FEDI_PATH.match(f"/{path}")
    if fediverse and host not in SHARED_PLATFORM_HOSTS - {"mastodon.social"}:
        return f"on:{host}", f"acct:{fediverse.group(1).lower()}@{host}"
    if host == "bsky.app" and path.startswith("profile/"):
        return "on:bsky", "bsky:" + path.split("/")[1]
    if host in SHARED_PLATFORM_HOSTS and path:
        segments = [s for s in path.split("/") if s]
        while len(segments) > 1 and segments[0] in _PROFILE_PREFIXES:
            segments.pop(0)
        return f"on:{host}", f"{host}/{segments[0] if segments else ''}"
    return "site", host


def shown_account(url: str) -> str:
    """How a person's address reads beside their name, to tell them from
    someone of the same name: ``@user@instance`` on the fediverse, the
    Bluesky handle, ``@x`` on Twitter/X, ``github.com/x`` on other
    platforms, else their site's host ("" for no http(s) address)."""
    url = public_http_url(url)
    if not url:
        return ""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    for where, account in sorted({account_of(key) for key in identity_keys(url)}):
        kind, _, name = account.partition(":")
        if kind in ("acct", "bsky"):
            return f"@{name}"
        if where.startswith("on:"):
            host, _, user = account.partition("/")
            # As the address writes it (keys are case folded).
            user = next((s for s in segments if s.casefold() == user), user)
            return f"@{user}" if host == "twitter.com" else f"{host}/{user}"
    return site_host(url)
