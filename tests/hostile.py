"""Hostile input for every source: payload lists, and per-source builders that
write a file (or fill the archive) with one comment per hostile value.

Each builder takes :class:`Fields` (what one comment says, in source-neutral
terms), writes it in the source's own format into a :class:`conftest.Site`,
and returns the ``COMMUNITY_SOURCES`` entries that read it. Mastodon and
Bluesky are live sources: their API JSON goes through the source's pure parse
functions into the site's archive, as a fetch would put it there.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote
from xml.sax.saxutils import escape, quoteattr

import yaml
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.sources import bluesky, mastodon

ARTICLE_SLUG = "post-1"
ARTICLE_URL = f"https://blog.example/{ARTICLE_SLUG}/"
OLD_URL = f"https://old.example/2013/03/04/{ARTICLE_SLUG}/"

# -- private data: none of it may reach a page, the report or the archive ------

EMAIL = "mallory.secret@mail.example"
IPV4 = "203.0.113.9"
IPV6 = "2001:db8:85a3::8a2e:370:7334"
EMAIL_HASH = hashlib.md5(EMAIL.encode()).hexdigest()
PRIVATE_VALUES = (EMAIL, IPV4, IPV6, EMAIL_HASH)

# -- payloads ------------------------------------------------------------------

#: Markup that runs script if it reaches a page unescaped or badly sanitized.
XSS_MARKUP = (
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="java\tscript:alert(1)">tab</a>',
    '<a href="java\nscript:alert(1)">newline</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">hex entities</a>',
    '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
    '<a href="&#x01; javascript:alert(1)">control char</a>',
    '<a href=" \x01javascript:alert(1)">raw control</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    '<a href="//evil.example/steal">protocol-relative</a>',
    '<a href="\\\\evil.example/steal">backslashes</a>',
    '<a href="https://fine.example/" onclick="alert(1)" style="background:url(javascript:alert(1))">styled</a>',
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><script xlink:href=data:,alert(1) /></svg>",
    '<math><a xlink:href="javascript:alert(1)">math link</a></math>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<object data="javascript:alert(1)"></object><embed src=javascript:alert(1)>',
    '<form action="javascript:alert(1)"><button formaction=javascript:alert(1)>go</button></form>',
    '<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<div style="width:expression(alert(1))">ie</div>',
    "<template><img src=x onerror=alert(1)></template>",
    "<select><style></select><img src=x onerror=alert(1)></style>",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}{% raw %}<script>alert(1)</script>",
)

#: URLs that must never be linked (author URLs, avatars, permalinks, targets).
XSS_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    " \x01\x02javascript:alert(1)",
    "\x00javascript:alert(1)",
    "\u2028javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "//evil.example/steal",
    "\\\\evil.example\\steal",
    "/\\evil.example",
    "https:evil.example",
    "http://user:pass@evil.example/",
    'https://evil.example/"><svg onload=alert(1)>',
    "https://evil.example/' onmouseover='alert(1)",
    'https://evil.example/" onmouseover="alert(1)',
    "http://evil.example:99999/",
    "https://evil.example:abc/",
    "https://evil.example\u00a0.example/",
    "https://evil.example/\u202egnp.exe",
    "file:///etc/passwd",
    "ftp://evil.example/",
    "mailto:" + EMAIL,
    "<script>alert(1)</script>",
)

#: Plain-text fields (names, titles, dates, ids) holding markup.
TEXT_MARKUP = (
    '<script>alert("name")</script>Mallory',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "<b>Bold</b> <i>Name</i>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }} {% if 1 %}x{% endif %}",
    "</span></a><script>alert(1)</script>",
)

#: Names that try to pass for someone else or swamp the page.
SPOOF_NAMES = (
    "Karen Bell\u202e",
    "\u202eKaren Bell",
    "Mallory\u202egnp.exe",
    "Ka\u200bren\u200d Be\u2060ll",
    "\ufeffKaren Bell\u200f",
    "\u2066Karen\u2069 Bell",
    "K" * 10_000,
    "Mallory " * 1_500,
    "\x07\x1b[31mRed\x1b[0m",
)

#: Private data typed into ordinary fields.
PRIVATE_TEXT = (
    f"write me at {EMAIL}",
    f"my address is {IPV4}",
    f"my address is {IPV6}",
    f"{EMAIL.upper()} from {IPV4}",
    "mallory.secret&#64;mail.example",
    "mallory.secret%40mail.example",
    f'<a href="mailto:{EMAIL}">mail me</a> <a href="http://{IPV4}/">home</a>',
    f'<a href="https://fine.example/?from={EMAIL}">fine</a>',
)
PRIVATE_URLS = (
    f"mailto:{EMAIL}",
    f"http://{IPV4}/",
    f"http://[{IPV6}]/",
    f"https://fine.example/?email={EMAIL}",
    f"https://www.gravatar.com/avatar/{EMAIL_HASH}",
    f"https://avatars.webmention.io/www.gravatar.com/{EMAIL_HASH}.jpg",
    f"https://secure.gravatar.com/avatar/{EMAIL_HASH}?s=96&d=mm",
)

#: Text that costs a careless regular expression quadratic time.
SLOW_TEXT = tuple(
    unit * (20_000 // len(unit))
    for unit in ("a", "1", "a.", "1.", "a:", "ab:", "@a", "x@a.", "<", "&#64;", "a.1:")
)

#: Dates no source should choke on.
BAD_DATES = (
    "<script>alert(1)</script>",
    "0000-00-00 00:00:00",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "Sat, 31 Dec 9999 23:59:59 -0500",
    "2020-13-45T99:99:99Z",
    "99999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "",
    "2020-01-02T10:00:00+00:00\x00",
)


# -- one comment, source-neutral ------------------------------------------------


@dataclass(frozen=True)
class Fields:
    """What one comment says; each builder writes it in its own format."""

    id: str
    name: str = "Mallory"
    url: str = "https://mallory.example/"
    photo: str = "https://mallory.example/me.png"
    email: str = EMAIL
    ip: str = IPV4
    content: str = "<p>Hello.</p>"
    date: str = "2020-01-02T10:00:00+00:00"
    target: str = ARTICLE_URL
    title: str = "One"
    permalink: str = ""
    handle: str = ""


#: The fields of Fields each source has, besides ``id``.
SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "wordpress": ("name", "url", "email", "ip", "content", "date", "target", "title"),
    "feed": ("name", "url", "email", "content", "date", "target", "title", "permalink"),
    "webmention.io": ("name", "url", "photo", "content", "date", "target", "permalink"),
    "disqus": ("name", "email", "ip", "content", "date", "target", "title", "handle"),
    "blogger": (
        "name",
        "url",
        "photo",
        "email",
        "content",
        "date",
        "target",
        "title",
        "permalink",
    ),
    "staticman": ("name", "url", "email", "content", "date", "target"),
    "pelican-comment-system": ("name", "url", "email", "content", "date", "target"),
    "commento": ("name", "url", "photo", "email", "content", "date", "target"),
    "mastodon": (
        "name",
        "url",
        "photo",
        "content",
        "date",
        "title",
        "handle",
        "permalink",
    ),
    "bluesky": ("name", "photo", "content", "date", "handle"),
}
SOURCES = tuple(SOURCE_FIELDS)
#: Sources whose post is named by a folder, and comment ids by file names.
FOLDER_SOURCES = frozenset({"staticman", "pelican-comment-system"})
URL_FIELDS = frozenset({"url", "photo", "target", "permalink"})
TEXT_FIELDS = frozenset({"name", "title", "date", "handle", "email", "ip"})


def variants(source: str, payloads: dict[str, tuple[str, ...]]) -> Iterator[Fields]:
    """One comment per (field, payload): ``payloads`` maps a field kind
    (``url``, ``text``, ``content``, ``date``, ``id``) or a field's own
    name to its values."""
    number = 0
    fields = ("id", *SOURCE_FIELDS[source])
    for field_name in fields:
        if field_name in ("id", "content", "date"):
            kind = field_name
        elif field_name in URL_FIELDS:
            kind = "url"
        else:
            kind = "text"
        # A field's own entry wins over its kind's ("title": () skips titles).
        values = payloads.get(field_name, payloads.get(kind, ()))
        for value in values:
            number += 1
            base = Fields(id=f"c{number}")
            if field_name == "id":
                yield replace(base, id=value or f"c{number}")
            else:
                yield replace(base, **{field_name: value})


# -- writing files --------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` as XML character data; characters XML 1.0 cannot hold at
    all (even as references) are dropped."""
    return escape(_XML_ILLEGAL.sub("", value))


