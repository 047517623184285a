"""One blog's history read twice (export and comment feed), old permalinks,
and comments on pages the site no longer has: each person counted right."""

from __future__ import annotations

import json
from dataclasses import replace

from builders import WxrComment, WxrPost, wxr
from pelican.plugins.community.model import Interaction, PostRef
from pelican.plugins.community.people.people_file import PeopleFile, PersonEntry
from pelican.plugins.community.views.compute import compute_community

FEED_WITH_A_NEW_COMMENT = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Comments on: Winter Letters</title>
<link>https://inkwell.example/winter-letters/</link>
<item><title>By: Ada Finch</title>
 <link>https://inkwell.example/winter-letters/comment-page-1/#comment-45</link>
 <dc:creator><![CDATA[Ada Finch]]></dc:creator>
 <pubDate>Tue, 12 Feb 2013 08:00:00 +0000</pubDate>
 <description><![CDATA[Letters are the slowest conversation.]]></description></item>
<item><title>By: Rook</title>
 <link>http://www.inkwell.example/winter-letters/#comment-44</link>
 <dc:creator><![CDATA[Rook]]></dc:creator>
 <pubDate>Mon, 11 Feb 2013 08:00:00 +0000</pubDate>
 <description><![CDATA[First!]]></description></item>
<item><title>By: Mira Vale</title>
 <link>https://inkwell.example/winter-letters/#comment-46</link>
 <dc:creator><![CDATA[Mira Vale]]></dc:creator>
 <pubDate>Wed, 13 Feb 2013 08:00:00 +0000</pubDate>
 <description><![CDATA[Found this through a friend.]]></description></item>
</channel></rss>
"""


def _report(site) -> dict:
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    return json.loads(site.build().joinpath("community.json").read_text())


def test_an_export_and_the_same_blogs_comment_feed_count_each_comment_once(site):
    site.article("winter-letters", "Winter Letters", "2013-02-10")
    c = WxrComment
    export = wxr(
        [
            WxrPost(
                220,
                "winter-letters",
                "Winter Letters",
                [
                    c(44, "Rook", "2013-02-11 08:00:00", content="First!"),
                    c(45, "Ada Finch", "2013-02-12 08:00:00", email="ada@mail.example"),
                ],
                link="https://inkwell.example/winter-letters/",
            )
        ]
    )
    site.write("data/export.xml", export)
    site.write("data/comments.rss", FEED_WITH_A_NEW_COMMENT)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"},
        {"type": "feed", "path": "data/comments.rss"},
    ]
    report = _report(site)
    counts = {p["name"]: p["counts"]["comment"] for p in report["people"]}
    assert counts == {"Ada Finch": 1, "Rook": 1, "Mira Vale": 1}
    page = site.page("winter-letters/index.html")
    assert page.count("Letters are the slowest conversation.") <= 1
    [post] = report["posts"]
    assert len(post["thanks"]) == 3


def test_an_old_plain_permalink_in_old_urls_matches_its_post(site):
    """An old WordPress blog with ``?p=N`` links: the export names the post
    only by that address and by a slug the new site does not use."""
    site.article(
        "night-ferry",
        "The Night Ferry",
        "2014-05-01",
        old_urls="https://old.example/?p=7",
    )
    c = WxrComment
    export = wxr(
        [
            WxrPost(
                7,
                "the-night-ferry-draft",
                "The Night Ferry",
                [c(n, f"Reader {n}", f"2014-05-0{n} 10:00:00") for n in range(2, 5)],
                link="https://old.example/?p=7",
            )
        ]
    )
    site.write("data/export.xml", export)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    report = _report(site)
    assert report["unmatched"] == 0
    assert [p["slug"] for p in report["posts"]] == ["night-ferry"]
    assert all(p["posts"] == ["night-ferry"] for p in report["people"])
    assert "Reader 3" in site.page("community/index.html")


POSTS = [
    PostRef("p1", "https://blog.example/p1/", "Post 1", "2020-01-01T00:00:00+00:00")
]


def _comment(n: int, target: str, name: str = "Sam Marsh") -> Interaction:
    return Interaction(
        source="isso",
        id=str(n),
        kind="comment",
        author_name=name,
        target_url=target,
        published=f"2020-01-0{n}T00:00:00+00:00",
    )


def test_many_comments_on_one_unmatched_page_count_as_one_post():
    """Three comments on the old blog's home page are one conversation,
    not three posts: a one-off visitor, not a regular."""
    items = [_comment(n, "https://old.example/") for n in (1, 2, 3)]
    items.append(_comment(4, "https://old.example/?p=9"))
    community = compute_community(items, PeopleFile(), POSTS, 3, max_depth=6)
    [person] = community.people
    assert person.role == "returning"
    assert person.reasons[0].startswith("commented on 2 posts")
    assert community.unmatched == 4


def test_the_authors_and_anonymous_comments_on_a_missing_post_are_told():
    """An old page the site no longer has, with only the author's replies
    and comments signed by nobody: none of them has a card, and each is
    still counted among the unmatched, not silently dropped."""
    items = [
        replace(_comment(n, "https://old.example/feedback/", name), content="Hi")
        for n, name in ((1, "Anonymous"), (2, "Anonymous"), (3, "Jane Author"))
    ]
    people = PeopleFile(me=PersonEntry(name="Jane Author"))
    community = compute_community(items, people, POSTS, 3, max_depth=6)
    assert community.people == []
    assert community.unmatched == 3


def test_below_a_raised_regular_bar_people_are_returning_not_drive_by():
    items = [_comment(n, f"https://old.example/post-{n}/") for n in range(1, 5)]
    community = compute_community(items, PeopleFile(), POSTS, 5, max_depth=6)
    [person] = community.people
    assert person.role == "returning"
    assert person.reasons[0].startswith("commented on 4 posts")
