"""Synthetic author sites of any size for the benchmarks: posts, exports, people."""

from __future__ import annotations

import bisect
import json
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from pelican.plugins.community.model import PostRef

SITEURL = "https://jane.example"
OLD_SITE = "https://old.example"
FEED_CHUNK = 10_000  #: entries per saved comment feed file
JF2_CHUNK = 20_000  #: webmentions per saved JF2 file
#: Share of interactions per channel: WordPress export, comment feeds, webmention.io.
CHANNELS = (("wxr", 0.4), ("feed", 0.2), ("jf2", 0.4))
#: Webmention kinds and their share (likes dominate, as in real life).
JF2_KINDS = (
    ("in-reply-to", 0.15),
    ("mention-of", 0.05),
    ("like-of", 0.55),
    ("repost-of", 0.2),
    ("bookmark-of", 0.05),
)
FIRST = [
    "Ada",
    "Alma",
    "Ann",
    "Ben",
    "Bea",
    "Cara",
    "Cal",
    "Dan",
    "Dee",
    "Eli",
    "Ema",
    "Fay",
    "Finn",
    "Gus",
    "Gia",
    "Hal",
    "Hana",
    "Ida",
    "Ivo",
    "Jo",
    "Jon",
    "Kai",
    "Kim",
    "Lea",
    "Leo",
    "Lou",
    "Mae",
    "Max",
    "Mia",
    "Ned",
    "Nia",
    "Oda",
    "Olu",
    "Pia",
    "Pim",
    "Quin",
    "Ray",
    "Ria",
    "Sam",
    "Sol",
    "Tea",
    "Tom",
    "Uma",
    "Val",
    "Vic",
    "Wes",
    "Wren",
    "Xan",
    "Yara",
    "Yves",
    "Zoe",
    "Zed",
    "Priya",
    "Karen",
]
LAST = [
    "Abbot",
    "Bell",
    "Boyd",
    "Chen",
    "Cole",
    "Diaz",
    "Dunn",
    "Egan",
    "Ellis",
    "Frey",
    "Gale",
    "Grant",
    "Hale",
    "Hart",
    "Ives",
    "Jain",
    "Kerr",
    "Lind",
    "Lowe",
    "Marsh",
    "Moss",
    "Nair",
    "Noor",
    "Ortiz",
    "Page",
    "Pike",
    "Quill",
    "Reed",
    "Rowe",
    "Sato",
    "Shaw",
    "Stone",
    "Tate",
    "Tran",
    "Vance",
    "Voss",
    "Wade",
    "West",
    "Wolfe",
    "Yates",
    "Young",
    "Zane",
    "Ash",
    "Bloom",
]
WORDS = [
    "the",
    "and",
    "a",
    "of",
    "to",
    "in",
    "is",
    "it",
    "that",
    "was",
    "for",
    "on",
    "with",
    "as",
    "his",
    "her",
    "they",
    "at",
    "be",
    "this",
    "from",
    "have",
    "or",
    "by",
    "one",
    "had",
    "not",
    "but",
    "what",
    "all",
    "were",
    "when",
    "we",
    "there",
    "can",
    "an",
    "your",
    "which",
    "their",
    "said",
    "if",
    "do",
    "will",
    "each",
    "about",
    "how",
    "up",
    "out",
    "them",
    "then",
    "she",
    "many",
    "some",
    "so",
    "these",
    "would",
    "other",
    "into",
    "has",
    "more",
    "her",
    "two",
    "like",
    "him",
    "see",
    "time",
    "could",
    "no",
    "make",
    "than",
    "first",
    "been",
    "its",
    "who",
    "now",
    "people",
    "my",
    "made",
    "over",
    "did",
    "down",
    "only",
    "way",
    "find",
    "use",
    "may",
    "water",
    "long",
    "little",
    "very",
    "after",
    "words",
    "called",
    "just",
    "where",
    "most",
    "know",
    "novel",
    "draft",
    "river",
    "light",
    "chapter",
    "winter",
    "garden",
    "letter",
    "harbour",
    "estuary",
    "morning",
]


@dataclass(frozen=True)
class SiteSize:
    """How big a synthetic site is."""

    posts: int
    interactions: int
    seed: int = 5


@dataclass(frozen=True)
class _Person:
    name: str
    alias: str  #: a second name they sometimes sign with, or ""
    email: str
    url: str  #: their own site, or ""
    url2: str  #: a second address (the same site written differently), or ""
    profile: str  #: a fediverse profile URL, or ""


