"""Whole-site builds: a tiny Pelican site per scenario, asserting on the output."""

from __future__ import annotations

import json
import logging
import re

import pytest
from builders import WxrComment, WxrPost, jf2, jf2_entry, wxr

PEOPLE = """\
me:
  names: [Jane Author]
  urls: [https://blog.example]
friends:
  - name: Karen Bell
    aliases: [K. Bell]
    urls: [https://karenbell.example]
    note: Critique partner since 2011
people:
  - name: Priya Nair
    aliases: [Priya N.]
hide:
  - url: https://spam.example/
"""


def _scenario(site):
    """Five posts, every role: a friend, a regular (under two names), a
    returning reader, one-offs, drive-by likers, a hidden spammer, the
    author's own reply, a pingback and a pending comment."""
    titles = ["First light", "Second draft", "Third act", "Fourth wall", "Fifth season"]
    for n, title in enumerate(titles, 1):
        site.article(f"post-{n}", title, f"201{n}-01-01")
    c = WxrComment
    posts = [
        WxrPost(
            1,
            "post-1",
            "First light",
            [
                c(
                    11,
                    "K. Bell",
                    "2011-02-01 10:00:00",
                    email="karen@mail.example",
                    url="http://www.karenbell.example/",
                ),
                c(12, "Priya Nair", "2011-02-02 10:00:00", email="priya@mail.example"),
                c(13, "Tom Reader", "2011-02-03 10:00:00", email="tom@mail.example"),
                c(
                    14,
                    "Cheap Pills",
                    "2011-02-04 10:00:00",
                    url="https://spam.example/buy",
                    content="<b>BUY</b>",
                ),
                c(
                    15,
                    "Jane Author",
                    "2011-02-05 10:00:00",
                    parent=13,
                    user_id=1,
                    content="Thanks Tom!",
                ),
            ],
        ),
        WxrPost(
            2,
            "post-2",
            "Second draft",
            [
                c(21, "Priya N.", "2012-03-01 10:00:00", email="priya@mail.example"),
                c(
                    22,
                    "Some Blog",
                    "2012-03-02 10:00:00",
                    type="pingback",
                    url="https://pinger.example/",
                ),
                c(23, "Pending Pete", "2012-03-03 10:00:00", approved="0"),
            ],
        ),
        WxrPost(
            3,
            "post-3",
            "Third act",
            [
                c(31, "Priya Nair", "2013-04-01 10:00:00", email="priya@mail.example"),
                c(32, "Tom Reader", "2013-04-02 10:00:00", email="tom@mail.example"),
            ],
        ),
        WxrPost(
            4,
            "post-4",
            "Fourth wall",
            [
                c(41, "Ola Once", "2014-05-01 10:00:00", email="ola@mail.example"),
            ],
        ),
    ]
    site.write("data/export.xml", wxr(posts, authors={1: "jane"}))
    target = "https://blog.example/post-{}/"
    mentions = [
        jf2_entry(
            101,
            "like-of",
            target.format(1),
            "Liker One",
            "https://mastodon.example/@liker1",
        ),
        jf2_entry(
            102,
            "like-of",
            target.format(2),
            "Liker One",
            "https://mastodon.example/@liker1",
        ),
        jf2_entry(
            103,
            "repost-of",
            target.format(1),
            "Booster Two",
            "https://mastodon.example/@booster2",
        ),
        jf2_entry(
            104,
            "in-reply-to",
            target.format(5),
            "Nell New",
            "https://nell.example/",
            published="2015-06-01T08:00:00+00:00",
            content="<p>Found you <em>at last</em></p>",
        ),
        jf2_entry(
            105,
            "in-reply-to",
            target.format(5),
            "Secret",
            "https://secret.example/",
            private=True,
            content="private words",
        ),
        jf2_entry(
            106,
            "bookmark-of",
            target.format(5),
            "Karen Bell",
            "https://karenbell.example",
        ),
    ]
    site.write("data/webmentions.json", jf2(mentions))
    site.write("community.yaml", PEOPLE)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"},
        {"type": "webmention.io", "path": "data/webmentions.json"},
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community/community.json"


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def test_every_role_lands_where_the_author_expects(site):
    _scenario(site)
    site.build()
    page = site.page("community/index.html")
    friends, regulars = _section(page, "friends"), _section(page, "regulars")
    returning, welcome = _section(page, "returning"), _section(page, "welcome")
    drive_by = _section(page, "drive-by")
    assert "Karen Bell" in friends and "Critique partner since 2011" in friends
    assert "Priya Nair" in regulars and "3 conversations since 2011" in regulars
    assert "Tom Reader" in returning and "2 conversations since 2011" in returning
    assert "Nell New" in welcome and "Ola Once" not in welcome  # Ola is years older
    assert "Ola Once" in _section(page, "one-off")
    assert "2 more people liked, reposted or bookmarked" in drive_by
    assert "Liker One" in drive_by and "Liker One" not in friends + regulars
    for absent in (
        "Cheap Pills",
        "Jane Author",
        "Some Blog",
        "Pending Pete",
        "Secret",
        "Priya N.",
    ):
        assert absent not in page, absent


