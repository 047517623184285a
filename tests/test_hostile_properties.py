"""Property-based hostile input: the URL normalizer, the sanitizer, identity
merging and every parser, fed whatever hypothesis can think of."""

from __future__ import annotations

import contextlib
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import Site
from hostile.comments import WRITERS, Fields, bluesky_json, mastodon_json
from hostile.malformed import (
    BAD_DECLARED_ENCODINGS,
    FILE_KINDS,
    LONG_INTEGER,
    declaring_encoding,
)
from hostile.payloads import XSS_MARKUP, XSS_URLS
from html_checks import executable_markup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pelican.plugins.community import sanitize
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.model import Interaction
from pelican.plugins.community.names import PLACEHOLDER_NAMES, name_key
from pelican.plugins.community.people import shares
from pelican.plugins.community.people.identity import (
    AUTHOR,
    AUTHOR_BY_NAME,
    merge_identities,
)
from pelican.plugins.community.people.people_file import PeopleFile, PersonEntry
from pelican.plugins.community.sanitize import clean_html
from pelican.plugins.community.sources import SOURCE_TYPES, bluesky, mastodon
from pelican.plugins.community.urls import (
    handle_key,
    identity_keys,
    post_path,
    post_slug_guess,
    profile_handle_key,
    public_http_url,
    safe_http_url,
    url_key,
)

#: Examples per property; HOSTILE_EXAMPLES=5000 for a deeper run. The
#: examples are the same on every run (the "ci" profile in conftest.py);
#: HYPOTHESIS_PROFILE=explore draws new ones.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "100"))
FAST = settings(max_examples=EXAMPLES, deadline=None)
# tmp_path is shared by the examples of one test: each example overwrites
# the same file, so sharing it is what we want. The parsers get twice the
# examples: they are where bytes from strangers arrive, and cheap to run.
WITH_TMP_PATH = settings(
    max_examples=EXAMPLES * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# -- strategies -----------------------------------------------------------------

_URL_PIECES = (
    "http://",
    "https://",
    "HTTPS://",
    "//",
    "javascript:",
    "data:",
    "www.",
    "Example.COM",
    "a.example",
    "xn--bcher-kva.example",
    "[::1]",
    "[2001:db8::1]",
    "203.0.113.9",
    ":8080",
    ":99999",
    ":abc",
    "@",
    "user:pass@",
    "/",
    "//",
    "/@karen",
    "/@karen@hachyderm.io",
    "/profile/karen.bsky.social",
    "/comment-page-2/",
    "/index.html",
    "#comment-7",
    "?p=42",
    "?email=a@b.example",
    "%2F",
    "%40",
    "%",
    "\t",
    "\n",
    "\x00",
    "\x85",
    "\u00a0",
    "\u202e",
    "\u200b",
    "\\",
    "&#106;",
    '"',
    "'",
    "<",
    ">",
    " ",
)
url_like = st.one_of(
    st.text(),
    st.lists(st.sampled_from(_URL_PIECES), max_size=12).map("".join),
    st.sampled_from(XSS_URLS),
)

_HOST = st.from_regex(r"[a-z][a-z0-9\-]{0,10}\.(example|test|org)", fullmatch=True)
_PATH = st.lists(st.from_regex(r"[A-Za-z0-9_\-]{1,8}", fullmatch=True), max_size=4)


# -- the URL normalizer --------------------------------------------------------


@FAST
@given(url_like)
@example("http://a.example:99999/")
@example("http://a.example:abc/")
def test_url_functions_never_raise(text):
    safe_http_url(text)
    public_http_url(text)
    url_key(text)
    post_path(text)
    post_slug_guess(text)
    handle_key(text)
    profile_handle_key(text)
    identity_keys(text, text)


_NOT_IN_A_LINK = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


@FAST
@given(url_like)
@example("java\tscript:alert(1)")
@example(" \x01javascript:alert(1)")
@example("https://a.example/\x85x")
def test_a_safe_url_is_http_or_https_with_no_hidden_characters(text):
    for url in (safe_http_url(text), public_http_url(text)):
        assert url == "" or re.match(r"https?://", url, re.IGNORECASE)
        assert not any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url)
        assert not _NOT_IN_A_LINK.search(url)


