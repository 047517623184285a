"""Shown as signed (issue 25): a comment signed with a name alone is shown with
that name and no link, whatever identity it merged with (a pinned friend's
link is not attached to it)."""

from __future__ import annotations

import re

import pytest
from builders import WxrComment, WxrPost, wxr

PEOPLE = """\
friends:
  - name: Karen Bell
    aliases: [K. Bell]
    urls: [https://karenbell.example]
"""


def _conversation(page: str) -> str:
    return page[page.index("community-conversation") :]


@pytest.mark.parametrize("signed", ["Karen Bell", "K. Bell", "karen bell"])
def test_a_name_only_comment_is_shown_without_the_friends_link(site, signed):
    site.article("post-1", "One", "2024-01-01")
    comments = [
        WxrComment(1, signed, "2024-02-01 10:00:00", content="Name only."),
        WxrComment(
            2,
            "Karen Bell",
            "2024-02-02 10:00:00",
            url="https://karenbell.example/",
            content="With her link.",
        ),
    ]
    site.write("data/export.xml", wxr([WxrPost(1, "post-1", "One", comments)]))
    site.write("community.yaml", PEOPLE)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.build()
    page = _conversation(site.page("post-1/index.html"))
    first = page[: page.index("Name only.")]
    first = first[first.rindex("<article") if "<article" in first else 0 :]
    assert signed in first
    assert "karenbell.example" not in first
    # The comment that carried the link keeps it.
    second = page[page.index("Name only.") : page.index("With her link.")]
    assert re.search(r'href="https://karenbell\.example/?"', second)
