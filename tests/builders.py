"""Builders for small export files, so each test states its scenario in a few lines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape


@dataclass
class WxrComment:
    id: int
    author: str
    date: str  # "2013-03-04 15:00:00" (GMT)
    content: str = "Lovely post."
    email: str = ""
    url: str = ""
    approved: str = "1"
    type: str = ""
    parent: int = 0
    user_id: int = 0
    ip: str = "192.0.2.10"


@dataclass
class WxrPost:
    id: int
    slug: str
    title: str
    comments: list[WxrComment] = field(default_factory=list)
    link: str = ""


def wxr(
    posts: list[WxrPost], *, authors: dict[int, str] | None = None, version: str = "1.2"
) -> str:
    """A WordPress eXtended RSS export with the given posts and comments."""
    ns = f"http://wordpress.org/export/{version}/"
    author_xml = "".join(
        f"<wp:author><wp:author_id>{aid}</wp:author_id><wp:author_login><![CDATA[{login}]]></wp:author_login>"
        f"<wp:author_email>{login}@blog.example</wp:author_email></wp:author>"
        for aid, login in (authors or {}).items()
    )
    items = []
    for post in posts:
        comments = "".join(
            f"""<wp:comment><wp:comment_id>{c.id}</wp:comment_id>
<wp:comment_author><![CDATA[{c.author}]]></wp:comment_author>
<wp:comment_author_email><![CDATA[{c.email}]]></wp:comment_author_email>
<wp:comment_author_url>{escape(c.url)}</wp:comment_author_url>
<wp:comment_author_IP><![CDATA[{c.ip}]]></wp:comment_author_IP>
<wp:comment_date><![CDATA[{c.date}]]></wp:comment_date>
<wp:comment_date_gmt><![CDATA[{c.date}]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[{c.content}]]></wp:comment_content>
<wp:comment_approved><![CDATA[{c.approved}]]></wp:comment_approved>
<wp:comment_type><![CDATA[{c.type}]]></wp:comment_type>
<wp:comment_parent>{c.parent}</wp:comment_parent>
<wp:comment_user_id>{c.user_id}</wp:comment_user_id></wp:comment>"""
            for c in post.comments
        )
        link = post.link or f"https://old.example/2013/03/04/{post.slug}/"
        items.append(
            f"""<item><title>{escape(post.title)}</title><link>{escape(link)}</link>
<wp:post_id>{post.id}</wp:post_id><wp:post_name><![CDATA[{post.slug}]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
{comments}</item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
<channel><title>Old blog</title><link>https://old.example</link><wp:wxr_version>{version}</wp:wxr_version>
{author_xml}{"".join(items)}</channel></rss>
"""


def jf2_entry(
    wm_id: int,
    prop: str,
    target: str,
    name: str,
    url: str,
    published: str | None = "2024-05-01T10:00:00+00:00",
    content: str = "",
    private: bool = False,
    source: str = "",
) -> dict:
    """One webmention.io JF2 entry, shaped as the API returns it."""
    source = source or f"{url.rstrip('/')}/post/{wm_id}"
    entry = {
        "type": "entry",
        "author": {"type": "card", "name": name, "photo": "", "url": url},
        "url": source,
        "published": published,
        "wm-received": "2024-05-02T00:00:00Z",
        "wm-id": wm_id,
        "wm-source": source,
        "wm-target": target,
        "wm-property": prop,
        "wm-private": private,
        prop: target,
    }
    if content:
        entry["content"] = {"html": content, "text": content}
    return entry


def jf2(entries: list[dict]) -> str:
    return json.dumps(
        {"type": "feed", "name": "Webmentions", "children": entries}, indent=1
    )