def _zipf_cum_weights(count: int, exponent: float) -> list[float]:
    return list(accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


def _people(count: int, rng: random.Random) -> list[_Person]:
    people = []
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        several = rng.random() < 0.1
        host = f"{first}{last}{index}.example".lower()
        url = f"https://{host}/" if rng.random() < 0.6 else ""
        people.append(
            _Person(
                name=name,
                alias=f"{first[0]}. {last}" if several else "",
                email=f"{first}.{last}.{index}@mail.example".lower(),
                url=url,
                url2=f"http://www.{host}" if several and url else "",
                profile=f"https://writing.exchange/@{first}{last}{index}".lower()
                if rng.random() < 0.3
                else "",
            )
        )
    return people


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _essay(rng: random.Random) -> str:
    """About 1,100 words of Markdown: an essayist's post, not a tweet."""
    blocks = []
    for section in range(3):
        if section:
            blocks.append(f"## {_words(rng, 3).capitalize()}")
        blocks += [_words(rng, 90).capitalize() + "." for _ in range(4)]
    blocks.insert(3, "> " + _words(rng, 25).capitalize() + ".")
    blocks.insert(
        6, "\n".join(f"- *{_words(rng, 2)}* {_words(rng, 6)}" for _ in range(4))
    )
    return "\n\n".join(blocks)


def _post_date(index: int, posts: int) -> datetime:
    start = datetime(2009, 1, 5, 9, 0, tzinfo=UTC)
    span = (datetime(2025, 12, 1, tzinfo=UTC) - start).total_seconds()
    return start + timedelta(seconds=span * index / max(posts, 1))


class _Writers:
    """The export files of one site, written as interactions are drawn."""

    def __init__(self, data: Path, jf2_chunk: int) -> None:
        self.data = data
        self.jf2_chunk = jf2_chunk
        self.wxr = (data / "wordpress-export.xml").open("w", encoding="utf-8")
        self.wxr.write(_WXR_HEAD)
        self.jf2_entries: list[str] = []
        self.jf2_files = 0
        self.feed_entries: list[str] = []
        self.feed_files = 0
        self.wxr_id = 0
        self.feed_id = 0
        self.jf2_id = 0

    def add_feed_entry(self, text: str) -> None:
        self.feed_entries.append(text)
        if len(self.feed_entries) >= FEED_CHUNK:
            self.flush_feed()

    def flush_feed(self) -> None:
        if not self.feed_entries:
            return
        self.feed_files += 1
        path = self.data / "feeds" / f"comments-{self.feed_files:03d}.rss"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            _FEED_HEAD + "".join(self.feed_entries) + "</channel></rss>\n",
            encoding="utf-8",
        )
        self.feed_entries = []

    def add_jf2(self, entry: dict) -> None:
        self.jf2_entries.append(json.dumps(entry, ensure_ascii=False))
        if len(self.jf2_entries) >= self.jf2_chunk:
            self.flush_jf2()

    def flush_jf2(self) -> None:
        if not self.jf2_entries:
            return
        self.jf2_files += 1
        path = self.data / "webmentions" / f"webmentions-{self.jf2_files:03d}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            '{"type": "feed", "name": "Webmentions", "children": [\n'
            + ",\n".join(self.jf2_entries)
            + "\n]}\n",
            encoding="utf-8",
        )
        self.jf2_entries = []

    def close(self) -> None:
        self.wxr.write("</channel></rss>\n")
        self.wxr.close()
        self.flush_jf2()
        self.flush_feed()


_WXR_HEAD = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>{OLD_SITE}</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[jane]]></wp:author_login>
<wp:author_email>jane@jane.example</wp:author_email>
<wp:author_display_name><![CDATA[Jane Author]]></wp:author_display_name></wp:author>
"""
_FEED_HEAD = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Comments for Old blog</title><link>{OLD_SITE}</link>
<description>Comments</description>
"""