@FAST
@given(url_like)
def test_normalizing_twice_changes_nothing(text):
    safe = safe_http_url(text)
    assert safe_http_url(safe) == safe
    assert public_http_url(public_http_url(text)) == public_http_url(text)
    assert url_key(safe) == url_key(text)
    key = url_key(text)
    assert key == "" or (key.startswith("url:") and not re.search(r"\s", key))
    path = post_path(text)
    assert path == path.lower() and not path.startswith("/") and not path.endswith("/")


@FAST
@given(
    _HOST,
    _PATH,
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_scheme_www_case_and_trailing_slash_do_not_change_a_url_key(
    host, segments, https, www, upper, slash
):
    path = "/" + "/".join(segments)
    plain = f"https://{host}{path}"
    variant = f"{'https' if https else 'http'}://{'www.' if www else ''}{host}{path}"
    if upper:
        variant = variant.upper().replace("HTTP", "http")
    if slash and not variant.endswith("/"):
        variant += "/"
    assert url_key(variant) == url_key(plain)


# -- the sanitizer -------------------------------------------------------------------

_HTML_PIECES = (
    *XSS_MARKUP,
    "<p>",
    "</p>",
    "<a href=",
    '"',
    "'",
    ">",
    "<",
    "<svg>",
    "<math>",
    "<style>",
    "</style>",
    "<noscript>",
    "<!--",
    "-->",
    "javascript:",
    "&#x09;",
    "\n\n",
)


@FAST
@given(st.lists(st.sampled_from(_HTML_PIECES), max_size=10).map("".join))
def test_sanitized_html_never_holds_executable_markup(html):
    assert executable_markup(clean_html(html)) == []


#: Plain words and what nh3 would change in them: entities, a no-break
#: space, NUL, carriage returns, a byte-order mark, half a UTF-16 pair.
_PLAIN_PIECES = (
    "words",
    " ",
    "\n",
    "\n\n",
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<b>",
    "&",
    "&amp;",
    "<",
    ">",
    "\xa0",
    "\x00",
    "\r",
    "\ufeff",
    "\u200b",
    "\x0c",
    "\x7f",
    "é中😀",
    '"',
    "'",
)


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN_PIECES), max_size=12).map("".join))
@example("<p>Thanks!\nSee you</p>")
@example("\ufeffHello")
@example("a\xa0b")
def test_plain_words_are_cleaned_exactly_as_nh3_cleans_them(content):
    assert clean_html(content) == clean_html(content, shortcuts=False)


_PRIVATE_PIECES = (
    "post-",
    "12",
    "3405803785",
    "0x",
    "C0A80101",
    "203",
    ".",
    ":",
    "::",
    "fe80",
    "@",
    "ann",
    "mail.example",
    "&#64;",
    "%40",
    "&amp;",
    " ",
    "٣",
)


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(
    st.lists(st.sampled_from(_PRIVATE_PIECES), max_size=12).map("".join),
    st.booleans(),
)
@example("id 3232235777", True)
@example("post-00000", True)
def test_addresses_are_masked_alike_with_or_without_shortcuts(text, numbers):
    assert sanitize.mask_private(text, numbers=numbers) == sanitize.mask_private(
        text, numbers=numbers, shortcuts=False
    )


_SHARE_PIECES = (
    "words",
    "Title",
    " ",
    ".",
    "example.com/post",
    "https://a.example/x",
    "www.",
    "WWW.",
    "a.b",
    "@ann",
    "@ann@social.example",
    "via ",
    "RT ",
    "#tag",
    "İstanbul",
    "Straße",
    "ǅ",
    "😀",
    "_",
    "-",
    "/",
    ":",
    "L: ",
    "Points: 101",
    "March 23, 2020 at 12:33AM",
    "pt1",
)


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(st.lists(st.sampled_from(_SHARE_PIECES), max_size=14).map("".join))
@example("Great read example.com/post via @site")
def test_a_shares_words_are_read_alike_with_or_without_shortcuts(text):
    every_scan = shares.words_besides_links(text, shortcuts=False)
    assert shares.words_besides_links(text) == every_scan


# -- identity merging ---------------------------------------------------------------

