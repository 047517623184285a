"""Whether a page vouches for who its author claims to be: exact hosts, own paths."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

__all__ = [
    "BRIDGY_HOSTS",
    "account_path",
    "is_bridgy",
    "on_host",
    "page_host",
    "vouches_for",
]

#: Bridgy's own hosts: a page on one of them (or a dot-bounded subdomain,
#: such as ``fed.brid.gy``) is Bridgy's rendering of a silo post.
BRIDGY_HOSTS = ("brid.gy", "brid-gy.appspot.com")

# The account a path belongs to, on a host shared by path: a fediverse
# account (/@alice, /users/alice), a home page (/~alice), a university's or
# a platform's people pages (/people/alice, /u/alice...).
_FEDI_ACCOUNT = re.compile(r"^/(?:@|users/)([^/@]+)(?:/|$)")
_TILDE_ACCOUNT = re.compile(r"^/(~[^/]+)(?:/|$)")
_PREFIXED_ACCOUNT = re.compile(
    r"^/(people|person|user|users|u|staff|faculty|home|homes|members|profile)"
    r"/([^/]+)(?:/|$)"
)


def page_host(url: str) -> str:
    """The host a URL's page is served by, as vouching compares it: lower
    case, no user, port, trailing dot or leading ``www.``; "" for a URL that
    is not http(s) or whose host is not plain ASCII (an IDN look-alike must
    be given in its punycode form, and then is that exact host)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host.isascii():
        return ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def on_host(host: str, hosts: tuple[str, ...] | frozenset[str]) -> bool:
    """``host`` is one of ``hosts`` or a dot-bounded subdomain of one."""
    return any(host == known or host.endswith("." + known) for known in hosts)


def is_bridgy(url: str) -> bool:
    """``url`` is a page of Bridgy itself (not of a look-alike host such as
    ``evilbrid.gy`` or ``xbrid-gy.appspot.com``)."""
    return on_host(page_host(url), BRIDGY_HOSTS)


def account_path(url: str) -> str:
    """The user a URL's path belongs to on a host shared by path
    (``@alice`` for ``/@alice/1`` and ``/users/alice/statuses/1``, ``~alice``,
    ``people/alice``), or "" when the path names no user."""
    try:
        path = unquote(urlsplit(url.strip()).path)
    except ValueError:
        return ""
    match = _FEDI_ACCOUNT.match(path)
    if match:
        return "@" + match.group(1).lower()
    match = _TILDE_ACCOUNT.match(path)
    if match:
        return match.group(1).lower()
    match = _PREFIXED_ACCOUNT.match(path)
    if match:
        return f"{match.group(1).lower()}/{match.group(2).lower()}"
    return ""


def vouches_for(source: str, identity: str) -> bool:
    """The page at ``source`` vouches for the person at ``identity``: it is
    on that person's site (the same host, or a subdomain of it), and a page
    under one user's path on a host shared by path (a fediverse account
    ``/@alice/1``, ``/~alice/``, ``/people/alice/``) vouches only for URLs
    under that same user's path on that same host. A page under no user's
    path is the host's own (a fediverse server's ``/objects/<id>``): the host
    serves all its users' pages, so it vouches for any of them. Anyone can
    write any h-card: only where the page stands proves anything."""
    source_host, identity_host = page_host(source), page_host(identity)
    if not source_host or not identity_host:
        return False
    if source_host != identity_host and not source_host.endswith("." + identity_host):
        return False
    source_account = account_path(source)
    if source_account:
        return source_host == identity_host and account_path(identity) == source_account
    return True