def _wxr_comment(
    cid: int,
    author: str,
    email: str,
    url: str,
    when: datetime,
    content: str,
    *,
    parent: int = 0,
    user_id: int = 0,
    approved: str = "1",
    kind: str = "",
) -> str:
    stamp = when.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[{author}]]></wp:comment_author>"
        f"<wp:comment_author_email><![CDATA[{email}]]></wp:comment_author_email>"
        f"<wp:comment_author_url>{escape(url)}</wp:comment_author_url>"
        f"<wp:comment_author_IP><![CDATA[192.0.2.{cid % 250}]]></wp:comment_author_IP>"
        f"<wp:comment_date><![CDATA[{stamp}]]></wp:comment_date>"
        f"<wp:comment_date_gmt><![CDATA[{stamp}]]></wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{content}]]></wp:comment_content>"
        f"<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>"
        f"<wp:comment_type><![CDATA[{kind}]]></wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        f"<wp:comment_user_id>{user_id}</wp:comment_user_id></wp:comment>\n"
    )


def generate_site(
    root: Path,
    size: SiteSize,
    *,
    channels: tuple[tuple[str, float], ...] = CHANNELS,
    jf2_chunk: int = JF2_CHUNK,
) -> dict[str, int]:
    """Write a complete Pelican site under ``root``; return what it holds.

    Posts are Markdown; interactions are spread over ``channels``: a
    WordPress export, saved comment feeds and webmention.io JF2 files of
    ``jf2_chunk`` mentions each; people follow a Zipf law (a few regulars, a
    long tail of one-off visitors), some under two names or two addresses;
    community.yaml pins friends, merges aliases and hides spammers.
    """
    rng = random.Random(size.seed)
    content, data = root / "content", root / "data"
    content.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    posts = [
        (
            f"post-{i:05d}",
            f"{_words(rng, 4).capitalize()} {i}",
            _post_date(i, size.posts),
        )
        for i in range(size.posts)
    ]
    for slug, title, date in posts:
        paragraphs = _essay(rng)
        (content / f"{slug}.md").write_text(
            f"Title: {title}\nDate: {date:%Y-%m-%d %H:%M}\nSlug: {slug}\n"
            f"Category: notes\nTags: writing, {rng.choice(WORDS)}\n\n{paragraphs}\n",
            encoding="utf-8",
        )
    people = _people(max(50, size.interactions // 8), rng)
    person_weights = _zipf_cum_weights(len(people), 1.05)
    post_weights = _zipf_cum_weights(len(posts), 0.6)
    order = list(range(len(posts)))
    rng.shuffle(order)  # popular posts anywhere in time, not only the oldest
    counts = [0] * len(posts)
    for pick in rng.choices(
        range(len(posts)), cum_weights=post_weights, k=size.interactions
    ):
        counts[order[pick]] += 1
    writers = _Writers(data, jf2_chunk)
    channel_weights = list(accumulate(w for _, w in channels))
    kind_weights = list(accumulate(w for _, w in JF2_KINDS))
    stats = {"posts": len(posts), "people": len(people), "wxr": 0, "feed": 0, "jf2": 0}
    total_weight = person_weights[-1]
    for index, (slug, title, date) in enumerate(posts):
        wxr_comments: list[str] = []
        recent: list[tuple[int, str]] = []  # (feed comment id, name) on this post
        wxr_recent: list[tuple[int, str]] = []
        old_link = f"{OLD_SITE}/{date:%Y/%m/%d}/{slug}/"
        for _ in range(counts[index]):
            person = people[bisect.bisect(person_weights, rng.random() * total_weight)]
            when = date + timedelta(minutes=int(rng.expovariate(1 / 20000)) + 1)
            name = person.alias if person.alias and rng.random() < 0.4 else person.name
            url = person.url2 if person.url2 and rng.random() < 0.4 else person.url
            channel = channels[bisect.bisect(channel_weights, rng.random())][0]
            text = _words(rng, rng.randint(8, 60)).capitalize() + "."
            if channel == "wxr":
                writers.wxr_id += 1
                cid = writers.wxr_id
                parent = 0
                if wxr_recent and rng.random() < 0.1:
                    parent = rng.choice(wxr_recent)[0]
                roll = rng.random()
                kind, approved = "", "1"
                if roll < 0.02:
                    kind = "pingback"
                elif roll < 0.04:
                    approved = "spam"
                wxr_comments.append(
                    _wxr_comment(
                        cid,
                        escape(name),
                        person.email,
                        url,
                        when,
                        f"<p>{text}</p>",
                        parent=parent,
                        approved=approved,
                        kind=kind,
                    )
                )
                wxr_recent.append((cid, name))
                if rng.random() < 0.03:  # the author answers
                    writers.wxr_id += 1
                    wxr_comments.append(
                        _wxr_comment(
                            writers.wxr_id,
                            "Jane Author",
                            "jane@jane.example",
                            SITEURL,
                            when + timedelta(hours=3),
                            "<p>Thank you!</p>",
                            parent=cid,
                            user_id=1,
                        )
                    )
            elif channel == "feed":
                writers.feed_id += 1
                cid = writers.feed_id
                body = f"<p>{text}</p>"
                if recent and rng.random() < 0.1:
                    body = (
                        f"<p>In reply to {escape(rng.choice(recent)[1])}.</p>\n" + body
                    )
                recent.append((cid, name))
                writers.add_feed_entry(
                    f"<item><title>Comment on {escape(title)} by {escape(name)}</title>"
                    f"<link>{old_link}#comment-f{cid}</link>"
                    f"<dc:creator><![CDATA[{name}]]></dc:creator>"
                    f"<pubDate>{format_datetime(when)}</pubDate>"
                    f'<guid isPermaLink="false">{OLD_SITE}/?p={index}'
                    f"#comment-f{cid}</guid>"
                    f"<description><![CDATA[{text}]]></description>"
                    f"<content:encoded><![CDATA[{body}]]></content:encoded></item>\n"
                )
            else:
                writers.jf2_id += 1
                prop = JF2_KINDS[bisect.bisect(kind_weights, rng.random())][0]
                author_url = person.profile or url or person.url
                entry = {
                    "type": "entry",
                    "author": {
                        "type": "card",
                        "name": name,
                        "photo": f"https://avatars.webmention.io/files/{writers.jf2_id}.png",
                        "url": author_url,
                    },
                    "url": f"https://elsewhere.example/{writers.jf2_id}",
                    "published": when.isoformat(),
                    "wm-received": (when + timedelta(minutes=5)).isoformat(),
                    "wm-id": 100000 + writers.jf2_id,
                    "wm-source": f"https://brid.gy/post/{writers.jf2_id}",
                    "wm-target": f"{SITEURL}/{slug}.html",
                    "wm-property": prop,
                    "wm-private": False,
                }
                if prop in ("in-reply-to", "mention-of"):
                    entry["content"] = {"html": f"<p>{text}</p>", "text": text}
                writers.add_jf2(entry)
            stats[channel] += 1
        if wxr_comments:
            writers.wxr.write(
                f"<item><title>{escape(title)}</title><link>{old_link}</link>"
                f"<pubDate>{format_datetime(date)}</pubDate>"
                f"<wp:post_id>{index + 1}</wp:post_id>"
                f"<wp:post_name><![CDATA[{slug}]]></wp:post_name>"
                "<wp:status><![CDATA[publish]]></wp:status>"
                "<wp:post_type><![CDATA[post]]></wp:post_type>\n"
                + "".join(wxr_comments)
                + "</item>\n"
            )
    writers.close()
    stats["feed_files"] = writers.feed_files
    _write_people_file(root / "community.yaml", people)
    stats["jf2_files"] = writers.jf2_files
    _write_conf(root, _sources(stats))
    return stats


#: The Eleventy site's committed part: config, layouts, the post list.
ELEVENTY_TEMPLATE = Path(__file__).resolve().parent / "peer" / "site"


def site_posts(root: Path) -> list[PostRef]:
    """The posts of a site written by :func:`generate_site`, as the plugin
    sees them, read back from their Markdown metadata (the benchmarks and
    tests that compute the community without running Pelican)."""
    from pelican.plugins.community.model import PostRef

    posts = []
    for path in sorted((root / "content").glob("*.md")):
        head = path.read_text(encoding="utf-8").split("\n\n")[0]
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        posts.append(
            PostRef(
                slug=meta["Slug"],
                url=f"{SITEURL}/{meta['Slug']}.html",
                title=meta["Title"],
                date=meta["Date"].replace(" ", "T") + ":00+00:00",
            )
        )
    return posts


def generate_peer_sites(root: Path, size: SiteSize) -> dict[str, int]:
    """One site three times, for the peers: ``pelican``, ``eleventy``, ``hugo``.

    The same posts (Pelican's Markdown, given to Eleventy with front matter
    and the same URLs) and the same ``size.interactions`` webmentions, all of
    them in one webmention.io JF2 file, ``eleventy/_data/webmentions.json``,
    which both read: Eleventy as its global data, Pelican as the plugin's
    ``webmention.io`` source. Hugo gets the same posts at the same URLs and
    the same mentions in both shapes Hugo blogs keep them: one file per post
    (``hugo/data-slug/webmentions/<slug>.json``, that post's JF2 entries) and
    the whole JF2 file (``hugo/data-where/webmentions.json``).
    """
    pelican, eleventy = root / "pelican", root / "eleventy"
    stats = generate_site(
        pelican, size, channels=(("jf2", 1.0),), jf2_chunk=max(size.interactions, 1)
    )
    shutil.copytree(ELEVENTY_TEMPLATE, eleventy)
    (eleventy / "_data").mkdir()
    jf2 = eleventy / "_data" / "webmentions.json"
    (pelican / "data" / "webmentions" / "webmentions-001.json").replace(jf2)
    (pelican / "data" / "wordpress-export.xml").unlink()  # empty: no comments
    _write_conf(
        pelican,
        [{"type": "webmention.io", "path": "../eleventy/_data/webmentions.json"}],
    )
    for post in sorted((pelican / "content").glob("*.md")):
        head, body = post.read_text(encoding="utf-8").split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        date = datetime.strptime(meta["Date"], "%Y-%m-%d %H:%M")
        tags = [tag.strip() for tag in meta["Tags"].split(",")]
        (eleventy / "posts" / post.name).write_text(
            "---\n"
            f"title: {json.dumps(meta['Title'])}\n"
            f"date: {date:%Y-%m-%dT%H:%M:00Z}\n"
            f"category: {json.dumps(meta['Category'])}\n"
            f"keywords: {json.dumps(tags)}\n"
            f"---\n\n{body}",
            encoding="utf-8",
        )
    _write_hugo_site(root / "hugo", pelican, jf2)
    return stats


#: The Hugo site's committed part: configs and layouts.
HUGO_TEMPLATE = Path(__file__).resolve().parent / "peer" / "hugo"


def _write_hugo_site(hugo: Path, pelican: Path, jf2: Path) -> None:
    """The Pelican site's posts as Hugo content at the same URLs, and ``jf2``'s
    mentions as per-slug data files and as one list."""
    shutil.copytree(HUGO_TEMPLATE, hugo)
    posts = hugo / "content" / "posts"
    posts.mkdir(parents=True)
    for post in sorted((pelican / "content").glob("*.md")):
        head, body = post.read_text(encoding="utf-8").split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        date = datetime.strptime(meta["Date"], "%Y-%m-%d %H:%M")
        tags = [tag.strip() for tag in meta["Tags"].split(",")]
        (posts / post.name).write_text(
            "---\n"
            f"title: {json.dumps(meta['Title'])}\n"
            f"date: {date:%Y-%m-%dT%H:%M:00Z}\n"
            f"url: /{post.stem}.html\n"
            f"categories: [{json.dumps(meta['Category'])}]\n"
            f"tags: {json.dumps(tags)}\n"
            f"---\n\n{body}",
            encoding="utf-8",
        )
    where = hugo / "data-where"
    where.mkdir()
    shutil.copyfile(jf2, where / "webmentions.json")
    by_slug: dict[str, list[dict[str, object]]] = {}
    prefix = f"{SITEURL}/"
    for entry in json.loads(jf2.read_text(encoding="utf-8"))["children"]:
        slug = entry["wm-target"].removeprefix(prefix).removesuffix(".html")
        by_slug.setdefault(slug, []).append(entry)
    per_slug = hugo / "data-slug" / "webmentions"
    per_slug.mkdir(parents=True)
    for slug, entries in by_slug.items():
        (per_slug / f"{slug}.json").write_text(json.dumps(entries), encoding="utf-8")


def _write_people_file(path: Path, people: list[_Person]) -> None:
    lines = [
        "me:",
        "  names: [Jane Author]",
        f"  urls: [{SITEURL}]",
        "friends:",
    ]
    others: list[str] = []
    # The most active people (low ranks) become friends and named people.
    claimed: set[str] = set()
    for rank, person in enumerate(people[:200]):
        names = {person.name, person.alias} - {""}
        if names & claimed or (rank >= 20 and not person.alias):
            continue
        claimed |= names
        section = lines if rank < 20 else others
        section.append(f"  - name: {person.name}")
        if person.alias:
            section.append(f"    aliases: [{person.alias}]")
        if person.url and rank < 20:
            section.append(f"    urls: [{person.url}]")
            section.append("    note: Met at a reading")
    lines.append("people:")
    lines.extend(others)
    lines.append("hide:")
    for person in people[200:210]:
        if person.url:
            lines.append(f"  - url: {person.url}")
    lines.append("  - domain: spam.example")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sources(stats: dict[str, int]) -> list[dict[str, str]]:
    """COMMUNITY_SOURCES for what the site holds (no source for an empty channel)."""
    sources = []
    if stats["wxr"]:
        sources.append({"type": "wordpress", "path": "data/wordpress-export.xml"})
    sources += [
        {"type": "webmention.io", "path": f"data/webmentions/webmentions-{n:03d}.json"}
        for n in range(1, stats["jf2_files"] + 1)
    ]
    sources += [
        {"type": "feed", "path": f"data/feeds/comments-{n:03d}.rss"}
        for n in range(1, stats["feed_files"] + 1)
    ]
    return sources


def _write_conf(root: Path, sources: list[dict[str, str]]) -> None:
    (root / "pelicanconf.py").write_text(
        f'''"""Settings of a synthetic benchmark site."""

AUTHOR = "Jane Author"
SITENAME = "Benchmark Blog"
SITEURL = "{SITEURL}"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
import os as _os

PLUGINS = [] if _os.environ.get("BENCH_NO_PLUGIN") else ["pelican.plugins.community"]
COMMUNITY_SOURCES = {sources!r}
COMMUNITY_THANKS_IN_CONTENT = bool(_os.environ.get("BENCH_THANKS_IN_CONTENT"))
COMMUNITY_OFFLINE = True
''',
        encoding="utf-8",
    )


def write_wxr(path: Path, comments: int, seed: int = 7) -> None:
    """A WordPress export with ``comments`` comments over ``comments // 50`` posts."""
    rng = random.Random(seed)
    people = _people(max(50, comments // 8), rng)
    weights = _zipf_cum_weights(len(people), 1.05)
    posts = max(1, comments // 50)
    with path.open("w", encoding="utf-8") as out:
        out.write(_WXR_HEAD)
        cid = 0
        for index in range(posts):
            date = _post_date(index, posts)
            slug = f"post-{index:05d}"
            out.write(
                f"<item><title>Post {index}</title>"
                f"<link>{OLD_SITE}/{date:%Y/%m/%d}/{slug}/</link>"
                f"<wp:post_id>{index + 1}</wp:post_id>"
                f"<wp:post_name><![CDATA[{slug}]]></wp:post_name>"
                "<wp:post_type><![CDATA[post]]></wp:post_type>\n"
            )
            for _ in range(comments // posts + (index < comments % posts)):
                cid += 1
                person = people[bisect.bisect(weights, rng.random() * weights[-1])]
                when = date + timedelta(minutes=cid % 50000)
                text = _words(rng, rng.randint(8, 60)).capitalize() + "."
                out.write(
                    _wxr_comment(
                        cid,
                        escape(person.name),
                        person.email,
                        person.url,
                        when,
                        f"<p>{text}</p>",
                        parent=cid - 1 if rng.random() < 0.1 and cid > 1 else 0,
                    )
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def write_feed(path: Path, entries: int, seed: int = 11) -> None:
    """A WordPress site-wide comment feed with ``entries`` comments."""
    rng = random.Random(seed)
    people = _people(max(50, entries // 8), rng)
    weights = _zipf_cum_weights(len(people), 1.05)
    parts = [_FEED_HEAD]
    recent: list[str] = []
    for cid in range(1, entries + 1):
        person = people[bisect.bisect(weights, rng.random() * weights[-1])]
        post = cid // 40
        date = _post_date(post, entries // 40 + 1)
        when = date + timedelta(minutes=cid % 9000)
        text = _words(rng, rng.randint(8, 60)).capitalize() + "."
        body = f"<p>{text}</p>"
        if recent and rng.random() < 0.1:
            body = f"<p>In reply to {escape(rng.choice(recent))}.</p>\n" + body
        recent = [*recent[-20:], person.name]
        link = f"{OLD_SITE}/{date:%Y/%m/%d}/post-{post:05d}/"
        parts.append(
            f"<item><title>Comment on Post {post} by {escape(person.name)}</title>"
            f"<link>{link}#comment-{cid}</link>"
            f"<dc:creator><![CDATA[{person.name}]]></dc:creator>"
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f'<guid isPermaLink="false">{OLD_SITE}/?p={post}#comment-{cid}</guid>'
            f"<description><![CDATA[{text}]]></description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>\n"
        )
    parts.append("</channel></rss>\n")
    path.write_text("".join(parts), encoding="utf-8")
