"""The author's badge needs evidence (issue 25): a comment signed with the
author's name and nothing else still counts as the author answering (the
desk) and is never community, but is not styled as the author on the public
pages; the source's own author flag, the author's site or account is."""

from __future__ import annotations

import re

from builders import WxrComment, WxrPost, wxr
from test_desk import run, section

NOW = "2024-03-01"


def _blog(site, *replies: WxrComment) -> None:
    site.settings["AUTHOR"] = "Nic Chan"
    site.article("post-1", "One", "2024-01-01")
    comments = [
        WxrComment(
            1,
            "Cora Reader",
            "2024-02-01 10:00:00",
            url="https://cora.example/",
            content="A question for you.",
        ),
        *replies,
    ]
    site.write(
        "data/export.xml",
        wxr([WxrPost(1, "post-1", "One", comments)], authors={7: "nic"}),
    )
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True


def _comment(page: str, words: str) -> str:
    """The opening of the comment holding ``words``: its <li> and meta line."""
    before = page[: page.index(words)]
    return before[before.rindex('<li class="community-comment') :]


def _waiting(site) -> str:
    """The desk's "Waiting for you" section."""
    return section(run(site, "desk", "--now", NOW).stdout, "Waiting for you")


def test_a_name_only_reply_under_the_authors_name_has_no_badge(site):
    _blog(
        site,
        WxrComment(2, "Nic Chan", "2024-02-02 10:00:00", content="Thanks!", parent=1),
    )
    site.build()
    page = site.page("post-1/index.html")
    reply = _comment(page, "Thanks!")
    assert "Nic Chan" in reply
    assert "community-by-author" not in reply
    assert "community-badge" not in reply
    # Still never community: the author is not thanked or listed.
    assert "Nic Chan" not in site.page("community/index.html")
    # And it is her answer: Cora is not waiting on the desk.
    assert "Cora Reader" not in _waiting(site)


def test_the_sources_own_author_flag_earns_the_badge(site):
    _blog(
        site,
        WxrComment(
            2, "Nic Chan", "2024-02-02 10:00:00", content="Thanks!", parent=1, user_id=7
        ),
    )
    site.build()
    reply = _comment(site.page("post-1/index.html"), "Thanks!")
    assert "community-by-author" in reply
    assert re.search(r'class="community-badge">author<', reply)
    assert "Cora Reader" not in _waiting(site)


def test_the_authors_own_site_earns_the_badge(site):
    _blog(
        site,
        WxrComment(
            2,
            "Nic",
            "2024-02-02 10:00:00",
            url="https://blog.example/about/",
            content="Thanks!",
            parent=1,
        ),
    )
    site.build()
    reply = _comment(site.page("post-1/index.html"), "Thanks!")
    assert "community-badge" in reply


def test_a_typed_name_does_not_borrow_the_badge_beside_a_proven_reply(site):
    """Two replies under the author's name: the one from her logged-in
    account has the badge, the name-only one (anyone could type it) not."""
    _blog(
        site,
        WxrComment(
            2, "Nic Chan", "2024-02-02 10:00:00", content="Proven.", parent=1, user_id=7
        ),
        WxrComment(3, "Nic Chan", "2024-02-03 10:00:00", content="Typed.", parent=1),
    )
    site.build()
    page = site.page("post-1/index.html")
    assert "community-badge" in _comment(page, "Proven.")
    assert "community-badge" not in _comment(page, "Typed.")
