"""Moving a blog to Pelican without keeping its URLs: real exports (WordPress,
Blogger, Disqus) find their posts by number, title and day; what still
matches nothing is one warning, and `check` names the article to paste the
``Old_urls`` line into. Hidden articles keep their conversation."""

from __future__ import annotations

import logging
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest
from builders import WxrComment, WxrPost, jf2, jf2_entry, wxr
from pelican.log import LimitFilter
from pelican.plugins.community import cli

WXR = "wpi_theme-unit-test-data.xml"
WP = "{https://wordpress.org/export/1.2/}"
OLD_HOST = "https://wpthemetestdata.wordpress.com"


def _approved_comments(path, post_id: str) -> list[str]:
    """The authors of a post's approved comments (not pings), read straight
    from the export: the count a reader of the old blog saw."""
    for item in ET.parse(path).getroot().iter("item"):
        if item.findtext(f"{WP}post_id") == post_id:
            return [
                c.findtext(f"{WP}comment_author") or ""
                for c in item.findall(f"{WP}comment")
                if c.findtext(f"{WP}comment_approved") == "1"
                and (c.findtext(f"{WP}comment_type") or "") in ("", "comment")
            ]
    raise AssertionError(f"no post {post_id}")


def _comments_on(page: str) -> int:
    return page.count('<li class="community-comment')


def _community_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.getMessage().startswith("community:")
    ]


def _check(site, capsys) -> list[str]:
    site.conf()
    capsys.readouterr()
    assert cli.main(["check", "-s", str(site.root / "pelicanconf.py")]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.fixture
def site(site, monkeypatch):
    """The test site, its theme showing the lists (Pelican's own does not);
    Pelican's log says each message once per process, here once per test."""
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())
    monkeypatch.setattr(LimitFilter, "_group_count", defaultdict(int))
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    return site


def _export(site, posts: list[WxrPost]) -> None:
    """The site's one source: a WordPress export of ``posts``."""
    site.write("data/export.xml", wxr(posts))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]


def _renamed_wordpress_site(site, real_world) -> None:
    """The theme unit test blog moved to Pelican: new slugs, new URLs, some
    titles kept, one post re-titled, three posts not moved at all."""
    shutil.copy(real_world / WXR, site.write("data/export.xml", ""))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    # Same title, same day (a different hour): found by title and day.
    site.article("comments-on-templates", "Template: Comments", "2012-01-03 20:00")
    # A page re-titled; its author listed its old ?p= address.
    site.article(
        "page-comments",
        "A page of comments",
        "2007-09-04",
        Old_urls=f"{OLD_HOST}/?p=155",
    )
    # The title alone (another case), on a day the export does not say.
    site.article("block-category", "WP 6.1 theme block category", "2024-02-02")
    # Re-titled, no old address: only `check` can tell.
    site.article("no-content-edge", "Edge case: no content at all", "2019-01-01")
    site.article("kitchen-notes", "Notes from the kitchen", "2015-05-05")


def test_renamed_posts_show_their_comments_under_the_right_articles(
    site, real_world, caplog
):
    _renamed_wordpress_site(site, real_world)
    with caplog.at_level(logging.INFO):
        site.build()
    export = real_world / WXR
    templates = site.page("comments-on-templates/index.html")
    assert _comments_on(templates) == len(_approved_comments(export, "1148")) == 19
    assert "Fred Bloggs" in templates and "Jane Bloggs" in templates
    page = site.page("page-comments/index.html")
    assert _comments_on(page) == len(_approved_comments(export, "155")) == 3
    assert "tellyworthtest2" in page
    block = site.page("block-category/index.html")
    assert _comments_on(block) == 1
    assert _comments_on(site.page("kitchen-notes/index.html")) == 0
    assert _comments_on(site.page("no-content-edge/index.html")) == 0


def test_comments_that_match_nothing_are_one_warning_with_the_next_step(
    site, real_world, caplog
):
    _renamed_wordpress_site(site, real_world)
    with caplog.at_level(logging.INFO):
        site.build()
    export = real_world / WXR
    left = sum(len(_approved_comments(export, n)) for n in ("1149", "1168", "1170"))
    assert left == 3
    assert _community_warnings(caplog) == [
        "community: no article matches 3 comments on 3 old posts, so no page "
        "shows them (they still count for their person). Next step: "
        "`pelican-community check` names the article each old post most likely "
        "is, with the Old_urls line to paste into it"
    ]


