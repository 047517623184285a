"""One comment in source-neutral terms (:class:`Fields`), and per-source writers that put
comments with hostile values into a site in each source's own format.

Each writer takes :class:`Fields`, writes them into a :class:`conftest.Site`, and returns
the ``COMMUNITY_SOURCES`` entries that read them. Mastodon and Bluesky are live sources:
their API JSON goes through the source's pure parse functions into the site's archive,
as a fetch would put it there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape, quoteattr

import yaml
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.sources import bluesky, mastodon

from .payloads import ARTICLE_SLUG, ARTICLE_URL, EMAIL, IPV4, OLD_URL

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
    parent: str = ""  #: the id of the comment this one answers


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
    # One item per post link and title, so a hostile one stays on its own;
    # comments on the same post share it (a reply's parent is on its post).
    posts: dict[tuple[str, str], list[Fields]] = {}
    for c in comments:
        posts.setdefault((c.target, c.title), []).append(c)
    items = []
    for index, ((target, title), on_post) in enumerate(posts.items(), 1):
        items.append(
            f"""<item><title>{xml_text(title)}</title><link>{xml_text(_old(target))}</link>
<guid isPermaLink="false">https://old.example/?p={index}</guid>
<wp:post_id>{index}</wp:post_id><wp:post_name>{ARTICLE_SLUG if target == ARTICLE_URL else "other"}</wp:post_name>
<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
{"".join(_wxr_comment(c) for c in on_post)}</item>"""
        )
    site.write("data/export.xml", wxr_document("".join(items)))
    return [{"type": "wordpress", "path": "data/export.xml"}]


def _wxr_comment(c: Fields) -> str:
    return f"""<wp:comment><wp:comment_id>{xml_text(c.id)}</wp:comment_id>
<wp:comment_author>{xml_text(c.name)}</wp:comment_author>
<wp:comment_author_email>{xml_text(c.email)}</wp:comment_author_email>
<wp:comment_author_url>{xml_text(c.url)}</wp:comment_author_url>
<wp:comment_author_IP>{xml_text(c.ip)}</wp:comment_author_IP>
<wp:comment_date>{xml_text(_wxr_date(c.date))}</wp:comment_date>
<wp:comment_date_gmt>{xml_text(_wxr_date(c.date))}</wp:comment_date_gmt>
<wp:comment_content>{xml_text(c.content)}</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{xml_text(c.parent) or 0}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>
</wp:comment>"""


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
<thr:in-reply-to ref={xml_attr(c.parent or c.target)} href={xml_attr(c.target)}/>
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
<ipAddress>{xml_text(c.ip)}</ipAddress><thread dsq:id="t{index}" />{_disqus_parent(c)}</post>"""
        )
    site.write("data/disqus.xml", disqus_document("".join(parts)))
    return [{"type": "disqus", "path": "data/disqus.xml"}]


def _disqus_parent(c: Fields) -> str:
    return f"<parent dsq:id={xml_attr(c.parent)} />" if c.parent else ""


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
<thr:in-reply-to ref="tag:blogger.com,1999:blog-1.post-p{index}" href={xml_attr(post_link)}/>{_blogger_parent(c)}</entry>"""
        )
    site.write("data/blogger.xml", blogger_document("".join(parts)))
    return [{"type": "blogger", "path": "data/blogger.xml"}]


def _blogger_parent(c: Fields) -> str:
    if not c.parent:
        return ""
    related = f"https://www.blogger.com/feeds/1/p1/comments/default/{c.parent}"
    return f'<link rel="related" type="application/atom+xml" href={xml_attr(related)}/>'


def blogger_document(entries: str, doctype: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{doctype}<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gd="http://schemas.google.com/g/2005"
 xmlns:thr="http://purl.org/syndication/thread/1.0"><id>tag:blogger.com,1999:blog-1</id>
<title>Old blog</title>
{entries}</feed>
"""


def _slug_folder(target: str) -> str:
    """The folder a folder source keeps a post's comments in: the post's
    slug for one of the site's posts, the hostile value itself otherwise."""
    slug = re.fullmatch(r"https://blog\.example/([a-z0-9-]+)/", target)
    return slug.group(1) if slug else file_name(target)


def write_staticman(site, comments: list[Fields]) -> list[dict]:
    for index, c in enumerate(comments, 1):
        data = {
            "_id": c.id,
            "name": c.name,
            "email": c.email,
            "url": c.url,
            "message": c.content,
            "date": c.date,
            **({"replying_to_uid": c.parent} if c.parent else {}),
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
    stems = {
        c.id: file_name(c.id) if c.id != f"c{index}" else f"{index}"
        for index, c in enumerate(comments, 1)
    }
    for c in comments:
        reply_to = f"replyto: {stems[c.parent]}\n" if c.parent in stems else ""
        site.write(
            f"data/comments/{_slug_folder(c.target)}/{stems[c.id]}.md",
            f"author: {_meta(c.name)}\ndate: {_meta(c.date)}\n{reply_to}"
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
                "parentHex": c.parent or "root",
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
    status_of = {c.id: f"{index}" for index, c in enumerate(comments, 1)}
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
                "in_reply_to_id": status_of.get(c.parent, "1000"),
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
    node_of: dict[str, dict] = {}  # a reply to a reply is nested in its parent
    for index, c in enumerate(comments, 1):
        actor = {
            "did": f"did:plc:mallory{index}",
            "handle": c.handle or f"mallory{index}.bsky.social",
            "displayName": c.name,
            "avatar": c.photo,
            "labels": [],
        }
        parent = node_of.get(c.parent)
        node = {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": {
                "uri": f"at://did:plc:mallory{index}/app.bsky.feed.post/{c.id}",
                "author": actor,
                "record": {
                    "text": c.content,
                    "createdAt": c.date,
                    "reply": {
                        "parent": {"uri": parent["post"]["uri"] if parent else root},
                        "root": {"uri": root},
                    },
                },
                "indexedAt": c.date,
            },
            "replies": [],
        }
        node_of[c.id] = node
        (parent["replies"] if parent else replies).append(node)
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
