"""Hostile input cannot hurt a site: every field of every source, fed with
script, spoofed names, private data, XML attacks and broken files.

The assertions are on what a reader of the built site sees: the article page
(with ``COMMUNITY_THANKS_IN_CONTENT``), the community page and the JSON
report hold no executable markup, no link that is not http(s), and no email
address, IP address or email hash from the input; the archive (often
published in a git repository) holds no email or IP address either.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import tracemalloc
from dataclasses import replace

import pytest
import replay_server
from conftest import Site
from hostile.comments import (
    FOLDER_SOURCES,
    SOURCE_FIELDS,
    SOURCES,
    WRITERS,
    Fields,
    bluesky_json,
    mastodon_json,
    variants,
)
from hostile.exposure import archive_text, private_data
from hostile.malformed import (
    BAD_DECLARED_ENCODINGS,
    FILE_KINDS,
    IMPOSSIBLE_YAML_DATES,
    LONG_INTEGER,
    malformed_cases,
    write_malformed,
)
from hostile.payloads import (
    ARTICLE_SLUG,
    ARTICLE_URL,
    BAD_DATES,
    EMAIL,
    EMAIL_HASH,
    PRIVATE_TEXT,
    PRIVATE_URLS,
    SLOW_TEXT,
    SLOW_UNITS,
    SPOOF_NAMES,
    TEXT_MARKUP,
    XSS_MARKUP,
    XSS_URLS,
)
from hostile.xml_attacks import (
    IGNORABLE_ATTACKS,
    XML_ATTACKS,
    XML_SOURCES,
    passwd_lines,
    write_xml_attack,
)
from html_checks import executable_markup, links
from pelican.plugins.community.archive.live import sync_live_sources
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.fetcher import Fetcher
from pelican.plugins.community.model import PostRef
from pelican.plugins.community.sanitize import (
    MAX_CONTENT_CHARS,
    clean_html,
)
from pelican.plugins.community.sources import (
    SOURCE_TYPES,
    commento,
    feed,
    pelican_comment_system,
    staticman,
    webmention_io,
)
from pelican.plugins.community.sources import _xml as xmlsafe
from replay_server import FAST_POLICY, NOW, json_reply, live_settings

replay = replay_server.replay
#: Each local source type's reader: ``reader(path, source_name)``.
READERS = {
    name: kind.read_file
    for name, kind in SOURCE_TYPES.items()
    if kind.read_file is not None
}

PAGES = (f"{ARTICLE_SLUG}/index.html", "community/index.html")
_HTTP_LINK = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$")

#: Payload class -> what goes into which kind of field.
PAYLOAD_CLASSES: dict[str, dict[str, tuple[str, ...]]] = {
    "markup": {
        "content": XSS_MARKUP,
        "text": TEXT_MARKUP,
        "id": TEXT_MARKUP,
        "date": TEXT_MARKUP[:2],
    },
    "urls": {"url": XSS_URLS},
    "spoofing": {"text": SPOOF_NAMES, "content": SPOOF_NAMES[:3]},
    "private-data": {
        "content": PRIVATE_TEXT,
        "text": PRIVATE_TEXT,
        "url": PRIVATE_URLS,
        # Post titles are tested on their own (the archive keeps them as given).
        "title": (),
        # Staticman stores an md5 of the address; Disqus may give it as a username.
        "email": (*PRIVATE_TEXT, EMAIL_HASH, EMAIL.upper()),
        "handle": (*PRIVATE_TEXT, EMAIL_HASH),
    },
    "dates": {"date": BAD_DATES},
    # Digits int() refuses: not ASCII, or more than Python converts.
    "numbers": {
        "id": ("²", "٣", LONG_INTEGER),
        "date": ("²", "٣", LONG_INTEGER, "9" * 400),
    },
}


def _build_with(
    site, source: str, comments: list[Fields], people: str = "", meta=None
) -> None:
    """Build the site with ``comments`` from ``source`` ("offline": only
    what the archive already holds)."""
    site.article(ARTICLE_SLUG, "One", "2020-01-01", **(meta or {}))
    site.article("post-2", "Two", "2020-02-01")
    if people:
        site.write("community.yaml", people)
    if source != "offline":
        site.settings["COMMUNITY_SOURCES"] = WRITERS[source](site, comments)
    site.settings["COMMUNITY_OFFLINE"] = True
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.build()


def _assert_pages_are_safe(site, server: str = "") -> None:
    """``server``: the loopback address of a replay server, which live
    records name in their ids (it is the instance, not a person)."""
    for page in PAGES:
        html = site.page(page)
        assert executable_markup(html) == [], page
        bad_links = [
            href
            for href in links(html)
            if (not _HTTP_LINK.match(href) and not href.startswith(("#", "/")))
            or href.startswith("//")
        ]
        assert bad_links == [], page
        assert private_data(html) == [], page
    report = json.loads(site.page("community.json"))
    for person in report["people"]:
        assert person["url"] is None or _HTTP_LINK.match(person["url"]), person
    assert private_data(site.page("community.json")) == []
    archive = archive_text(site.root)
    assert [found for found in private_data(archive) if found != server] == [], (
        "the archive holds an email, IP address or email hash"
    )


@pytest.mark.parametrize("payload_class", sorted(PAYLOAD_CLASSES))
@pytest.mark.parametrize("source", SOURCES)
def test_hostile_values_in_every_field_cannot_reach_the_pages(
    site, source, payload_class
):
    payloads = PAYLOAD_CLASSES[payload_class]
    if source in FOLDER_SOURCES:
        # The post is a folder name there: markup and spoofed text, not URLs.
        # Private data in file and folder names is tested on its own.
        names = () if payload_class == "private-data" else payloads.get("text", ())
        payloads = {**payloads, "target": names}
    comments = list(variants(source, payloads))
    # One harmless comment, so each build shows a conversation.
    comments.append(
        Fields(
            id="plain",
            name="Plain Reader",
            url="https://plain.example/",
            email="plain@reader.example",
            content="<p>Fine.</p>",
        )
    )
    _build_with(site, source, comments)
    _assert_pages_are_safe(site)
    article = site.page(f"{ARTICLE_SLUG}/index.html")
    assert "Plain Reader" in article and "Fine." in article


@pytest.mark.parametrize("source", SOURCES)
def test_a_name_holding_markup_is_shown_as_text(site, source):
    _build_with(
        site,
        source,
        [Fields(id="n1", name='<script>alert("name")</script>Mallory', url="")],
    )
    article = site.page(f"{ARTICLE_SLUG}/index.html")
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;Mallory" in article
    assert executable_markup(article) == []


#: Sources whose input is JSON, where ``\\ud800`` (half of a UTF-16 pair)
#: is a valid escape; mastodon and bluesky are read as their APIs answer.
JSON_SOURCES = ("webmention.io", "commento", "mastodon", "bluesky")
HALF = "\ud800"


@pytest.mark.parametrize("source", JSON_SOURCES)
def test_half_a_character_in_json_builds_with_a_replacement_mark(site, source):
    """A lone surrogate escape cannot be written to any page or file: the
    build shows U+FFFD in its place, in names and words alike."""
    comments = [
        Fields(
            id="h1",
            name="Ann HALF Lee",
            url="https://ann.example/",
            content="<p>Half HALF here</p>",
        ),
        Fields(id="h2", name="Bo Tan", content="plain HALF words"),
    ]
    if source in ("mastodon", "bluesky"):
        comments = [
            replace(
                c,
                name=c.name.replace("HALF", HALF),
                content=c.content.replace("HALF", HALF),
            )
            for c in comments
        ]
        specs = WRITERS[source](site, comments)
    else:
        specs = WRITERS[source](site, comments)
        for spec in specs:
            path = site.root / spec["path"]
            path.write_text(
                path.read_text(encoding="utf-8").replace("HALF", "\\ud800"),
                encoding="utf-8",
            )
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    site.settings.update(
        COMMUNITY_SOURCES=specs,
        COMMUNITY_OFFLINE=True,
        COMMUNITY_THANKS_IN_CONTENT=True,
        COMMUNITY_JSON_SAVE_AS="community.json",
    )
    site.build()
    article = site.page(f"{ARTICLE_SLUG}/index.html")
    assert "Ann \ufffd Lee" in article
    assert "Half \ufffd here" in article
    assert "plain \ufffd words" in article
    assert "Ann \ufffd Lee" in site.page("community.json")


def test_half_a_character_in_a_hand_edited_archive_line_builds(site):
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    line = {
        "source": "hand",
        "id": "x\ud800",
        "kind": "comment",
        "author_name": "Cy \ud800 Rowe",
        "content": "Odd \udfff words",
        "target_url": ARTICLE_URL,
        "published": "2020-01-02T00:00:00+00:00",
    }
    site.write("community-archive/hand.jsonl", json.dumps(line) + "\n")
    site.settings.update(
        COMMUNITY_SOURCES=[],
        COMMUNITY_KEEP_SOURCES=["hand"],
        COMMUNITY_OFFLINE=True,
        COMMUNITY_THANKS_IN_CONTENT=True,
    )
    site.build()
    article = site.page(f"{ARTICLE_SLUG}/index.html")
    assert "Cy \ufffd Rowe" in article and "Odd \ufffd words" in article


@pytest.mark.parametrize("source", SOURCES)
def test_spoofed_names_show_without_invisible_characters_and_cut_short(site, source):
    comments = [
        Fields(
            id=f"s{n}",
            name=name,
            url=f"https://spoof{n}.example/",
            email=f"spoof{n}@mail.example",
            handle=f"spoof{n}",
        )
        for n, name in enumerate(SPOOF_NAMES)
    ]
    _build_with(site, source, comments)
    for page in (*PAGES, "community.json"):
        text = site.page(page)
        assert not re.search(
            "[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\x07\x1b]", text
        ), page
        assert "K" * 81 not in text and "Mallory " * 20 not in text, page
    names = [p["name"] for p in json.loads(site.page("community.json"))["people"]]
    assert names and all(len(name) <= 80 for name in names)
    assert "Mallorygnp.exe" in names or "Mallory" in " ".join(names)


FRIEND_FILE = """\
friends:
  - name: Karen Bell
    urls: [https://karenbellwrites.example]
    handles: ["karen.bsky.social", "@karen@mastodon.social"]
    note: Critique partner since 2011
"""
IMPOSTOR_NAMES = ("Karen Bell", "karen  bell", "KAREN BELL", "Karen\u200b Bell\u202e")


@pytest.mark.parametrize("source", SOURCES)
def test_a_stranger_using_a_pinned_friends_name_is_not_the_friend(site, source):
    impostors = [
        Fields(
            id=f"i{n}",
            name=name,
            url="https://impostor.example/",
            email="impostor@mail.example",
            handle="impostor",
            content="<p>It is me, Karen, send the manuscript.</p>",
        )
        for n, name in enumerate(IMPOSTOR_NAMES)
    ]
    _build_with(site, source, impostors, people=FRIEND_FILE)
    report = json.loads(site.page("community.json"))
    [friend] = [p for p in report["people"] if p["role"] == "friend"]
    assert friend["id"] == "karen-bell"
    assert friend["url"] == "https://karenbellwrites.example"
    assert friend["posts"] == [] and sum(friend["counts"].values()) == 0
    strangers = [p for p in report["people"] if p is not friend]
    assert strangers and all(not p["pinned"] for p in strangers)
    assert all(p["role"] != "friend" for p in strangers)
    assert sum(sum(p["counts"].values()) for p in strangers) >= len(IMPOSTOR_NAMES)
    assert report["posts"][0]["thanks"] and all(
        t["id"] != "karen-bell" for t in report["posts"][0]["thanks"]
    )
    page = site.page("community/index.html")
    friends_section = page.split('id="friends"', 1)[1].split("</section>", 1)[0]
    assert friends_section.count('class="community-card"') == 1
    assert "karenbellwrites.example" in friends_section
    assert "impostor" not in friends_section
    article = site.page(f"{ARTICLE_SLUG}/index.html")
    assert 'data-role="friend"' not in article


def test_the_private_values_are_really_in_the_input(site):
    """Guard for the suite itself: the private values are in the files read."""
    comments = list(variants("wordpress", PAYLOAD_CLASSES["private-data"]))
    WRITERS["wordpress"](site, comments)
    text = (site.root / "data/export.xml").read_text(encoding="utf-8")
    assert EMAIL in text and private_data(text)
    assert set(SOURCE_FIELDS) == set(WRITERS)


TITLE_SOURCES = ("wordpress", "feed", "disqus", "blogger")


@pytest.mark.parametrize("source", TITLE_SOURCES)
def test_private_data_in_a_post_title_is_not_shown(site, source):
    """A post that is gone from the site is named by the title the export
    gives ("commented on “...”"): that title is shown masked."""
    comments = [
        Fields(id=f"t{n}", target="https://old.example/gone/", title=title)
        for n, title in enumerate(PRIVATE_TEXT)
    ]
    _build_with(site, source, comments)
    for page in (*PAGES, "community.json"):
        assert private_data(site.page(page)) == [], page


ARCHIVE_FIX = (
    "archive.py _without_private_data masks only content and author_name: it "
    "should also mask_private() target_title, target_slug, id, parent and the "
    "string values of extra (content_warning, in_reply_to_name)"
)


@pytest.mark.parametrize(
    "source", (*TITLE_SOURCES, "mastodon", *sorted(FOLDER_SOURCES))
)
def test_private_data_in_titles_and_file_names_stays_out_of_the_archive(site, source):
    if source in FOLDER_SOURCES:
        comments = [
            Fields(id=f"{EMAIL} {n}", target=text)
            for n, text in enumerate(PRIVATE_TEXT)
        ]
    else:
        comments = [
            Fields(id=f"t{n}", title=text) for n, text in enumerate(PRIVATE_TEXT)
        ]
    _build_with(site, source, comments)
    assert private_data(archive_text(site.root)) == []


ANCHOR_FIX = (
    "community/conversation.html writes the source's comment id into the "
    'HTML id attribute (id="community-{{ comment.id }}"): report.py _thread '
    "should give Comment an anchor made from a digest of (source, id), e.g. "
    "'c-' + sha256(f'{source}\\0{id}').hexdigest()[:12], and the template use it"
)


@pytest.mark.parametrize("source", SOURCES)
def test_private_data_in_a_comment_id_is_not_shown(site, source):
    comments = [Fields(id=f"{text} {n}") for n, text in enumerate(PRIVATE_TEXT)]
    _build_with(site, source, comments)
    assert private_data(site.page(f"{ARTICLE_SLUG}/index.html")) == []


def _every_payload(source: str) -> list[Fields]:
    comments: list[Fields] = []
    for payload_class, payloads in sorted(PAYLOAD_CLASSES.items()):
        for fields in variants(source, payloads):
            comments.append(replace(fields, id=f"{payload_class}-{fields.id}"))
    return comments


def _sync_then_build(site, spec: dict, post: PostRef) -> None:
    settings = live_settings(site.root, spec)
    # Every payload at once makes answers larger than the suite's usual cap.
    with Fetcher(replace(FAST_POLICY, max_bytes=8 * 1024**2)) as fetcher:
        [report] = sync_live_sources(
            Archive(settings.archive_path),
            settings,
            [post],
            fetcher=fetcher,
            now=lambda: NOW,
        )
    assert report.failure is None and report.new > 0
    _build_with(site, "offline", [], meta={spec["type"]: post.social[spec["type"]]})


def test_hostile_mastodon_replies_fetched_live_cannot_reach_the_pages(site, replay):
    context, likes = mastodon_json(_every_payload("mastodon"))
    api = "/api/v1/statuses/1000"
    replay.route(f"{api}/context", json_reply(context))
    replay.route(f"{api}/favourited_by", json_reply(likes))
    replay.route(f"{api}/reblogged_by", json_reply(likes[:3]))
    post = PostRef(
        slug=ARTICLE_SLUG,
        url=ARTICLE_URL,
        date="2020-01-01T00:00:00+00:00",
        social={"mastodon": f"{replay.url}/@jane/1000"},
    )
    _sync_then_build(site, {"type": "mastodon"}, post)
    _assert_pages_are_safe(site, server="127.0.0.1")


def test_hostile_bluesky_replies_fetched_live_cannot_reach_the_pages(site, replay):
    thread, likes = bluesky_json(_every_payload("bluesky"))
    xrpc = "/xrpc/app.bsky.feed."
    replay.route(f"{xrpc}getPostThread", json_reply(thread))
    replay.route(f"{xrpc}getLikes", json_reply(likes))
    replay.route(f"{xrpc}getRepostedBy", json_reply({"repostedBy": likes["likes"][:3]}))
    post = PostRef(
        slug=ARTICLE_SLUG,
        url=ARTICLE_URL,
        date="2020-01-01T00:00:00+00:00",
        social={"bluesky": "https://bsky.app/profile/did:plc:jane/post/root"},
    )
    _sync_then_build(site, {"type": "bluesky", "appview": replay.url}, post)
    _assert_pages_are_safe(site)


#: How long a pathological text is when it must finish: 1,000,000 characters.
#: Every cleaner costs under 1.2 CPU seconds on it (0.02 s at 20,000); a
#: pattern quadratic in it would need about 2,500 times its 20,000-character
#: cost (hours), so the CPU limit below tells the two apart by a wide margin.
LONG_TEXT_CHARS = 1_000_000
#: The CPU seconds the cleaners may spend on it before the child process is
#: stopped: a guard against a hang, not a measure of speed.
CPU_GUARD_SECONDS = 60

_CLEAN_LONG_TEXT = """
import resource, sys
from pelican.plugins.community.names import clean_name
from pelican.plugins.community.sanitize import clean_html, mask_private, plain_text
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
unit = sys.argv[1]
text = unit * (int(sys.argv[3]) // len(unit))
masked = mask_private(text)
cleaned = clean_html(text)
shown = plain_text(text)
name = clean_name(text)
print(len(masked), len(cleaned), len(shown), len(name))
"""


@pytest.mark.skipif(
    sys.platform == "win32", reason="the CPU guard needs POSIX resource limits"
)
@pytest.mark.parametrize("unit", SLOW_UNITS, ids=repr)
def test_long_pathological_text_is_masked_and_cleaned_in_linear_time(unit):
    # A million characters of text that makes a careless pattern quadratic are
    # masked, cleaned and shortened before a CPU guard stops the process: a
    # linear pass takes about a second, a quadratic one hours. No clock is
    # read; the operating system's CPU limit ends a runaway child.
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _CLEAN_LONG_TEXT,
            unit,
            str(CPU_GUARD_SECONDS),
            str(LONG_TEXT_CHARS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, (
        f"{LONG_TEXT_CHARS:,} characters of {unit!r} were not cleaned within "
        f"{CPU_GUARD_SECONDS} CPU seconds (exit {run.returncode}): a pattern costs "
        f"more than linear time\n{run.stderr[-2000:]}"
    )
    lengths = [int(n) for n in run.stdout.split()]
    assert len(lengths) == 4 and lengths[0] > 0, run.stdout


def test_a_flood_of_long_comments_builds(site):
    comments = [
        Fields(id=f"f{n}", name=text, content=text) for n, text in enumerate(SLOW_TEXT)
    ]
    _build_with(site, "webmention.io", comments)
    _assert_pages_are_safe(site)


# -- XML attacks ------------------------------------------------------------------


def _build_fails(site, caplog) -> str:
    """The build stops with exit status 2 after one CRITICAL line; return it."""
    with pytest.raises(SystemExit) as stopped:
        site.build()
    assert stopped.value.code == 2
    critical = [r.getMessage() for r in caplog.records if r.levelname == "CRITICAL"]
    assert len(critical) == 1, critical
    return critical[0]


def _no_passwd_anywhere(site) -> None:
    lines = passwd_lines()
    texts = [archive_text(site.root)]
    if site.output.exists():
        texts += [
            p.read_text(encoding="utf-8", errors="replace")
            for p in site.output.rglob("*")
            if p.is_file()
        ]
    assert not [line for line in lines for text in texts if line in text]


@pytest.mark.parametrize("attack", sorted(XML_ATTACKS))
@pytest.mark.parametrize("source", XML_SOURCES)
def test_an_xml_attack_is_refused_naming_the_file(site, replay, source, attack):
    [spec] = write_xml_attack(site, source, attack, replay.url)
    path = site.root / spec["path"]
    try:
        result = READERS[source](path, "src")
    except SourceError as exc:
        assert str(path) in str(exc)
        assert "entit" in str(exc)
    else:
        # The forgiving feed parser reads on with a warning, the entities
        # left unexpanded; an external DTD may simply be ignored.
        assert source == "feed" or attack in IGNORABLE_ATTACKS
        if attack not in IGNORABLE_ATTACKS:
            assert result.warnings and str(path) in result.warnings[0]
        fields = json.dumps([i.to_dict() for i in result.interactions])
        assert "lollol" not in fields and "AAAA" not in fields
        assert not [line for line in passwd_lines() if line in fields]
    assert replay.seen == []  # nothing was fetched


@pytest.mark.parametrize("attack", sorted(XML_ATTACKS))
@pytest.mark.parametrize("source", XML_SOURCES)
def test_an_xml_attack_in_a_site_build_leaks_nothing(
    site, caplog, replay, source, attack
):
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    specs = write_xml_attack(site, source, attack, replay.url)
    site.settings["COMMUNITY_SOURCES"] = specs
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    if attack in IGNORABLE_ATTACKS:
        site.build()
    elif source == "feed":
        site.build()
        warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        assert any(specs[0]["path"] in w for w in warnings)
    else:
        message = _build_fails(site, caplog)
        assert specs[0]["path"] in message
        assert "Traceback" not in caplog.text
    _no_passwd_anywhere(site)
    assert replay.seen == []


# -- malformed files ------------------------------------------------------------

MALFORMED = [(s, c) for s in FILE_KINDS for c in malformed_cases(s)]
#: Cases where a reader that reads on has lost or changed something: it
#: must say so, naming the file. (A Markdown comment has no structure that
#: shows it was cut short.)
LOSSY_CASES = frozenset(
    {
        "truncated",
        "latin-1-declared-utf-8",
        "nul-bytes-inside",
        "cut-in-a-multibyte-character",
        "stray-byte-before-the-start",
        "bom-then-stray-bytes",
        *IMPOSSIBLE_YAML_DATES,
    }
)


def _logged(caplog, level: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == level]


@pytest.mark.parametrize(("source", "case"), MALFORMED)
def test_a_malformed_file_is_read_with_a_warning_or_refused_naming_it(
    site, caplog, source, case
):
    spec = write_malformed(site, source, case)
    bad = site.root / spec.pop("malformed")
    try:
        result = READERS[source](site.root / spec["path"], "src")
    except SourceError as exc:
        assert str(bad) in str(exc)
        if case == "latin-1-declared-utf-8":
            assert "UTF-8" in str(exc)  # says what is wrong, not just "invalid"
        return
    warnings = [*result.warnings, *_logged(caplog, "WARNING")]
    assert all(str(site.root / spec["path"]) in w for w in warnings), warnings
    if case in LOSSY_CASES and source != "pelican-comment-system":
        assert any(str(bad) in w for w in warnings), "read on without a warning"


@pytest.mark.parametrize(("source", "case"), MALFORMED)
def test_a_malformed_file_stops_the_build_with_one_line_or_warns(
    site, caplog, source, case
):
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    spec = write_malformed(site, source, case)
    bad = spec.pop("malformed")
    site.settings["COMMUNITY_SOURCES"] = [spec]
    try:
        site.build()
    except SystemExit as stopped:
        assert stopped.code == 2
        [critical] = _logged(caplog, "CRITICAL")
        assert bad in critical
    else:
        assert _logged(caplog, "CRITICAL") == []
        assert (site.output / "community/index.html").exists()
    assert _logged(caplog, "ERROR") == []
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


# -- oversized input ------------------------------------------------------------

#: Where each local source keeps its size limit.
SIZE_LIMITS = {
    "wordpress": (xmlsafe, "MAX_XML_BYTES"),
    "disqus": (xmlsafe, "MAX_XML_BYTES"),
    "blogger": (xmlsafe, "MAX_XML_BYTES"),
    "feed": (feed, "MAX_FEED_BYTES"),
    "webmention.io": (webmention_io, "MAX_JSON_BYTES"),
    "commento": (commento, "MAX_EXPORT_BYTES"),
    "staticman": (staticman, "MAX_COMMENT_BYTES"),
    "pelican-comment-system": (pelican_comment_system, "MAX_COMMENT_BYTES"),
}
HUGE_TEXT = "A" * 300_000


@pytest.mark.parametrize("source", sorted(SIZE_LIMITS))
def test_a_file_over_the_size_limit_stops_the_build_naming_it(
    site, caplog, monkeypatch, source
):
    module, name = SIZE_LIMITS[source]
    monkeypatch.setattr(module, name, 100_000)
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    specs = WRITERS[source](site, [Fields(id="big", content=HUGE_TEXT)])
    site.settings["COMMUNITY_SOURCES"] = specs
    message = _build_fails(site, caplog)
    assert specs[0]["path"] in message and "100000 bytes" in message


def test_a_gzip_bomb_stops_at_the_size_limit(site, caplog, monkeypatch):
    monkeypatch.setattr(commento, "MAX_EXPORT_BYTES", 1_000_000)
    bomb = b'{"comments": [], "x": "' + b"0" * 50_000_000 + b'"}'
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    site.write("data/commento.json.gz", gzip.compress(bomb, compresslevel=9))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "commento", "path": "data/commento.json.gz"}
    ]
    tracemalloc.start()
    try:
        message = _build_fails(site, caplog)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "data/commento.json.gz" in message and "1000000 bytes" in message
    assert peak < 20 * 1024**2


@pytest.mark.parametrize("source", sorted(SIZE_LIMITS))
def test_a_huge_text_node_is_read_in_memory_bounded_by_its_size(tmp_path, source):
    """One 8 MB comment (under the real limits): read in a small multiple of
    the file's size, and shown cut to the sanitizer's limit."""
    site = Site(tmp_path / "site")
    huge = "<p>" + "word " * (8 * 1024**2 // 5) + "</p>"
    if source in FOLDER_SOURCES:  # one comment file is at most 1 MB there
        huge = huge[:900_000]
    [spec] = WRITERS[source](site, [Fields(id="huge", content=huge)])
    path = site.root / spec["path"]
    size = sum(p.stat().st_size for p in [path, *path.rglob("*")] if p.is_file())
    tracemalloc.start()
    try:
        result = READERS[source](path, "src")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [item] = result.interactions
    assert len(item.content) >= len(huge) - 10
    assert peak < 8 * size + 16 * 1024**2
    assert len(clean_html(item.content)) <= MAX_CONTENT_CHARS + 100


# -- bad local input, as the user sees it ------------------------------------------

#: The expat-based readers: the XML declaration's encoding is expat's to use.
EXPORT_SOURCES = ("wordpress", "disqus", "blogger")
#: Encodings whose names expat reads, and then cannot use.
UNUSABLE_NAMES = {
    case: name for case, name in BAD_DECLARED_ENCODINGS.items() if name.isprintable()
}


@pytest.mark.parametrize("case", sorted(UNUSABLE_NAMES))
@pytest.mark.parametrize("source", EXPORT_SOURCES)
def test_an_export_declaring_an_unusable_encoding_says_so(site, source, case):
    spec = write_malformed(site, source, case)
    with pytest.raises(SourceError) as error:
        READERS[source](site.root / spec["path"], "src")
    message = str(error.value)
    assert message.startswith(str(site.root / spec["malformed"]))
    assert f"names the encoding {UNUSABLE_NAMES[case]!r}" in message
    assert "save the file as UTF-8" in message


@pytest.mark.parametrize(
    ("source", "document"),
    [
        (
            "disqus",
            b'<!-- encoding="idna" --><disqus xmlns="http://disqus.com">'
            b"<post><x:y/></post></disqus>",
        ),
        (
            "blogger",
            b'<!-- encoding="undefined" --><feed xmlns="http://www.w3.org/2005/Atom">'
            b"<entry><x:y/></entry></feed>",
        ),
    ],
)
def test_only_the_xml_declaration_names_the_encoding(tmp_path, source, document):
    """Patching up a broken record decodes the file: in the encoding expat
    used, not one named in passing (here in an XML comment)."""
    path = tmp_path / "export.xml"
    path.write_bytes(document)
    result = READERS[source](path, "src")
    assert result.warnings and all(str(path) in w for w in result.warnings)


@pytest.mark.parametrize("case", sorted(BAD_DECLARED_ENCODINGS))
def test_a_feed_declaring_an_unusable_encoding_is_still_read(site, caplog, case):
    """feedparser reads a feed whose encoding it does not know as UTF-8; one
    whose encoding it cannot even try is read the same way."""
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    spec = write_malformed(site, "feed", case)
    bad = spec.pop("malformed")
    site.settings["COMMUNITY_SOURCES"] = [spec]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.build()
    [person] = json.loads(site.page("community.json"))["people"]
    assert person["counts"]["comment"] == 1
    assert _logged(caplog, "ERROR") == [] and _logged(caplog, "CRITICAL") == []
    assert all(bad in w for w in _logged(caplog, "WARNING"))


def _run(site, *command: str) -> subprocess.CompletedProcess:
    """``python -m command...`` in the site's folder, offline, as a user
    runs it; wide columns so that no log line is wrapped."""
    site.conf()
    return subprocess.run(
        [sys.executable, "-m", *command],
        capture_output=True,
        text=True,
        cwd=site.root,
        env={**os.environ, "PELICAN_COMMUNITY_OFFLINE": "1", "COLUMNS": "500"},
        timeout=120,
    )


def test_pelican_content_stops_on_an_unusable_encoding_without_a_traceback(site):
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    spec = write_malformed(site, "wordpress", "declares-utf-32")
    bad = spec.pop("malformed")
    site.settings["COMMUNITY_SOURCES"] = [spec]
    result = _run(site, "pelican", "content", "-s", "pelicanconf.py", "-o", "output")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert bad in output and "'utf-32'" in output


@pytest.mark.parametrize("source", ("webmention.io", "commento", "staticman"))
def test_report_refuses_a_number_too_long_naming_the_file(site, source):
    spec = write_malformed(site, source, "integer-too-long")
    bad = site.root / spec.pop("malformed")
    site.settings["COMMUNITY_SOURCES"] = [spec]
    result = _run(
        site, "pelican.plugins.community.cli", "report", "-s", "pelicanconf.py"
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"pelican-community: error: {bad}: ")
    assert "a number has more than 4300 digits" in line


def test_report_reads_impossible_yaml_dates_as_text_with_a_warning(site):
    spec = write_malformed(site, "staticman", "yaml-impossible-day")
    bad = site.root / spec.pop("malformed")
    site.settings["COMMUNITY_SOURCES"] = [spec]
    result = _run(
        site,
        "pelican.plugins.community.cli",
        "report",
        "--json",
        "-s",
        "pelicanconf.py",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"WARNING: {bad}: the date '2020-02-30' cannot be used; "
        "the comment is kept without a date"
    ]
    [person] = json.loads(result.stdout)["people"]
    assert person["counts"]["comment"] == 1 and person["first_seen"] is None


def test_a_reader_failing_unforeseen_stops_the_build_with_one_line(
    site, caplog, monkeypatch
):
    """The net under every reader: whatever escapes one names the file."""

    def broken(entries, source_name):
        raise ValueError("nobody foresaw this\nin two lines")

    # Inside the reader, so the registry (however it finds readers) is untouched.
    monkeypatch.setattr(webmention_io, "parse_jf2_entries", broken)
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    site.settings["COMMUNITY_SOURCES"] = WRITERS["webmention.io"](
        site, [Fields(id="w1")]
    )
    message = _build_fails(site, caplog)
    assert message.startswith(str(site.root / "data/wm.json"))
    assert "ValueError: nobody foresaw this in two lines" in message
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_a_folder_where_a_file_belongs_stops_the_build_naming_it(site, caplog):
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    site.write("data/wm.json/stray.txt", "not a file source")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "webmention.io", "path": "data/wm.json"}
    ]
    message = _build_fails(site, caplog)
    assert message.startswith(str(site.root / "data/wm.json"))
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