def test_check_names_the_article_and_the_old_urls_line_to_paste(
    site, real_world, capsys, caplog
):
    _renamed_wordpress_site(site, real_world)
    lines = _check(site, capsys)
    start = lines.index(
        "3 interactions at 3 addresses match no post (they still count for "
        "their person)."
    )
    assert lines[start + 1 :] == [
        "Each looks like an article: paste the 'Old_urls:' line into the "
        "metadata of the file named above it (replacing any Old_urls it has):",
        '  content/no-content-edge.md  # "Edge case: no content at all": the old '
        'post "Edge Case: No Content", 1 comment',
        f"    Old_urls: {OLD_HOST}/2009/08/06/edge-case-no-content/",
        "No article is close to these (import the old post as an article, or "
        "ignore it):",
        f"      1  {OLD_HOST}/2012/01/01/template-pingbacks-an-trackbacks/  "
        '"Template: Pingbacks And Trackbacks"',
        f"      1  {OLD_HOST}/2012/01/04/template-password-protected/  "
        '"Template: Password Protected (the password is \\"enter\\")"',
    ]
    assert len(lines) <= 120
    # Pasted as told, the line brings the comment home and the warning
    # counts one fewer.
    source = site.content / "no-content-edge.md"
    head, body = source.read_text(encoding="utf-8").split("\n\n", 1)
    source.write_text(f"{head}\n{lines[start + 3].strip()}\n\n{body}", "utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        site.build()
    assert _comments_on(site.page("no-content-edge/index.html")) == 1
    [warning] = _community_warnings(caplog)
    assert "matches 2 comments on 2 old posts" in warning


def test_an_old_blogs_comment_links_to_its_anchor_here_not_to_the_dead_blog(
    site, real_world
):
    _renamed_wordpress_site(site, real_world)
    site.build()
    page = site.page("comments-on-templates/index.html")
    assert 'class="community-source"' not in page
    assert (
        "wpthemetestdata.wordpress.com/2012/01/03/template-comments/#comment"
        not in (page)
    )
    assert page.count('class="community-permalink" href="#c-') == 19


def test_a_wordpress_duplicate_slug_finds_the_post_without_its_suffix(site):
    """WordPress names a second post of a taken slug ``my-post-2``: the
    author's Pelican post is ``my-post``."""
    site.article("winter-letters", "Letters, in winter", "2015-01-01")
    comment = WxrComment(3, "Ada Finch", "2015-01-03 10:00:00", content="Again!")
    _export(site, [WxrPost(7, "winter-letters-2", "Winter Letters (again)", [comment])])
    site.build()
    assert "Again!" in site.page("winter-letters/index.html")


def test_one_title_on_many_old_posts_is_not_one_article(site, caplog):
    """Fifty "Weekly links" in an export are not the one such article the
    author moved: none of them is matched by the title alone."""
    site.article("links-one", "Weekly links", "2016-01-01")
    posts = [
        WxrPost(
            10 + n,
            f"weekly-links-{n}",
            "Weekly links",
            [WxrComment(n, f"Reader {n}", "2016-06-01 10:00:00", content=f"Link {n}")],
            link=f"https://old.example/?p={10 + n}",
        )
        for n in range(3)
    ]
    _export(site, posts)
    with caplog.at_level(logging.WARNING):
        site.build()
    assert _comments_on(site.page("links-one/index.html")) == 0
    [warning] = _community_warnings(caplog)
    assert warning.startswith("community: none of the 3 interactions matched")


def test_a_blogger_post_moved_under_a_new_slug_keeps_its_comment(site, real_world):
    shutil.copy(
        real_world / "pelican_bloggerexport.xml", site.write("data/blogger.xml", "")
    )
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "blogger", "path": "data/blogger.xml"}
    ]
    site.article("windpipe", "The Steel Windpipe", "2010-11-27 17:00")
    site.build()
    page = site.page("windpipe/index.html")
    assert _comments_on(page) == 1
    # The comment's page on the old blogspot blog is not linked as "original".
    assert "youngdoctornotes.blogspot.com" not in page


def test_disqus_threads_of_one_post_under_two_addresses_find_it_by_title(
    site, real_world
):
    """remark42's real export: one episode's thread under the old and the
    new host, titled "Радио-Т: <post title>"."""
    shutil.copy(real_world / "remark42_disqus.xml", site.write("data/disqus.xml", ""))
    site.settings["COMMUNITY_SOURCES"] = [{"type": "disqus", "path": "data/disqus.xml"}]
    site.article("episode-229", "Радио-Т 229", "2011-03-05")
    site.build()
    page = site.page("episode-229/index.html")
    # Both threads' comments, neither the spam nor the post broken in the file.
    names = ("Alexander Blah", "mikhail", "No Username", "Blah Noname")
    assert all(name in page for name in names)
    assert _comments_on(page) == len(names)
    assert "Spam Noname" not in page


def test_a_hidden_article_shows_its_conversation_and_thanks(site):
    site.article("public-one", "Public", "2015-01-01")
    site.article("quiet-one", "Quiet", "2015-02-01", Status="hidden")
    comment = WxrComment(1, "Hana Ito", "2015-02-02 09:00:00", content="So quiet.")
    _export(site, [WxrPost(5, "quiet-one", "Quiet", [comment])])
    site.build()
    page = site.page("quiet-one/index.html")
    assert "So quiet." in page
    assert "community-thanks" in page and "Hana Ito" in page
    # Hidden stays hidden: the community page does not link to it.
    assert "quiet-one/" not in site.page("community/index.html")


