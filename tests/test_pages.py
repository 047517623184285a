"""Comments on a Pelican page (an "About", a "Feedback"), not an article:
the page shows its conversation as an article does (docs/themes.md)."""

from __future__ import annotations

import json

from builders import WxrComment, WxrPost, wxr
from test_real_world_blogger import _shown

COMMENT = WxrComment(1, "Hana Ito", "2015-02-02 09:00:00", content="Lovely about page.")


def _site_with_a_page(site, status: str = "published"):
    site.write(
        "content/pages/about.md",
        f"Title: About\nSlug: about\nStatus: {status}\n\nWho I am.\n",
    )
    site.article("first-post", "First post", "2015-01-01")
    site.write("data/export.xml", wxr([WxrPost(5, "about", "About", [COMMENT])]))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    return site


def test_a_page_shows_its_conversation_and_thanks(site):
    _site_with_a_page(site).build()
    page = site.page("pages/about.html")
    assert [c["name"].strip() for c in _shown(page)] == ["Hana Ito"]
    assert "Lovely about page." in page and "community-thanks" in page
    report = json.loads(site.page("community.json"))
    assert report["unmatched"] == 0
    assert [p["slug"] for p in report["posts"]] == ["about"]
    # Her card on the community page leads to the page she talked on.
    assert 'href="https://blog.example/pages/about.html"' in site.page(
        "community/index.html"
    )


def test_the_page_keeps_its_conversation_out_of_feeds_and_its_content(site):
    site.settings["FEED_ALL_ATOM"] = "feeds/all.atom.xml"
    _site_with_a_page(site).build()
    assert "Lovely about page." in site.page("pages/about.html")
    assert "Lovely about page." not in site.page("feeds/all.atom.xml")
    assert "Lovely about page." not in site.page("index.html")


def test_a_hidden_page_keeps_its_conversation_but_is_not_linked(site):
    _site_with_a_page(site, status="hidden").build()
    assert "Lovely about page." in site.page("pages/about.html")
    assert "pages/about.html" not in site.page("community/index.html")


def test_a_draft_page_shows_nothing_and_its_comments_are_unmatched(site):
    _site_with_a_page(site, status="draft")
    # Pelican logs a message once per process: one of this test's own
    # (two comments), not test_site_build's "none of the 1 interaction".
    second = WxrComment(2, "Ola Berg", "2015-02-03 09:00:00", content="Hi.")
    site.write(
        "data/export.xml", wxr([WxrPost(5, "about", "About", [COMMENT, second])])
    )
    site.build()
    assert json.loads(site.page("community.json"))["unmatched"] == 2
    assert "Lovely about page." not in site.page("drafts/pages/about.html")


def test_a_page_sharing_an_articles_slug_leaves_the_conversation_to_the_article(
    site,
):
    site.article("about", "About this blog", "2015-01-03")
    _site_with_a_page(site).build()
    assert "Lovely about page." in site.page("about/index.html")
    assert "Lovely about page." not in site.page("pages/about.html")