def test_the_community_page_thanks_visitors_in_their_words(site):
    """The public page says who talked about what, in human words; how the
    author's tools classified each person stays in `report` and `check`."""
    _scenario(site)
    site.build()
    page = site.page("community/index.html")
    blocks = re.sub(r"</?(?:p|li|div|h\d|section)\b[^>]*>", " ", page)
    text = " ".join(re.sub(r"<[^>]+>", "", blocks).split())
    assert "Wrote in June 2015" in _section(page, "welcome")  # Nell, once
    assert (
        "Priya Nair 3 conversations since 2011 On First light, Second draft and Third act."
        in text
    )
    for mechanics in (
        "pinned",
        "community.yaml",
        "you replied",
        "last seen",
        "one-off",
        "ONE-OFF",
        "regular",  # the role, as a badge; the section is "Regulars"
        "1 time",
    ):
        assert mechanics not in text.replace("Regulars", ""), mechanics


def test_report_json_follows_the_contract(site):
    _scenario(site)
    site.build()
    report = json.loads(site.page("community/community.json"))
    assert set(report) == {"people", "posts", "unmatched"}
    people = {p["id"]: p for p in report["people"]}
    assert [p["role"] for p in report["people"]] == [
        "friend",
        "regular",
        "returning",
        "one-off",
        "one-off",
        "drive-by",
        "drive-by",
    ]
    karen = people["karen-bell"]
    assert karen == {
        "id": "karen-bell",
        "name": "Karen Bell",
        "url": "https://karenbell.example",
        "role": "friend",
        "pinned": True,
        "posts": ["post-1"],
        "counts": {
            "comment": 1,
            "mention": 0,
            "like": 0,
            "repost": 0,
            "share": 0,
            "bookmark": 1,
        },
        "first_seen": "2011-02-01T10:00:00+00:00",
        "last_seen": "2024-05-01T10:00:00+00:00",
    }
    assert people["priya-nair"]["posts"] == ["post-1", "post-2", "post-3"]
    assert people["priya-nair"]["counts"]["comment"] == 3
    posts = {p["slug"]: p for p in report["posts"]}
    assert posts["post-1"]["thanks"] == [
        {"id": "karen-bell", "first_time": True},
        {"id": "priya-nair", "first_time": True},
        {"id": "tom-reader", "first_time": True},
    ]
    assert posts["post-3"]["thanks"] == [
        {"id": "priya-nair", "first_time": False},
        {"id": "tom-reader", "first_time": False},
    ]
    assert posts["post-1"]["reactions"] == {
        "like": 1,
        "repost": 1,
        "share": 0,
        "bookmark": 0,
    }
    assert report["unmatched"] == 0
    text = site.page("community/community.json")
    for private in ("mail.example", "192.0.2.10", "private words"):
        assert private not in text


def test_second_build_is_byte_identical(site):
    _scenario(site)
    first = {p: p.read_bytes() for p in site.build().rglob("*") if p.is_file()}
    archive = {p: p.read_bytes() for p in (site.root / "community-archive").rglob("*")}
    second = {p: p.read_bytes() for p in site.build().rglob("*") if p.is_file()}
    assert first == second
    assert archive == {
        p: p.read_bytes() for p in (site.root / "community-archive").rglob("*")
    }