_interaction = st.builds(
    lambda source, number, name, url, key, handle: Interaction(
        source=source,
        id=str(number),
        kind="comment",
        published="2020-01-01T00:00:00+00:00",
        author_name=name,
        author_url=url,
        author_key=key,
        author_handle=handle,
    ),
    source=st.sampled_from(("wp", "wm", "feed")),
    number=st.integers(0, 10**6),
    name=st.sampled_from(
        (
            "Ann",
            "ann",
            "ANN ",
            "Bob",
            "Karen Bell",
            "karen bell 🎉",
            "",
            "Anonymous",
            "Maren Holt",
        )
    ),
    url=st.sampled_from(
        (
            "",
            "https://a.example/",
            "http://www.a.example",
            "https://b.example/",
            "https://twitter.com/karen",
            "https://x.com/other",
            "https://maren.example/about",
        )
    ),
    key=st.sampled_from(("", "wp:email:1", "wp:email:2")),
    handle=st.sampled_from(("", "@ann@x.example", "karen.bsky.social")),
)
_people = st.sampled_from(
    (
        PeopleFile(),
        PeopleFile(
            friends=(
                PersonEntry("Karen Bell", urls=("https://b.example/",), pinned=True),
            )
        ),
        PeopleFile(people=(PersonEntry("Ann", aliases=("Bob",)),)),
        PeopleFile().with_site_author(("Maren Holt",), "https://maren.example"),
    )
)


def _grouping(identities) -> set[tuple[str, frozenset[tuple[str, str]]]]:
    return {
        (
            identity.entry.name if identity.entry else "",
            frozenset((i.source, i.id) for i in identity.items),
        )
        for identity in identities
    }


@FAST
@given(
    st.lists(_interaction, max_size=12, unique_by=lambda i: (i.source, i.id)).flatmap(
        lambda items: st.tuples(st.just(items), st.permutations(items))
    ),
    _people,
)
def test_merging_people_does_not_depend_on_input_order(items_and_shuffled, people):
    items, shuffled = items_and_shuffled
    assert _grouping(merge_identities(items, people)) == _grouping(
        merge_identities(list(shuffled), people)
    )


@FAST
@given(
    st.lists(_interaction, max_size=12, unique_by=lambda i: (i.source, i.id)),
    _people,
)
def test_merging_follows_the_evidence(items, people):
    """Whatever the mix: no placeholder merges into anyone by name or email,
    a single given name merges with no one by name alone, an email links no
    two names, the author is proven only by evidence, and anyone only named
    like the author is not shown as them."""
    for identity in merge_identities(items, people):
        signed = {name_key(i.author_name) for i in identity.items}
        addressed = [i for i in identity.items if i.author_url or i.author_handle]
        if identity.entry is None and not addressed and len(identity.items) > 1:
            # Merged by name or email only: one full name, never a placeholder.
            assert len(signed) == 1 and signed.isdisjoint(PLACEHOLDER_NAMES)
            (name,) = signed
            keys = {i.author_key for i in identity.items}
            assert len(name.split()) >= 2 or keys - {""}
        if identity.author == AUTHOR:
            assert (
                any(
                    "maren.example" in i.author_url or i.author_is_me
                    for i in identity.items
                )
                or not identity.items
            )
        if identity.author == AUTHOR_BY_NAME:
            assert all(
                not (i.author_url or i.author_handle or i.author_key)
                for i in identity.items
            )


# -- every parser, fed arbitrary bytes -------------------------------------------------

FILE_READERS = {
    name: kind.read_file for name, kind in SOURCE_TYPES.items() if kind.read_file
}
#: Where the one file of each source goes, below tmp_path.
FILE_NAMES = {
    "wordpress": "export.xml",
    "disqus": "disqus.xml",
    "blogger": "blogger.xml",
    "feed": "comments.atom",
    "webmention.io": "wm.json",
    "commento": "commento.json",
    "staticman": "staticman/post-1/comment.yml",
    "pelican-comment-system": "comments/post-1/1.md",
}


def _valid_document(source: str, root: Path) -> bytes:
    """A small valid file of ``source`` (written by the hostile builders)."""
    specs = WRITERS[source](Site(root), [Fields(id="p1"), Fields(id="p2", name="Zoë")])
    found = root / specs[0]["path"]
    path = (
        found if found.is_file() else next(p for p in found.rglob("*") if p.is_file())
    )
    return path.read_bytes()


def _mutated(document: bytes):
    """``document`` with a few byte-level edits: cut, insert, replace."""
    edit = st.tuples(
        st.integers(0, max(len(document) - 1, 0)),
        st.integers(0, 40),
        st.binary(max_size=12),
    )

    def apply(edits):
        data = bytearray(document)
        for position, length, insert in edits:
            data[position : position + length] = insert
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=4).map(apply)


