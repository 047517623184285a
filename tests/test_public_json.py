"""The published community JSON speaks to visitors: no reasons, no notes."""

from __future__ import annotations

import json

from builders import WxrComment, WxrPost, wxr
from test_cli import run
from test_site_build import PEOPLE


def _site_with_a_pinned_friend_the_author_answers(site):
    titles = ["First light", "Second draft", "Third act", "Fourth wall"]
    for n, title in enumerate(titles, 1):
        site.article(f"post-{n}", title, f"201{n}-01-01")
    posts = []
    for n, title in enumerate(titles, 1):
        karen, priya = n * 10 + 1, n * 10 + 2
        comments = [
            WxrComment(
                karen,
                "Karen Bell",
                f"201{n}-02-01 10:00:00",
                url="https://karenbell.example",
            ),
            WxrComment(
                karen + 2,
                "Jane Author",
                f"201{n}-02-02 10:00:00",
                url="https://blog.example",
                parent=karen,
            ),
            WxrComment(priya, "Priya Nair", f"201{n}-02-03 10:00:00"),
            WxrComment(
                priya + 2,
                "Jane Author",
                f"201{n}-02-04 10:00:00",
                url="https://blog.example",
                parent=priya,
            ),
        ]
        posts.append(WxrPost(n, f"post-{n}", title, comments))
    site.write("data/export.xml", wxr(posts))
    site.write("community.yaml", PEOPLE)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community/community.json"


def test_the_published_json_carries_no_reason_and_no_note(site):
    _site_with_a_pinned_friend_the_author_answers(site)
    site.build()
    text = site.page("community/community.json")
    published = json.loads(text)
    people = {p["name"]: p for p in published["people"]}
    assert people["Karen Bell"]["role"] == "friend"
    assert people["Karen Bell"]["pinned"] is True
    assert "Priya Nair" in people
    for person in published["people"]:
        assert "reasons" not in person and "note" not in person, person
    for author_only in (
        "Critique partner since 2011",
        "you replied",
        "community.yaml",
        '"reasons"',
        '"note"',
    ):
        assert author_only not in text, author_only

    # The author's own report still says why.
    result = run(site, "report", "--json")
    assert result.returncode == 0, result.stderr
    report = {p["name"]: p for p in json.loads(result.stdout)["people"]}
    assert "pinned in community.yaml" in report["Karen Bell"]["reasons"]
    assert report["Karen Bell"]["note"] == "Critique partner since 2011"
    assert "you replied to them 4 times" in report["Priya Nair"]["reasons"]


def test_people_who_share_a_shown_name_are_told_apart_in_the_json(site):
    """Two strangers signed "Sam Lee" (two sites): the JSON, like the page,
    says which is which (``aka``); a name no one else has carries none."""
    site.article("post-1", "First light", "2013-01-01")
    comments = [
        WxrComment(1, "Sam Lee", "2013-02-01 10:00:00", url="https://samlee.example"),
        WxrComment(2, "Sam Lee", "2013-02-02 10:00:00", url="https://lee.example"),
        WxrComment(3, "Priya Nair", "2013-02-03 10:00:00"),
    ]
    site.write("data/export.xml", wxr([WxrPost(1, "post-1", "First light", comments)]))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.build()
    people = json.loads(site.page("community.json"))["people"]
    sams = sorted((p["url"], p["aka"]) for p in people if p["name"] == "Sam Lee")
    assert sams == [
        ("https://lee.example", "lee.example"),
        ("https://samlee.example", "samlee.example"),
    ]
    [priya] = [p for p in people if p["name"] == "Priya Nair"]
    assert "aka" not in priya
    # The author's report carries the same.
    report = json.loads(run(site, "report", "--json").stdout)["people"]
    assert sorted(p["aka"] for p in report if p["name"] == "Sam Lee") == [
        "lee.example",
        "samlee.example",
    ]
