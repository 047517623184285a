"""The WordPress (WXR) reader: what an author's old comments become."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources.wordpress import read_wxr


def _by_id(result):
    return {item.id: item for item in result.interactions}


def _people(result) -> int:
    """Distinct commenters: one per email key (an email under one signed
    name), plus one per name without it."""
    keys = {i.author_key for i in result.interactions if i.author_key}
    keyless = {i.author_name for i in result.interactions if not i.author_key}
    return len(keys) + len(keyless)


# -- a small export written for these tests ---------------------------------


@pytest.fixture
def small(fixtures: Path):
    return read_wxr(fixtures / "wxr-small.xml", "wp")


def test_keeps_approved_comments_of_posts_pages_and_drafts(small):
    assert sorted(_by_id(small)) == [
        "2-12",
        "41-12",
        "41-13",
        "41-14",
        "41-15",
        "41-16",
        "42-8",
    ]
    assert {i.kind for i in small.interactions} == {"comment"}
    assert {i.source for i in small.interactions} == {"wp"}


def test_counts_what_it_left_out_by_reason(small):
    assert small.skipped == {
        "not-a-post": 1,
        "note": 1,
        "pending": 1,
        "pingback": 1,
        "spam": 1,
        "trackback": 1,
        "trash": 2,
    }


def test_reports_pending_spam_and_trash_as_removed(small):
    assert small.removed == {"41-17", "41-18", "41-19", "41-20"}


def test_post_facts_travel_with_each_comment(small):
    comment = _by_id(small)["41-12"]
    assert comment.target_url == "https://marginalia.example/2013/03/on-rereading/"
    assert comment.target_slug == "on-rereading"
    assert comment.target_title == "On Rereading & Forgetting"
    assert comment.content == "I keep a list of books I've read twice."
    assert comment.published == "2013-03-04T15:00:00+00:00"
    draft = _by_id(small)["42-8"]
    assert draft.target_slug == "unfinished-thoughts"


def test_names_are_trimmed_and_entities_decoded_once(small):
    comments = _by_id(small)
    assert comments["41-12"].author_name == "Otto Brandt"
    assert comments["41-14"].author_name == "Bob &amp; Co"


def test_same_email_gives_one_opaque_key_named_after_the_first_comment(small):
    comments = _by_id(small)
    otto = {comments[i].author_key for i in ("41-12", "42-8")}
    assert otto == {"wp:email:42-8"}
    # The same email signed "Otto B.": another key, so the archive links
    # no comments their writer did not link in public.
    assert comments["41-16"].author_key == "wp:email:41-16"
    assert comments["41-14"].author_key != comments["41-15"].author_key
    assert comments["2-12"].author_key == ""
    assert _people(small) == 6


def test_bob_and_bob_with_different_emails_stay_two_people(small):
    comments = _by_id(small)
    bobs = {comments["41-14"].author_key, comments["41-15"].author_key}
    assert bobs == {"wp:email:41-14", "wp:email:41-15"}


def test_no_email_or_ip_address_is_kept(small):
    text = repr(small)
    for secret in (
        "postbox.example",
        "first-address.example",
        "wren.author",
        "203.0.113.77",
        "198.51.100.4",
    ):
        assert secret not in text


def test_replies_point_at_their_parent_even_when_it_is_gone(small):
    comments = _by_id(small)
    assert comments["41-13"].parent == "41-12"
    assert comments["41-14"].parent == "41-9"
    assert comments["41-12"].parent == ""


def test_the_blog_author_is_recognised(small):
    comments = _by_id(small)
    assert comments["41-13"].author_is_me is True
    assert [i.id for i in small.interactions if i.author_is_me] == ["41-13"]


def test_missing_gmt_date_falls_back_to_local_date(small):
    assert _by_id(small)["41-13"].published == "2013-03-04T11:30:00+00:00"


def test_only_http_links_survive(small):
    comments = _by_id(small)
    assert comments["41-12"].author_url == "https://ottobrandt.example/"
    assert comments["41-14"].author_url == ""  # javascript:
    assert comments["41-15"].author_url == ""  # an email hash host


@pytest.mark.parametrize(
    "namespace",
    [
        "http://wordpress.org/export/1.0/",
        "http://wordpress.org/export/1.1/",
        "http://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.2/",
    ],
)
def test_every_wxr_version_reads_the_same(fixtures, tmp_path, small, namespace):
    text = (fixtures / "wxr-small.xml").read_text(encoding="utf-8")
    export = tmp_path / "export.xml"
    export.write_text(
        text.replace("https://wordpress.org/export/1.2/", namespace), encoding="utf-8"
    )
    assert read_wxr(export, "wp") == small


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("<rss><channel><item><title>cut off", "truncated"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>',
            "refused",
        ),
    ],
)
def test_a_broken_export_names_the_file(tmp_path, content, message):
    export = tmp_path / "broken-export.xml"
    export.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as caught:
        read_wxr(export, "wp")
    assert "broken-export.xml" in str(caught.value)


# -- real-world exports ------------------------------------------------------
# Expected numbers were counted by hand from the raw files (grep of
# comment_approved / comment_type / emails per item), not from this reader.


def test_wordpress_theme_unit_test_data(real_world):
    result = read_wxr(real_world / "wpi_theme-unit-test-data.xml", "wpi")
    # 33 comments: 30 approved (4 of them pings), 3 pending.
    assert len(result.interactions) == 26
    assert result.skipped == {"pending": 3, "pingback": 2, "trackback": 2}
    assert result.removed == {"155-1017", "703-1016", "1148-1015"}
    names = {i.author_name for i in result.interactions}
    assert len(names) == 13
    assert "John Γιάννης Doe Κάποιος" in names
    # 5 email addresses among kept comments, none kept itself; one of them
    # signed with 9 names, so 13 keys.
    assert _people(result) == 13
    assert Counter(i.target_slug for i in result.interactions) == {
        "template-comments": 19,
        "page-with-comments": 3,
        "theme-block-category": 1,
        "template-pingbacks-an-trackbacks": 1,
        "template-password-protected": 1,
        "edge-case-no-content": 1,
    }
    text = repr(result)
    for secret in (
        "example@example.org",
        "themeshaperwp+demos@gmail.com",
        "tellyworth+test2@example.com",
        "themereviewteam@gmail.com",
        "example.com",
    ):
        assert secret not in text


def test_wordpress_theme_unit_test_shared_email_is_one_key_per_signed_name(
    real_world,
):
    """One email behind 18 comments signed with 9 names: one key per name,
    so no one reading the archive can link the names."""
    result = read_wxr(real_world / "wpi_theme-unit-test-data.xml", "wpi")
    jane = {i.author_key for i in result.interactions if i.author_name == "Jane Doe"}
    assert jane == {"wpi:email:1148-900"}
    keyed = [i for i in result.interactions if i.author_name in NINE_NAMES]
    assert len(keyed) == 18
    assert len({i.author_key for i in keyed}) == 9


NINE_NAMES = {
    "John Γιάννης Doe Κάποιος",
    "Jane Doe",
    "John Γιανης Doe Κάποιος",
    "John Κώστας Doe Τάδε",
    "Jane Bloggs",
    "Fred Bloggs",
    "Joe Bloggs",
    "John Μαρία Doe Ντουε",
    "John Doe",
}


def test_wordpress_theme_unit_test_reply_chain(real_world):
    comments = _by_id(read_wxr(real_world / "wpi_theme-unit-test-data.xml", "wpi"))
    chain, current = [], "1148-915"
    while current:
        chain.append(current)
        current = comments[current].parent
    assert len(chain) == 10
    assert chain[-1] == "1148-904"
    # The site's author: the export's own author email (no author ids here).
    assert {i.author_name for i in comments.values() if i.author_is_me} == {
        "themedemos"
    }


def test_pelican_wordpress_export(real_world):
    result = read_wxr(real_world / "pelican_wordpressexport.xml", "pel")
    comments = _by_id(result)
    assert sorted(comments) == ["422-116", "422-117", "422-122"]
    assert result.skipped == {"pingback": 1}  # the trashed pingback
    assert result.removed == frozenset()
    # "Bob" and "bob" are kept as written; this file gives both one email,
    # so they share a key (the identity stage decides what that means).
    assert comments["422-117"].author_name == "Bob"
    assert comments["422-122"].author_name == "bob"
    assert comments["422-117"].author_key == comments["422-122"].author_key
    assert _people(result) == 2
    # Reply to comment 121, which the export does not contain: kept.
    assert comments["422-122"].parent == "422-121"
    assert comments["422-117"].parent == "422-116"
    # comment_user_id 3 is one of the export's wp:author ids.
    assert comments["422-117"].author_is_me
    assert not comments["422-116"].author_is_me
    assert comments["422-116"].target_slug == "with-comments"
    text = repr(result)
    for secret in ("bob@thisisa.test", "User2@mail.test", "127.0.0.1", "akismet"):
        assert secret not in text


def test_isso_wordpress_export(real_world):
    result = read_wxr(real_world / "isso_wordpress.xml", "isso")
    comments = _by_id(result)
    # WXR 1.0; comment 11 exists on two posts and yields two records.
    assert sorted(comments) == [
        "18-10",
        "18-11",
        "18-2",
        "18-6",
        "18-7",
        "18-8",
        "18-9",
        "4-11",
    ]
    assert comments["18-11"].content == "..."
    assert comments["4-11"].author_name == "Anonymous"
    assert comments["4-11"].target_url == "http://example.tld/?p=4"
    assert result.skipped == {}
    # Emails end in a newline in this file; still one key per address (and
    # signed name); "Anonymous" gets none.
    assert _people(result) == 5
    assert (
        comments["18-9"].author_key == comments["18-6"].author_key == "isso:email:18-6"
    )
    assert comments["4-11"].author_key == ""
    assert comments["18-8"].parent == "18-7"
    assert comments["18-7"].published == "2014-04-29T15:21:35+00:00"
    assert comments["18-10"].published == "2022-06-06T02:13:14+00:00"
    text = repr(result)
    for secret in ("info@posativ.org", "test@example.org", "86.56.63.0", "82.119"):
        assert secret not in text


def test_a_large_export_reads_every_comment(tmp_path):
    comment = (
        "<wp:comment><wp:comment_id>{n}</wp:comment_id>"
        "<wp:comment_author>Reader {r}</wp:comment_author>"
        "<wp:comment_author_email>reader{r}@mail.example</wp:comment_author_email>"
        "<wp:comment_date_gmt>2014-01-01 10:00:00</wp:comment_date_gmt>"
        "<wp:comment_content>Thanks for this.</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
    )
    items = "".join(
        f"<item><link>https://b.example/{p}/</link><wp:post_id>{p}</wp:post_id>"
        + "".join(comment.format(n=p * 100 + c, r=c % 50) for c in range(100))
        + "</item>"
        for p in range(100)
    )
    export = tmp_path / "big.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    result = read_wxr(export, "wp")
    assert len(result.interactions) == 10_000
    assert _people(result) == 50