def test_thanks_in_content_works_with_pelicans_default_theme(site):
    _scenario(site)
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.build()
    article = site.page("post-1/index.html")
    thanks = article[article.index('class="community-thanks"') :]
    names = re.findall(
        r'class="community-name"[^>]*>([^<]+)<', thanks.split("</section>")[0]
    )
    assert names == ["Karen Bell", "Priya Nair", "Tom Reader"]
    assert (
        "3 people joined the conversation on this post, all of them for the first time here."
        in article
    )
    assert "1 like and 1 repost, from 2 readers who did not comment." in article
    # A name leads to the person's card on the community page, not off-site.
    karen = re.search(
        r'<a class="community-name" href="([^"]+)"[^>]*>Karen Bell<', thanks
    )
    assert karen and re.fullmatch(
        r"https://blog.example/community/#person-[\w-]+", karen[1]
    ), karen
    assert f'id="{karen[1].split("#")[1]}"' in site.page("community/index.html")
    # The conversation shows the author's reply under Tom's comment, spam hidden.
    assert "Thanks Tom!" in article and "BUY" not in article
    # Index pages list older posts by their summary, without the list.
    assert "community-thanks-post-1" not in site.page("index.html")
    # The page's description is the author's words alone, however short.
    (description,) = re.findall(r'<meta name="description" content="([^"]*)"', article)
    assert description == "Words."


def test_the_stylesheet_is_one_file_linked_once_per_page(site):
    """No <style> in the body (the HTML validator's only complaint in
    notmyidea and simple): one <link> to a file next to the community page,
    relative when the site is."""
    _scenario(site)
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["RELATIVE_URLS"] = True
    site.build()
    css = (site.output / "community" / "community.css").read_text()
    assert ".community-avatar" in css and "prefers-reduced-motion" in css
    for page, href in (
        ("post-1/index.html", "../community/community.css"),
        ("community/index.html", "../community/community.css"),
    ):
        html = site.page(page)
        assert "<style" not in html, page
        assert html.count("community.css") == 1, page
        assert f'<link rel="stylesheet" href="{href}">' in html, page


def test_the_stylesheet_can_be_turned_off(site):
    _scenario(site)
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["COMMUNITY_CSS_SAVE_AS"] = ""
    site.build()
    assert not (site.output / "community" / "community.css").exists()
    assert "community.css" not in site.page("post-1/index.html")
    assert "Karen Bell" in site.page("post-1/index.html")


def test_feeds_and_listings_carry_the_post_alone(site):
    """With COMMUNITY_THANKS_IN_CONTENT the lists join the article on its own
    page only: the Atom feed and the index (where Pelican's default theme
    shows the newest post in full) get the post as it was written."""
    _scenario(site)
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["FEED_ALL_ATOM"] = "feeds/all.atom.xml"
    site.build()
    assert "Found you" in site.page("post-5/index.html")  # Nell's reply
    feed = site.page("feeds/all.atom.xml")
    index = site.page("index.html")
    assert "post-5" in feed and "post-5" in index
    for listing in (feed, index):
        for part in ("community-thanks", "community-conversation", "community.css"):
            assert part not in listing, part
        assert "Found you" not in listing


@pytest.mark.parametrize("in_content", [False, True])
def test_the_projects_theme_shows_the_lists_once(site, in_content):
    from pathlib import Path

    _scenario(site)
    site.settings["THEME"] = str(Path(__file__).resolve().parents[1] / "theme")
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = in_content
    site.build()
    article = site.page("post-1/index.html")
    assert article.count('<section class="community-thanks"') == 1
    assert article.count('<section class="community-conversation"') == 1


def test_new_post_thanks_mark_first_timers(site):
    _scenario(site)
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.build()
    article = site.page("post-5/index.html")
    assert "Nell New" in article and "first conversation here" in article
    assert "<em>at last</em>" in article
    assert "private words" not in article


def test_community_page_can_be_turned_off_and_moved(site):
    _scenario(site)
    site.settings["COMMUNITY_SAVE_AS"] = ""
    site.build()
    assert not (site.output / "community" / "index.html").exists()
    assert (site.output / "community" / "community.json").exists()


def test_relative_urls_are_respected(site):
    _scenario(site)
    site.settings["RELATIVE_URLS"] = True
    site.settings["COMMUNITY_URL"] = "people/"
    site.settings["COMMUNITY_SAVE_AS"] = "people/index.html"
    site.build()
    page = site.page("people/index.html")
    assert 'href="../post-1/"' in page


def test_a_theme_overrides_or_extends_the_default_templates(site):
    _scenario(site)
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["THEME_TEMPLATES_OVERRIDES"] = ["overrides"]
    site.write(
        "overrides/community/thanks.html",
        '{% extends "!community/thanks.html" %}',
    )
    site.write(
        "overrides/community.html",
        '{% extends "!community/community.html" %}{% block title %}Our people{% endblock %}',
    )
    site.build()
    assert "<title>Our people</title>" in site.page("community/index.html")
    assert "Karen Bell" in site.page("post-1/index.html")