def xml_attr(value: str) -> str:
    return quoteattr(_XML_ILLEGAL.sub("", value))


def file_name(value: str) -> str:
    """A hostile value as one path segment (no slash, no NUL, not too long)."""
    name = value.replace("/", "_").replace("\x00", "").strip() or "x"
    name = name.encode("utf-8")[:200].decode("utf-8", "ignore")
    return "_" + name if name in (".", "..") or name.startswith(".") else name


def _wxr_date(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", value):
        return value[:19].replace("T", " ")
    return value


def write_wordpress(site, comments: list[Fields]) -> list[dict]:
    items = []
    for index, c in enumerate(comments, 1):
        # One item per comment, so a hostile post link or title stays on its own.
        items.append(
            f"""<item><title>{xml_text(c.title)}</title><link>{xml_text(_old(c.target))}</link>
<guid isPermaLink="false">https://old.example/?p={index}</guid>
<wp:post_id>{index}</wp:post_id><wp:post_name>{ARTICLE_SLUG if c.target == ARTICLE_URL else "other"}</wp:post_name>
<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:comment><wp:comment_id>{xml_text(c.id)}</wp:comment_id>
<wp:comment_author>{xml_text(c.name)}</wp:comment_author>
<wp:comment_author_email>{xml_text(c.email)}</wp:comment_author_email>
<wp:comment_author_url>{xml_text(c.url)}</wp:comment_author_url>
<wp:comment_author_IP>{xml_text(c.ip)}</wp:comment_author_IP>
<wp:comment_date>{xml_text(_wxr_date(c.date))}</wp:comment_date>
<wp:comment_date_gmt>{xml_text(_wxr_date(c.date))}</wp:comment_date_gmt>
<wp:comment_content>{xml_text(c.content)}</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>
</wp:comment></item>"""
        )
    site.write("data/export.xml", wxr_document("".join(items)))
    return [{"type": "wordpress", "path": "data/export.xml"}]


def wxr_document(items: str, doctype: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{doctype}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>https://old.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
{items}</channel></rss>
"""


def _old(target: str) -> str:
    return OLD_URL if target == ARTICLE_URL else target


def write_feed(site, comments: list[Fields]) -> list[dict]:
    entries = []
    for c in comments:
        permalink = c.permalink or f"{c.target}#comment-{c.id}"
        entries.append(
            f"""<entry><id>{xml_text(c.id)}</id>
<title>{xml_text(f"Comment on {c.title} by {c.name}")}</title>
<link rel="alternate" type="text/html" href={xml_attr(permalink)}/>
<author><name>{xml_text(c.name)}</name><uri>{xml_text(c.url)}</uri><email>{xml_text(c.email)}</email></author>
<published>{xml_text(c.date)}</published><updated>{xml_text(c.date)}</updated>
<thr:in-reply-to ref={xml_attr(c.target)} href={xml_attr(c.target)}/>
<content type="html">{xml_text(c.content)}</content></entry>"""
        )
    site.write("data/comments.atom", atom_document("".join(entries)))
    return [{"type": "feed", "path": "data/comments.atom"}]


def atom_document(entries: str, doctype: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
{doctype}<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<title>Comments</title><id>https://old.example/comments</id><updated>2020-01-01T00:00:00Z</updated>
{entries}</feed>
"""


def write_webmention_io(site, comments: list[Fields]) -> list[dict]:
    children = [
        {
            "type": "entry",
            "author": {"type": "card", "name": c.name, "photo": c.photo, "url": c.url},
            "url": c.permalink or f"https://mallory.example/reply/{index}",
            "published": c.date,
            "wm-received": c.date,
            "wm-id": c.id,
            "wm-source": c.permalink or f"https://mallory.example/reply/{index}",
            "wm-target": c.target,
            "wm-property": "in-reply-to",
            "in-reply-to": c.target,
            "content": {"html": c.content, "text": c.content},
        }
        for index, c in enumerate(comments)
    ]
    site.write(
        "data/wm.json",
        json.dumps({"type": "feed", "children": children}, ensure_ascii=False),
    )
    return [{"type": "webmention.io", "path": "data/wm.json"}]


def write_disqus(site, comments: list[Fields]) -> list[dict]:
    parts = []
    for index, c in enumerate(comments, 1):
        parts.append(
            f"""<thread dsq:id="t{index}"><link>{xml_text(c.target)}</link><title>{xml_text(c.title)}</title></thread>
<post dsq:id={xml_attr(c.id)}><id /><message>{xml_text(c.content)}</message>
<createdAt>{xml_text(c.date)}</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
<author><email>{xml_text(c.email)}</email><name>{xml_text(c.name)}</name>
<isAnonymous>false</isAnonymous><username>{xml_text(c.handle or f"user{index}")}</username></author>
<ipAddress>{xml_text(c.ip)}</ipAddress><thread dsq:id="t{index}" /></post>"""
        )
    site.write("data/disqus.xml", disqus_document("".join(parts)))
    return [{"type": "disqus", "path": "data/disqus.xml"}]


def disqus_document(body: str, doctype: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
{doctype}<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
{body}</disqus>
"""


def write_blogger(site, comments: list[Fields]) -> list[dict]:
    kind = "http://schemas.google.com/g/2005#kind"
    parts = []
    for index, c in enumerate(comments, 1):
        post_link = _old(c.target)
        permalink = c.permalink or f"{OLD_URL}?showComment={index}#c{index}"
        parts.append(
            f"""<entry><id>tag:blogger.com,1999:blog-1.post-p{index}</id>
<published>2020-01-01T00:00:00Z</published>
<category scheme="{kind}" term="http://schemas.google.com/blogger/2008/kind#post"/>
<title type="text">{xml_text(c.title)}</title>
<link rel="alternate" type="text/html" href={xml_attr(post_link)}/>
<author><name>Jane Author</name><uri>https://blog.example</uri></author></entry>
<entry><id>tag:blogger.com,1999:blog-1.post-{xml_text(c.id)}</id>
<published>{xml_text(c.date)}</published>
<category scheme="{kind}" term="http://schemas.google.com/blogger/2008/kind#comment"/>
<title type="text">{xml_text(c.name)}</title>
<content type="html">{xml_text(c.content)}</content>
<link rel="alternate" type="text/html" href={xml_attr(permalink)}/>
<author><name>{xml_text(c.name)}</name><uri>{xml_text(c.url)}</uri><email>{xml_text(c.email)}</email>
<gd:image rel="http://schemas.google.com/g/2005#thumbnail" width="16" height="16" src={xml_attr(c.photo)}/></author>
<thr:in-reply-to ref="tag:blogger.com,1999:blog-1.post-p{index}" href={xml_attr(post_link)}/></entry>"""
        )
    site.write("data/blogger.xml", blogger_document("".join(parts)))
    return [{"type": "blogger", "path": "data/blogger.xml"}]


def blogger_document(entries: str, doctype: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{doctype}<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gd="http://schemas.google.com/g/2005"
 xmlns:thr="http://purl.org/syndication/thread/1.0"><id>tag:blogger.com,1999:blog-1</id>
<title>Old blog</title>
{entries}</feed>
"""


def _slug_folder(target: str) -> str:
    return ARTICLE_SLUG if target == ARTICLE_URL else file_name(target)


def write_staticman(site, comments: list[Fields]) -> list[dict]:
    for index, c in enumerate(comments, 1):
        data = {
            "_id": c.id,
            "name": c.name,
            "email": c.email,
            "url": c.url,
            "message": c.content,
            "date": c.date,
        }
        folder = f"data/staticman/{_slug_folder(c.target)}"
        if index % 2:
            site.write(
                f"{folder}/comment-{index}.json", json.dumps(data, ensure_ascii=False)
            )
        else:
            site.write(
                f"{folder}/comment-{index}.yml",
                yaml.safe_dump(data, allow_unicode=True, width=10**9),
            )
    return [{"type": "staticman", "path": "data/staticman"}]


def _meta(value: str) -> str:
    return " ".join(value.splitlines()).replace("\x00", "")


def write_pelican_comment_system(site, comments: list[Fields]) -> list[dict]:
    for index, c in enumerate(comments, 1):
        stem = file_name(c.id) if c.id != f"c{index}" else f"{index}"
        site.write(
            f"data/comments/{_slug_folder(c.target)}/{stem}.md",
            f"author: {_meta(c.name)}\ndate: {_meta(c.date)}\n"
            f"email: {_meta(c.email)}\nwebsite: {_meta(c.url)}\n\n{c.content}\n",
        )
    return [{"type": "pelican-comment-system", "path": "data/comments"}]


def write_commento(site, comments: list[Fields]) -> list[dict]:
    commenters, rows = [], []
    for index, c in enumerate(comments, 1):
        commenters.append(
            {
                "commenterHex": f"h{index}",
                "email": c.email,
                "name": c.name,
                "link": c.url,
                "photo": c.photo,
                "provider": "commento",
                "joinDate": c.date,
                "isModerator": False,
            }
        )
        path = (
            f"/{ARTICLE_SLUG}/"
            if c.target == ARTICLE_URL
            else (c.target if c.target.startswith("/") else "/" + c.target)
        )
        rows.append(
            {
                "commentHex": c.id,
                "domain": "blog.example",
                "url": path,
                "commenterHex": f"h{index}",
                "markdown": c.content,
                "html": c.content,
                "parentHex": "root",
                "score": 0,
                "state": "approved",
                "creationDate": c.date,
                "deleted": False,
            }
        )
    site.write(
        "data/commento.json",
        json.dumps(
            {"version": 1, "comments": rows, "commenters": commenters},
            ensure_ascii=False,
        ),
    )
    return [{"type": "commento", "path": "data/commento.json"}]


def mastodon_json(comments: list[Fields], instance: str = "https://social.example"):
    """A status' context, and the favourites list, as a Mastodon API answers."""
    descendants, likes = [], []
    for index, c in enumerate(comments, 1):
        account = {
            "id": f"{index}",
            "username": c.handle or "mallory",
            "acct": c.handle or f"mallory{index}@social.example",
            "display_name": c.name,
            "url": c.url,
            "avatar": c.photo,
            "bot": False,
            "fields": [
                {
                    "name": "Site",
                    "value": f'<a href="{c.url}">{c.url}</a>',
                    "verified_at": c.date,
                },
                {"name": "Mail", "value": c.email, "verified_at": None},
            ],
        }
        descendants.append(
            {
                "id": f"{index}",
                "uri": f"{instance}/users/mallory/statuses/{c.id}",
                "url": c.permalink or f"{instance}/@mallory/{index}",
                "created_at": c.date,
                "in_reply_to_id": "1000",
                "in_reply_to_account_id": "999",
                "visibility": "public",
                "sensitive": index % 2 == 0,
                "spoiler_text": c.title if c.title != "One" else "",
                "content": c.content,
                "account": account,
            }
        )
        likes.append(account)
    return {"ancestors": [], "descendants": descendants}, likes


def write_mastodon(site, comments: list[Fields]) -> list[dict]:
    context, likes = mastodon_json(comments)
    status = mastodon.parse_status_url("https://social.example/@jane/1000")
    archive = Archive(site.root / "community-archive")
    result = mastodon.parse_context(context, status, "mastodon", ARTICLE_URL)
    archive.merge("mastodon", result)
    archive.merge(
        "mastodon-likes",
        mastodon.parse_accounts(likes, "like", status, "mastodon-likes", ARTICLE_URL),
    )
    return []


def bluesky_json(comments: list[Fields]):
    """A getPostThread answer and a getLikes answer with one reply/like each."""
    root = "at://did:plc:jane/app.bsky.feed.post/root"
    replies, likes = [], []
    for index, c in enumerate(comments, 1):
        actor = {
            "did": f"did:plc:mallory{index}",
            "handle": c.handle or f"mallory{index}.bsky.social",
            "displayName": c.name,
            "avatar": c.photo,
            "labels": [],
        }
        replies.append(
            {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": {
                    "uri": f"at://did:plc:mallory{index}/app.bsky.feed.post/{c.id}",
                    "author": actor,
                    "record": {
                        "text": c.content,
                        "createdAt": c.date,
                        "reply": {"parent": {"uri": root}, "root": {"uri": root}},
                    },
                    "indexedAt": c.date,
                },
                "replies": [],
            }
        )
        likes.append({"actor": actor, "createdAt": c.date, "indexedAt": c.date})
    thread = {
        "thread": {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": {"uri": root, "author": {"did": "did:plc:jane"}},
            "replies": replies,
        }
    }
    return thread, {"likes": likes, "uri": root}


def write_bluesky(site, comments: list[Fields]) -> list[dict]:
    thread, likes = bluesky_json(comments)
    archive = Archive(site.root / "community-archive")
    archive.merge("bluesky", bluesky.parse_thread(thread, "bluesky", ARTICLE_URL))
    root = "at://did:plc:jane/app.bsky.feed.post/root"
    archive.merge(
        "bluesky-likes",
        bluesky.parse_actors(likes, "like", root, "bluesky-likes", ARTICLE_URL),
    )
    return []


WRITERS: dict[str, Callable[..., list[dict]]] = {
    "wordpress": write_wordpress,
    "feed": write_feed,
    "webmention.io": write_webmention_io,
    "disqus": write_disqus,
    "blogger": write_blogger,
    "staticman": write_staticman,
    "pelican-comment-system": write_pelican_comment_system,
    "commento": write_commento,
    "mastodon": write_mastodon,
    "bluesky": write_bluesky,
}


# -- what a user must never see ------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[\w.+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
)
_HANDLE = re.compile(r"@[\w.\-]+@[\w.\-]+\.\w+")


def private_data(text: str) -> list[str]:
    """Every email address, IP address or email hash in ``text`` (also
    entity- or percent-encoded); fediverse handles are not emails."""
    found: list[str] = []
    for form in {text, html.unescape(text), unquote(html.unescape(text))}:
        form = _HANDLE.sub(" ", form)
        found += [m for m in _EMAIL_RE.findall(form)]
        found += [m for m in _IPV4_RE.findall(form) if _is_ip(m)]
        found += [
            m for m in _IPV6_CANDIDATE.findall(form) if _is_ip(m) and m.count(":") > 2
        ]
        found += [v for v in PRIVATE_VALUES if v.lower() in form.lower()]
    return sorted(set(found))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def archive_text(root: Path) -> str:
    """Every archive file, JSON strings decoded (what ``git diff`` would show)."""
    folder = root / "community-archive"
    texts = []
    for path in sorted(folder.glob("*")):
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


# -- XML attacks -------------------------------------------------------------

XML_SOURCES = ("wordpress", "feed", "disqus", "blogger")
_LOL = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "lol"}">' for n in range(10)
)
#: name -> (DOCTYPE, what the comment's fields say)
XML_ATTACKS = {
    "billion-laughs": (f"<!DOCTYPE lolz [{_LOL}]>", "&lol9;"),
    "quadratic-blowup": (
        f'<!DOCTYPE q [<!ENTITY a "{"A" * 50_000}">]>',
        "&a;" * 2_000,
    ),
    "external-entity": (
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        "&xxe;",
    ),
    "parameter-entity": (
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
        "hello",
    ),
    "parameter-entity-exfiltration": (
        '<!DOCTYPE x [<!ENTITY % file SYSTEM "file:///etc/passwd">'
        "<!ENTITY % wrap \"<!ENTITY leak '%file;'>\"> %wrap;]>",
        "&leak;",
    ),
    "external-dtd": ('<!DOCTYPE x SYSTEM "file:///etc/passwd">', "hello"),
    "external-dtd-over-http": ('<!DOCTYPE x SYSTEM "{server}/evil.dtd">', "hello"),
    "external-entity-over-http": (
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "{server}/secret">]>',
        "&xxe;",
    ),
    "parameter-entity-over-http": (
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "{server}/evil.dtd"> %p;]>',
        "hello",
    ),
}
#: Attacks a careful parser may simply ignore (nothing is loaded): the file
#: is read like any other.
IGNORABLE_ATTACKS = frozenset({"external-dtd", "external-dtd-over-http"})
_MARK = "XMLATTACKMARK"


