"""Addresses are masked however they are spelled (issue 13): entities with
or without ";", percent-escapes, international domains, every IPv4 form
inet_aton reads, and avatars carrying an email's hash on any host."""

from __future__ import annotations

import pytest
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.model import Interaction, SourceResult
from pelican.plugins.community.sanitize import clean_html, mask_private

ADDRESSES = {
    # Entities without ";", decimal and hex, named, and WordPress's
    # antispambot (every letter encoded).
    "carl&#64example.com": "[email hidden]",
    "carl@example&#46;com": "[email hidden]",
    "carl&#64;example&period;com": "[email hidden]",
    "carl&commat;example.com": "[email hidden]",
    "carl&#x40example.com": "[email hidden]",
    "&#99;&#97;&#114;&#108;&#64;&#101;&#120;&#97;&#109;&#112;&#108;&#101;"
    "&#46;&#99;&#111;&#109;": "[email hidden]",
    "&#x63;arl&#x40;e&#x78;ample.com": "[email hidden]",
    "carl%40example.com": "[email hidden]",
    # International domains, typed or percent-escaped.
    "anna@müller.de": "[email hidden]",
    "ivan@почта.рф": "[email hidden]",
    "anna%40m%C3%BCller.de": "[email hidden]",
    # IPv4 as inet_aton reads it.
    "192.168.001.001": "[address hidden]",
    "0xC0.0xA8.1.1": "[address hidden]",
    "3232235777": "[address hidden]",
    "0xC0A80101": "[address hidden]",
}


@pytest.mark.parametrize("spelled", ADDRESSES)
def test_every_spelling_of_an_address_is_masked(spelled):
    assert mask_private(f"write to {spelled} today") == (
        f"write to {ADDRESSES[spelled]} today"
    )


@pytest.mark.parametrize(
    "text",
    [
        "in 2019 we had 12,000,000 visits",
        "version 1.2.3 and 16777215 bytes",
        "see you at 10:30:00 &lt;b&gt; &amp; more",
        "follow @ann@mastodon.social or @anna@müller.social",
        "a tweet https://twitter.com/x/status/3232235777",
        '<a href="https://stackoverflow.com/q/1/57304727#57304727">an answer</a>',
    ],
)
def test_what_is_no_address_stays(text):
    assert mask_private(text) == text


def test_a_masked_comment_still_renders_its_markup():
    html = clean_html("<p>Mail <b>carl&#64example.com</b> &amp; anna@müller.de</p>")
    assert "carl" not in html and "müller" not in html
    assert html.count("[email hidden]") == 2 and "<b>" in html


def _archived(tmp_path, **fields) -> str:
    item = Interaction(source="s", id="1", kind="comment", **fields)
    archive = Archive(tmp_path)
    archive.merge("s", SourceResult((item,)))
    return (tmp_path / "s.jsonl").read_text(encoding="utf-8")


def test_the_archive_keeps_no_spelling_of_an_address(tmp_path):
    text = _archived(
        tmp_path,
        author_name="ivan@почта.рф",
        content="&#99;&#97;&#114;&#108;&#64;&#101;&#120;&#97;&#109;&#112;&#108;&#101;"
        "&#46;&#99;&#111;&#109; from 192.168.001.001 (3232235777)",
        target_title="anna%40m%C3%BCller.de",
        author_url="https://reader.example/?contact=carl%40example.com",
        extra={"content_warning": "carl&#x40example.com"},
    )
    for private in ("почта", "&#64;", "192.168", "3232235777", "m%C3%BCller", "carl"):
        assert private not in text
    assert "reader.example" not in text  # the link that held one is dropped


@pytest.mark.parametrize(
    "photo",
    [
        "https://cravatar.cn/avatar/5d41402abc4b2a76b9719d911017c592?s=80",
        "https://gravatar.loli.net/avatar/5d41402abc4b2a76b9719d911017c592",
        "https://cdn.v2ex.com/gravatar/5d41402abc4b2a76b9719d911017c592.png",
        "https://avatars.example/u/"
        "4fe79f05ec72984282394a2e4ca63cb03dd8849a2dce8b268ebd580503b17942",
    ],
)
def test_an_avatar_carrying_an_email_hash_is_dropped_whatever_the_host(tmp_path, photo):
    assert "author_photo" not in _archived(tmp_path, author_photo=photo)


def test_other_avatars_and_ten_digit_ids_are_kept(tmp_path):
    photo = (
        "https://webmention.io/avatar/pbs.twimg.com/"
        "4fe79f05ec72984282394a2e4ca63cb03dd8849a2dce8b268ebd580503b17942.jpg"
    )
    item = Interaction(
        source="s",
        id="3232235777",
        parent="3232235778",
        kind="comment",
        author_photo=photo,
    )
    archive = Archive(tmp_path)
    archive.merge("s", SourceResult((item,)))
    [kept] = archive.load_source("s").values()
    assert (kept.id, kept.parent, kept.author_photo) == (
        "3232235777",
        "3232235778",
        photo,
    )