# -- a real blog that moved: CC Labs (WordPress, 2007-2014) --------------------

CC_LABS = "cc-labs/wordpress.xml"
CC_WP = "{http://wordpress.org/export/1.2/}"


def _cc_labs_posts(real_world) -> list[dict]:
    """Each post with approved comments, read straight from the export: its
    title, local date, number, old link, and its comments' authors' user
    ids (pings left out)."""
    root = ET.parse(real_world / CC_LABS).getroot()
    posts = []
    for item in root.iter("item"):
        users = [
            c.findtext(f"{CC_WP}comment_user_id") or "0"
            for c in item.findall(f"{CC_WP}comment")
            if c.findtext(f"{CC_WP}comment_approved") == "1"
            and not c.findtext(f"{CC_WP}comment_type")
        ]
        if users:
            posts.append(
                {
                    "id": item.findtext(f"{CC_WP}post_id"),
                    "title": item.findtext("title"),
                    "date": item.findtext(f"{CC_WP}post_date"),
                    "link": item.findtext("link"),
                    "users": users,
                }
            )
    return posts


def _cc_labs_site(site, real_world, leave_out: int = 0) -> list[dict]:
    """The blog moved to Pelican as a migration tool writes it: the same
    titles and (local) dates, new slugs, a new address; the last
    ``leave_out`` posts not moved."""
    shutil.copy(real_world / CC_LABS, site.write("data/wordpress.xml", ""))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/wordpress.xml"}
    ]
    posts = _cc_labs_posts(real_world)
    moved = posts[: len(posts) - leave_out]
    for number, post in enumerate(moved):
        site.article(f"entry-{number}", post["title"], post["date"])
    return posts


def test_a_real_blog_moved_without_its_urls_keeps_every_comment_on_its_post(
    site, real_world, caplog
):
    posts = _cc_labs_site(site, real_world)
    assert len(posts) == 53 and sum(len(p["users"]) for p in posts) == 119
    with caplog.at_level(logging.INFO):
        site.build()
    for number, post in enumerate(posts):
        page = site.page(f"entry-{number}/index.html")
        assert _comments_on(page) == len(post["users"]), post["title"]
        # The old blog is gone: no comment links back to it.
        assert 'class="community-source" href="http://labs.creativecommons.org' not in (
            page
        )
    assert _community_warnings(caplog) == []


def test_a_real_blogs_posts_left_behind_are_one_warning_and_a_short_check(
    site, real_world, caplog, capsys
):
    posts = _cc_labs_site(site, real_world, leave_out=3)
    authors = {
        a.findtext(f"{CC_WP}author_id")
        for a in ET.parse(real_world / CC_LABS).getroot().iter(f"{CC_WP}author")
    }
    left = posts[-3:]
    readers = sum(1 for p in left for user in p["users"] if user not in authors)
    with caplog.at_level(logging.INFO):
        site.build()
    [warning] = _community_warnings(caplog)
    assert warning.startswith(
        f"community: no article matches {readers} comments on 3 old posts,"
    )
    lines = _check(site, capsys)
    assert len(lines) <= 120
    text = "\n".join(lines)
    for post in left:
        assert post["link"].rstrip("/") in text


def test_check_writes_the_line_as_a_rest_article_reads_it(site, capsys):
    (site.content / "winter.rst").write_text(
        "Winter letters, again\n#####################\n\n:date: 2015-01-01\n"
        ":slug: winter\n:old_urls: https://old.example/2012/winter/\n\nWords.\n",
        encoding="utf-8",
    )
    comment = WxrComment(3, "Ada Finch", "2015-01-03 10:00:00")
    _export(site, [WxrPost(7, "letters", "Winter Letters", [comment])])
    lines = _check(site, capsys)
    at = lines.index(
        '  content/winter.rst  # "Winter letters, again": the old post '
        '"Winter Letters", 1 comment'
    )
    assert lines[at + 1] == (
        "    :old_urls: https://old.example/2012/winter/ "
        "https://old.example/2013/03/04/letters/"
    )


def test_likes_of_pages_that_are_not_articles_are_no_warning(site, caplog):
    """A like of the home page is no lost comment: INFO, not a warning."""
    site.article("post-one", "One", "2024-04-01")
    likes = [
        jf2_entry(1, "like-of", "https://blog.example/", "Ana", "https://ana.example/"),
        jf2_entry(
            2, "like-of", "https://blog.example/post-one/", "Bo", "https://bo.example/"
        ),
    ]
    site.write("data/webmentions.json", jf2(likes))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "webmention.io", "path": "data/webmentions.json"}
    ]
    with caplog.at_level(logging.INFO):
        site.build()
    assert _community_warnings(caplog) == []
    assert any(
        r.getMessage().startswith("community: 1 interaction matched no post")
        for r in caplog.records
        if r.levelno == logging.INFO
    )