def write_xml_attack(site, source: str, attack: str, server: str) -> list[dict]:
    """``source``'s export with ``attack``'s DOCTYPE and entity references
    in a comment's name and content; ``server`` is where remote entities
    point (a replay server that must receive nothing)."""
    doctype, reference = XML_ATTACKS[attack]
    doctype = doctype.replace("{server}", server)
    specs = WRITERS[source](site, [Fields(id="a1", name=_MARK, content=_MARK)])
    path = site.root / specs[0]["path"]
    text = path.read_text(encoding="utf-8")
    declaration, rest = text.split("?>", 1)
    path.write_text(
        f"{declaration}?>\n{doctype}{rest.replace(_MARK, reference)}",
        encoding="utf-8",
    )
    return specs


def passwd_lines() -> list[str]:
    """Lines of /etc/passwd worth looking for (with a colon-separated shape)."""
    try:
        text = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ["root:x:0:0:"]
    return [line for line in text.splitlines() if line.count(":") >= 5]


# -- malformed files -------------------------------------------------------------

_LATIN1_NAME = "Zoë Ünal"
_YAML_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
    f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
    for n in range(8)
)
_BINARY = bytes(range(256)) * 8


#: Each local source's file type: which malformations apply.
FILE_KINDS = {
    "wordpress": "xml",
    "feed": "xml",
    "disqus": "xml",
    "blogger": "xml",
    "webmention.io": "json",
    "commento": "json",
    "staticman": "json yaml",
    "pelican-comment-system": "markdown",
}
COMMON_CASES = (
    "truncated",
    "latin-1-declared-utf-8",
    "utf-16-without-bom",
    "utf-16-with-bom",
    "empty",
    "only-whitespace",
    "stray-byte-before-the-start",
    "nul-bytes-inside",
    "binary-garbage",
    "cut-in-a-multibyte-character",
)
#: XML declarations naming an encoding no parser can use: bytes that are
#: not UTF-8, a NUL, codecs expat cannot take (multi-byte, or no character
#: set at all) and names nobody knows. Case name -> the declared encoding.
BAD_DECLARED_ENCODINGS = {
    "declares-byte-0x80": "\x80",
    "declares-nul": "\x00",
    "declares-utf-32": "utf-32",
    "declares-utf-7": "utf-7",
    "declares-shift-jis": "shift_jis",
    "declares-idna": "idna",
    "declares-punycode": "punycode",
    "declares-undefined": "undefined",
    "declares-rot13": "rot13",
    "declares-unknown": "x-mac-nonsense",
}
#: More digits than Python converts to an int (sys.get_int_max_str_digits()).
LONG_INTEGER = "7" * 5_000
#: Unquoted YAML dates that look like timestamps but are no day of the calendar.
IMPOSSIBLE_YAML_DATES = {
    "yaml-impossible-day": "2020-02-30",
    "yaml-impossible-month": "2020-13-45",
    "yaml-impossible-hour": "2020-01-02 25:61:00",
}
KIND_CASES = {
    "xml": ("json-instead-of-xml", "bom-then-stray-bytes", *BAD_DECLARED_ENCODINGS),
    "json": (
        "nested-too-deeply",
        "a-number-not-an-object",
        "xml-instead-of-json",
        "integer-too-long",
    ),
    "yaml": (
        "yaml-truncated",
        "yaml-python-tag",
        "yaml-alias-bomb",
        "yaml-nested-too-deeply",
        "yaml-list-not-mapping",
        "yaml-integer-too-long",
        *IMPOSSIBLE_YAML_DATES,
    ),
    "markdown": ("no-metadata",),
}