@pytest.mark.parametrize("relative", [False, True])
def test_a_link_to_a_post_in_a_themes_list_is_rewritten_by_pelican(site, relative):
    """The lists' HTML skips Pelican's intrasite link pass only when it holds
    no such link: a theme's own {filename} link still leads to the post,
    and the page's own links follow RELATIVE_URLS."""
    _scenario(site)
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["RELATIVE_URLS"] = relative
    site.settings["THEME_TEMPLATES_OVERRIDES"] = ["overrides"]
    site.write(
        "overrides/community/reply.html",
        '<p class="see-also"><a href="{filename}/post-1.md">first post</a></p>',
    )
    site.build()
    article = site.page("post-1/index.html")
    (link,) = re.findall(r'<p class="see-also"><a href="([^"]+)"', article)
    assert link == ("../post-1/" if relative else "https://blog.example/post-1/")
    assert "Thanks Tom!" in article


def _plugin_warnings(caplog) -> list[str]:
    """The plugin's warnings (and worse), as the author reads them."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("pelican.plugins")
    ]


def _build_fails(site, caplog) -> str:
    with pytest.raises(SystemExit) as stopped:
        site.build()
    assert stopped.value.code == 2
    critical = [r.getMessage() for r in caplog.records if r.levelname == "CRITICAL"]
    assert len(critical) == 1, critical
    return critical[0]


def test_bad_settings_stop_the_build_naming_the_setting(site, caplog):
    _scenario(site)
    site.settings["COMMUNITY_REGULARS"] = 3
    assert _build_fails(site, caplog).startswith("COMMUNITY_REGULARS: unknown setting")


def test_bad_source_entry_is_named(site, caplog):
    _scenario(site)
    site.settings["COMMUNITY_SOURCES"] = [{"type": "wordpress", "file": "x.xml"}]
    message = _build_fails(site, caplog)
    assert message.startswith(
        "COMMUNITY_SOURCES[0]: unknown key 'file' for type 'wordpress'"
    )


def test_missing_source_file_names_the_file(site, caplog):
    site.article("post-1", "One", "2020-01-01")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/nope.xml"}
    ]
    message = _build_fails(site, caplog)
    assert message.endswith(
        "data/nope.xml: source 'wordpress-nope' (wordpress) file not found"
    )


def test_a_people_file_named_but_missing_stops_the_build(site, caplog):
    _scenario(site)
    site.settings["COMMUNITY_PEOPLE_FILE"] = "data/people.yml"
    message = _build_fails(site, caplog)
    assert message.startswith("COMMUNITY_PEOPLE_FILE: ")
    assert message.endswith(
        "data/people.yml not found (leave the setting out to build without a people file)"
    )


def test_the_default_people_file_may_be_missing(site):
    _scenario(site)
    (site.root / "community.yaml").unlink()
    site.build()
    assert "Karen Bell" in site.page("community/index.html")


def test_a_build_where_nothing_matched_says_what_to_do(site, caplog):
    """The first build of a blog that moved: every comment points at the old
    address, and the build says so at WARNING with the next step."""
    site.article("post-1", "One", "2020-01-01")
    export = wxr(
        [
            WxrPost(
                1,
                "old-slug",
                "A post the new site does not have",
                [WxrComment(1, "Nell Ferrars", "2020-01-02 10:00:00")],
                link="https://old.example/?p=1",
            )
        ]
    )
    site.write("data/export.xml", export)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    with caplog.at_level("WARNING"):
        site.build()
    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning.startswith("community: none of the 1 interaction matched a post")
    assert "`pelican-community check`" in warning and "Old_urls" in warning


def test_bad_people_file_names_file_and_line(site, caplog):
    _scenario(site)
    site.write("community.yaml", "friends:\n  - name: Karen\n    urls: karen.example\n")
    message = _build_fails(site, caplog)
    assert message.endswith(
        "community.yaml:3: friends[0].urls must be a list, e.g. [first, second]"
    )


@pytest.mark.parametrize(
    "plugins", [None, ["community"], ["pelican.plugins.community"]]
)
def test_plugin_is_found_unset_by_short_name_or_full_name(site, plugins):
    _scenario(site)
    if plugins is None:
        del site.settings["PLUGINS"]
    else:
        site.settings["PLUGINS"] = plugins
    site.build()
    assert "Karen Bell" in site.page("community/index.html")


def test_long_tails_are_cut_to_their_newest_and_counted(site):
    site.article("post-1", "One", "2020-01-01")
    likers = [
        jf2_entry(
            1000 + n,
            "like-of",
            "https://blog.example/post-1/",
            f"Liker {n:03d}",
            f"https://liker{n}.example/",
        )
        for n in range(70)
    ]
    site.write("data/wm.json", jf2(likers))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "webmention.io", "path": "data/wm.json"}
    ]
    site.build()
    drive_by = _section(site.page("community/index.html"), "drive-by")
    assert (
        "70 more people liked, reposted or bookmarked posts without writing" in drive_by
    )
    assert drive_by.count('data-role="drive-by"') == 60
    assert "…and 10 more." in drive_by


def test_relative_paths_resolve_against_the_settings_files_folder(site, tmp_path):
    """`pelican -s /site/pelicanconf.py` run from elsewhere, with the content
    two folders down: sources, people file and archive are still found
    next to pelicanconf.py, as SPEC says."""
    import os

    from pelican import Pelican
    from pelican.settings import read_settings

    site.content = site.root / "src" / "content"
    site.content.mkdir(parents=True)
    _scenario(site)
    site.settings["PATH"] = "src/content"
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    conf = site.conf()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = os.getcwd()
    os.chdir(elsewhere)
    try:
        settings = read_settings(str(conf))
        settings["OUTPUT_PATH"] = str(site.output)
        Pelican(settings).run()
    finally:
        os.chdir(cwd)
    report = json.loads(site.page("community.json"))
    assert any(
        p["name"] == "Karen Bell" and p["role"] == "friend" for p in report["people"]
    )
    assert (site.root / "community-archive").is_dir()
    assert not (elsewhere / "community-archive").exists()
    assert not (site.root / "src" / "community-archive").exists()


def test_an_anonymous_comment_stays_in_the_conversation_but_is_no_one(site):
    """Old Blogger and WordPress blogs have comments signed "Anonymous" with
    nothing else: their words stay under the post, but they are nobody to
    count, thank or list."""
    site.article("post-1", "One", "2020-01-01")
    c = WxrComment
    export = wxr(
        [
            WxrPost(
                1,
                "post-1",
                "One",
                [
                    c(
                        1,
                        "Anonymous",
                        "2020-01-02 10:00:00",
                        content="Loved the bit about the tide.",
                        ip="",
                    ),
                    c(
                        2,
                        "Anonymous",
                        "2020-01-03 10:00:00",
                        content="Me too, whoever you are.",
                        ip="",
                    ),
                    c(
                        3,
                        "Nell Ferrars",
                        "2020-01-04 10:00:00",
                        email="nell@mail.example",
                    ),
                ],
            )
        ]
    )
    site.write("data/export.xml", export)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.build()
    report = json.loads(site.page("community.json"))
    assert [p["name"] for p in report["people"]] == ["Nell Ferrars"]
    article = site.page("post-1/index.html")
    conversation = article[article.index('class="community-conversation"') :]
    assert "Loved the bit about the tide." in conversation
    assert "Me too, whoever you are." in conversation
    assert (
        conversation.count('class="community-comment"') == 3
    )  # none marked as the author's
    assert "1 person joined the conversation" in article


def test_hiding_a_domain_hides_what_came_from_it_not_the_friend_it_claimed(site):
    """A page on attacker.example sends a mention whose h-card claims Karen's
    address: hiding attacker.example removes that mention, never Karen and
    her genuine words. A rule naming an entry still hides the whole person."""
    site.article("post-1", "First light", "2011-01-01")
    site.write(
        "data/export.xml",
        wxr(
            [
                WxrPost(
                    1,
                    "post-1",
                    "First light",
                    [
                        WxrComment(
                            11,
                            "Karen Bell",
                            "2011-02-01 10:00:00",
                            content="Genuine words from Karen.",
                            url="https://karenbell.example/",
                        ),
                        WxrComment(
                            12,
                            "Tom Reader",
                            "2011-02-02 10:00:00",
                            content="Tom was here.",
                            email="tom@mail.example",
                        ),
                    ],
                )
            ]
        ),
    )
    spoofed = jf2_entry(
        201,
        "in-reply-to",
        "https://blog.example/post-1/",
        "Karen Bell",
        "https://karenbell.example/",
        content="Buy cheap pills at attacker dot example",
        source="https://attacker.example/fake-reply",
    )
    site.write("data/webmentions.json", jf2([spoofed]))
    people = PEOPLE.replace(
        "hide:\n  - url: https://spam.example/\n",
        "hide:\n  - domain: attacker.example\n  - name: Tom Reader\n",
    )
    site.write("community.yaml", people)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"},
        {"type": "webmention.io", "path": "data/webmentions.json"},
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community/community.json"
    site.build()
    post = site.page("post-1/index.html")
    assert "Genuine words from Karen." in post
    assert "cheap pills" not in post and "Tom was here" not in post
    people_json = json.loads(site.page("community/community.json"))["people"]
    [karen] = people_json
    assert (karen["name"], karen["counts"]["comment"]) == ("Karen Bell", 1)
    # A rule naming her entry hides her, pinned or not.
    site.write("community.yaml", people + "  - url: https://karenbell.example/\n")
    site.build()
    assert json.loads(site.page("community/community.json"))["people"] == []
    assert "Genuine words from Karen." not in site.page("post-1/index.html")


def _busy_years(site):
    """Three years of talk on three posts: Ann writes most of it."""
    for n in (1, 2, 3):
        site.article(f"post-{n}", f"Post {n}", f"202{n}-01-01")
    c, comments = WxrComment, {1: [], 2: [], 3: []}
    people = ["Ann Able"] * 14 + ["Bo Best", "Cy Cole", "Di Dunn", "Ed Eyre"] * 2
    for n, name in enumerate(people):
        post = 1 + n % 3
        comments[post].append(
            c(
                100 + n,
                name,
                f"202{post}-02-{1 + n:02d} 10:00:00",
                email=f"{name[:2]}@m.example",
            )
        )
    site.write(
        "data/export.xml",
        wxr([WxrPost(n, f"post-{n}", f"Post {n}", comments[n]) for n in (1, 2, 3)]),
    )
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]


def test_the_page_tells_the_story_in_one_glance(site):
    _busy_years(site)
    site.build()
    page = site.page("community/index.html")
    # Ann wrote 14 of the 22 comments, four others 2 each: 80% takes three.
    assert "3 people wrote 82% of the conversation since 2021." in page
    # The chart is drawn into the page (so it takes the theme's colours),
    # wide, and for a phone, its words as large; no file, no script.
    charts = re.findall(r'<svg viewBox="0 0 (\d+) 240".*?</svg>', page, re.S)
    assert charts == ["640", "360"]
    assert "<script" not in page and "circle.svg" not in page
    wide = page[page.index('<svg viewBox="0 0 640') :]
    wide = wide[: wide.index("</svg>")]
    assert 'role="img" aria-label="A bar chart of the people' in wide
    assert wide.count('class="community-bar-new"') == 2  # 2021 and 2022
    assert wide.count('class="community-bar-returning"') == 2  # 2022 and 2023
    assert not (site.output / "community" / "circle.svg").exists()
    key = re.findall(r'<span class="community-key-(\w+)">([^<]*)</span>', page)
    assert key == [("new", "New voices"), ("returning", "Returning")]
    assert (
        "A bar chart of the people in conversation here each year, 2021 to 2023" in page
    )
    rows = re.findall(
        r'<tr><th scope="row">(\d+)</th><td>(\d+)</td><td>(\d+)</td>', page
    )
    assert rows == [("2021", "4", "0"), ("2022", "1", "2"), ("2023", "0", "4")]


def test_the_story_can_be_left_out(site):
    _busy_years(site)
    site.settings["COMMUNITY_CONCENTRATION"] = False
    site.settings["COMMUNITY_CIRCLE_CHART"] = False
    site.build()
    page = site.page("community/index.html")
    assert "of the conversation since" not in page
    assert "<svg" not in page and 'id="over-the-years"' not in page


def test_the_page_heading_can_be_left_to_the_theme(site):
    _busy_years(site)
    site.settings["COMMUNITY_PAGE_HEADING"] = False
    site.build()
    page = site.page("community/index.html")
    assert "<h1>Community</h1>" not in page
    assert "The people who read, write back" in page


def test_a_site_override_extends_the_plugins_page(site):
    """The recipe in docs/themes.md: a template in THEME_TEMPLATES_OVERRIDES
    extends the plugin's page and changes its blocks, theme untouched."""
    _busy_years(site)
    site.write(
        "overrides/community.html",
        '{% extends "!community/community.html" %}\n'
        "{% block title %}Our circle{% endblock %}\n"
        "{% block community_heading %}{% endblock %}\n",
    )
    site.settings["THEME_TEMPLATES_OVERRIDES"] = ["overrides"]
    site.build()
    page = site.page("community/index.html")
    assert "<title>Our circle</title>" in page
    assert "<h1>Community</h1>" not in page
    assert "3 people wrote 82% of the conversation since 2021." in page