def _hostile_edits(source: str, document: bytes):
    """``document`` with an edit random bytes seldom make: an XML
    declaration naming an encoding no parser can use, or a number too long
    for ``int()``."""
    kinds = FILE_KINDS[source].split()
    if "xml" in kinds:
        return st.sampled_from(sorted(BAD_DECLARED_ENCODINGS.values())).map(
            lambda encoding: declaring_encoding(document, encoding)
        )
    if "json" in kinds:
        return st.just(
            document.replace(b"{", b'{"n": ' + LONG_INTEGER.encode() + b", ", 1)
        )
    return st.nothing()


def _read(source: str, root: Path, data: bytes):
    path = root / "data" / FILE_NAMES[source]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    target = (
        path
        if source not in ("staticman", "pelican-comment-system")
        else (root / "data" / FILE_NAMES[source].split("/")[0])
    )
    try:
        return FILE_READERS[source](target, "src")
    except SourceError as exc:
        assert str(path) in str(exc) or str(target) in str(exc)
        return None


@pytest.mark.parametrize("source", sorted(FILE_NAMES))
@WITH_TMP_PATH
@given(data=st.data())
def test_a_parser_given_arbitrary_bytes_reads_or_names_the_file(tmp_path, source, data):
    document = _valid_document(source, tmp_path / "valid")
    raw = data.draw(
        st.one_of(
            st.binary(max_size=2048),
            _mutated(document),
            _hostile_edits(source, document),
            _hostile_edits(source, document).flatmap(_mutated),
        )
    )
    result = _read(source, tmp_path, raw)
    if result is not None:
        for item in result.interactions:
            json.dumps(item.to_dict())  # the archive can hold it


# -- Mastodon and Bluesky answers, however odd ------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _replace_values(value, replacements):
    """``value`` (a JSON document) with leaves swapped for drawn values."""
    if isinstance(value, dict):
        return {k: _replace_values(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_values(v, replacements) for v in value]
    return replacements.pop() if replacements else value


STATUS = mastodon.parse_status_url("https://social.example/@jane/1000")
ROOT = "at://did:plc:jane/app.bsky.feed.post/root"


@FAST
@given(st.lists(_json, max_size=40), _json)
def test_mastodon_answers_parse_or_raise_value_error(replacements, anything):
    context, likes = mastodon_json([Fields(id="1"), Fields(id="2", name="Zoë")])
    for document, parse in (
        (
            _replace_values(context, list(replacements)),
            lambda d: mastodon.parse_context(d, STATUS, "m", "https://b.example/p/"),
        ),
        (
            _replace_values(likes, list(replacements)),
            lambda d: mastodon.parse_accounts(d, "like", STATUS, "m", "/p/"),
        ),
        (anything, lambda d: mastodon.parse_context(d, STATUS, "m", "/p/")),
        (anything, lambda d: mastodon.parse_accounts(d, "repost", STATUS, "m", "/p/")),
    ):
        with contextlib.suppress(ValueError):
            parse(document)


@FAST
@given(st.lists(_json, max_size=40), _json)
def test_bluesky_answers_parse_or_raise_value_error(replacements, anything):
    thread, likes = bluesky_json([Fields(id="1"), Fields(id="2", name="Zoë")])
    for document, parse in (
        (
            _replace_values(thread, list(replacements)),
            lambda d: bluesky.parse_thread(d, "b", "/p/"),
        ),
        (
            _replace_values(likes, list(replacements)),
            lambda d: bluesky.parse_actors(d, "like", ROOT, "b", "/p/"),
        ),
        (anything, lambda d: bluesky.parse_thread(d, "b", "/p/")),
        (anything, lambda d: bluesky.parse_actors(d, "repost", ROOT, "b", "/p/")),
        (anything, bluesky.resolved_did),
        (anything, bluesky.next_cursor),
    ):
        with contextlib.suppress(ValueError):
            parse(document)


def test_every_run_draws_the_same_examples():
    """conftest.py loads a derandomized profile with no example database, so
    a run in CI finds exactly what the next run (or a laptop) finds."""
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci":
        pytest.skip("another hypothesis profile was asked for")
    for chosen in (settings.default, FAST, WITH_TMP_PATH):
        assert chosen.derandomize and chosen.database is None and chosen.print_blob
