"""Placeholder addresses and engines' sample comments identify no one, in every reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import WxrComment, WxrPost, wxr
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.names import is_placeholder_email
from pelican.plugins.community.people.identity import merge_identities
from pelican.plugins.community.people.people_file import PeopleFile
from pelican.plugins.community.sources.pelican_comment_system import (
    read_pelican_comment_system,
)
from pelican.plugins.community.sources.wordpress import read_wxr


def _people(items) -> list[list[str]]:
    return sorted(
        sorted(item.author_name for item in identity.items)
        for identity in merge_identities(list(items), PeopleFile())
        if identity.items
    )


@pytest.mark.parametrize(
    "email",
    [
        "noreply@blogger.com",
        "NoReply@Blogger.com",
        "no-reply@medium.com",
        "do-not-reply@example.org",
        "donotreply@substack.com",
        "12345+jerry@users.noreply.github.com",
        "notifications@disqus.net",
        "",
    ],
)
def test_placeholder_addresses(email):
    assert is_placeholder_email(email)


@pytest.mark.parametrize("email", ["jerry@example.org", "noreplyfan@mail.example"])
def test_real_addresses_are_not_placeholders(email):
    assert not is_placeholder_email(email)


def _blogger_converted(folder: Path) -> Path:
    """pelican-comment-system files as Blogger converters write them: every
    commenter's address is Blogger's no-reply sender."""
    for slug, number, name in [
        ("first-post", 0, "Jerry"),
        ("second-post", 0, "Anna"),
        ("third-post", 0, "Jerry"),
        ("fourth-post", 0, "Jerry"),
    ]:
        path = folder / slug / f"{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"author: {name}\nemail: noreply@blogger.com\n"
            f"date: 2012-03-0{number + 1}T10:00\n\nThanks for writing this.\n",
            encoding="utf-8",
        )
    return folder


def test_blogger_converted_comment_files_do_not_merge_through_noreply(tmp_path):
    result = read_pelican_comment_system(_blogger_converted(tmp_path / "c"), "pcs")
    assert not any(item.author_key for item in result.interactions)
    # Three first names "Jerry" on three posts are not made one regular
    # through Blogger's address: each is a name only, as signed.
    assert _people(result.interactions) == [["Anna"], ["Jerry"], ["Jerry"], ["Jerry"]]


def _export(tmp_path: Path) -> Path:
    export = tmp_path / "export.xml"
    export.write_text(
        wxr(
            [
                WxrPost(
                    1,
                    "hello-world",
                    "Hello world!",
                    [
                        WxrComment(
                            1,
                            "Mr WordPress",
                            "2013-03-04 15:00:00",
                            "Hi, this is a comment.",
                            url="https://wordpress.org/",
                        ),
                        WxrComment(
                            2,
                            "A WordPress Commenter",
                            "2013-03-04 15:00:00",
                            "Hi, this is a comment. Commenter avatars come from Gravatar.",
                            email="wapuu@wordpress.example",
                            url="https://wordpress.org/",
                        ),
                        WxrComment(
                            3, "Jo", "2013-03-05 15:00:00", email="noreply@x.com"
                        ),
                        WxrComment(
                            4, "Sam", "2013-03-06 15:00:00", email="noreply@x.com"
                        ),
                    ],
                )
            ]
        ),
        encoding="utf-8",
    )
    return export


def test_wordpress_noreply_addresses_identify_no_one(tmp_path):
    result = read_wxr(_export(tmp_path), "wp")
    people = {item.author_name: item.author_key for item in result.interactions}
    assert people["Jo"] == people["Sam"] == ""


def test_sample_comments_are_nobody_and_never_archived(tmp_path):
    result = read_wxr(_export(tmp_path), "wp")
    assert _people(result.interactions) == [["Jo"], ["Sam"]]
    archive = Archive(tmp_path / "archive")
    archive.merge("wp", result)
    assert sorted(item.author_name for item in archive.load()) == ["Jo", "Sam"]