def declaring_encoding(document: bytes, encoding: str) -> bytes:
    """``document`` with its XML declaration naming ``encoding``."""
    return re.sub(
        rb'encoding="[^"]*"',
        b'encoding="' + encoding.encode("latin-1") + b'"',
        document,
        count=1,
    )


def malformed_cases(source: str) -> tuple[str, ...]:
    kinds = FILE_KINDS[source].split()
    return COMMON_CASES + tuple(c for kind in kinds for c in KIND_CASES[kind])


def write_malformed(site, source: str, case: str) -> dict:
    """Write a broken one-comment ``source`` file into ``site``; return the
    COMMUNITY_SOURCES entry that reads it."""
    specs = WRITERS[source](site, [Fields(id="m1", name=_LATIN1_NAME)])
    root = site.root / specs[0]["path"]
    path = (
        root
        if root.is_file()
        else next(p for p in sorted(root.rglob("*")) if p.is_file())
    )
    good = path.read_bytes()
    text = good.decode("utf-8")
    if case.startswith("yaml-"):
        path.unlink()
        path = path.with_suffix(".yml")
        good = yaml.safe_dump(json.loads(text), allow_unicode=True).encode()
    if case in BAD_DECLARED_ENCODINGS:
        path.write_bytes(declaring_encoding(good, BAD_DECLARED_ENCODINGS[case]))
        return {**specs[0], "malformed": str(path.relative_to(site.root))}
    if case in IMPOSSIBLE_YAML_DATES:
        date = IMPOSSIBLE_YAML_DATES[case].encode()
        path.write_bytes(re.sub(rb"(?m)^date: .*$", b"date: " + date, good))
        return {**specs[0], "malformed": str(path.relative_to(site.root))}
    data = {
        "truncated": lambda: good[: int(len(good) * 0.6)],
        "latin-1-declared-utf-8": lambda: text.encode("latin-1", "replace"),
        "utf-16-without-bom": lambda: text.encode("utf-16-le"),
        "utf-16-with-bom": lambda: b"\xff\xfe" + text.encode("utf-16-le"),
        "empty": lambda: b"",
        "only-whitespace": lambda: b" \n\t\n",
        "stray-byte-before-the-start": lambda: b"x" + good,
        "nul-bytes-inside": lambda: good.replace(b"Zo", b"Z\x00o", 1),
        "binary-garbage": lambda: _BINARY,
        "cut-in-a-multibyte-character": lambda: good[: good.index("ë".encode()) + 1],
        "json-instead-of-xml": lambda: b'{"comments": []}',
        "bom-then-stray-bytes": lambda: b"\xef\xbb\xbf\x00\x01" + good,
        "nested-too-deeply": lambda: b"[" * 100_000 + b"]" * 100_000,
        "a-number-not-an-object": lambda: b"42",
        "xml-instead-of-json": lambda: b'<?xml version="1.0"?><rss/>',
        "integer-too-long": lambda: good.replace(
            b"{", b'{"n": ' + LONG_INTEGER.encode() + b", ", 1
        ),
        "yaml-integer-too-long": lambda: b"n: " + LONG_INTEGER.encode() + b"\n" + good,
        "yaml-truncated": lambda: good[: int(len(good) * 0.6)] + b": [",
        "yaml-python-tag": lambda: b'!!python/object/apply:os.system ["echo pwned"]\n',
        "yaml-alias-bomb": lambda: _YAML_BOMB.encode(),
        "yaml-nested-too-deeply": lambda: b"[" * 100_000,
        "yaml-list-not-mapping": lambda: b"- a\n- b\n",
        "no-metadata": lambda: b"Just words, no author or date.\n",
    }[case]()
    path.write_bytes(data)
    return {**specs[0], "malformed": str(path.relative_to(site.root))}
