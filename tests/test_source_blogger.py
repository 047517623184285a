"""The Blogger reader: classic Atom exports and Google Takeout's feed.atom."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources import SOURCE_TYPES
from pelican.plugins.community.sources.blogger import read_blogger

EMAIL = re.compile(rb"[\w.+\-]+@[\w\-]+\.[\w.\-]+")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FILE = FIXTURES / "blogger-takeout.xml"


def _by_id(result):
    return {item.id: item for item in result.interactions}


def _assert_private(result, raw: bytes) -> None:
    secrets = {m.decode() for m in EMAIL.findall(raw)}
    assert secrets
    text = repr(result).lower()
    for secret in secrets:
        assert secret.lower() not in text, secret


def test_registered_as_a_path_source():
    source_type = SOURCE_TYPES["blogger"]
    assert source_type.read_file is read_blogger
    assert source_type.location_keys == ("path",)


# -- Pelican's test export: one comment, an undeclared namespace prefix -------


@pytest.fixture
def pelican_export(real_world: Path):
    return read_blogger(real_world / "pelican_bloggerexport.xml", "blogger")


def test_pelican_export_counts(pelican_export):
    # By eye: 64 <entry>s, one with the kind#comment category (the rest are
    # the template, 58 settings, 2 posts and 2 pages).
    assert list(_by_id(pelican_export)) == ["5590533389087749201"]
    assert pelican_export.removed == frozenset()
    assert pelican_export.skipped == {}
    # one commenter (the posts' author, another profile, wrote no comment)
    assert {i.author_url for i in pelican_export.interactions} == {
        "https://www.blogger.com/profile/0617349827"
    }


def test_pelican_export_undeclared_prefix_is_declared_with_a_warning(
    pelican_export, real_world
):
    path = str(real_world / "pelican_bloggerexport.xml")
    assert any(
        path in w and "app" in w and "without declaring" in w
        for w in pelican_export.warnings
    )


def test_pelican_export_comment_fields(pelican_export, real_world):
    comment = _by_id(pelican_export)["5590533389087749201"]
    assert comment.author_name == "Thomas Isidore Noël Sankara"
    assert comment.author_url == "https://www.blogger.com/profile/0617349827"
    assert comment.author_key == ""  # noreply@blogger.com is no one
    assert not comment.author_is_me
    assert comment.published == "2010-11-29T20:35:44+00:00"
    assert comment.target_url == (
        "http://youngdoctornotes.blogspot.com/2010/11/the-steel-windpipe.html"
    )
    assert comment.target_slug == "the-steel-windpipe"
    assert comment.target_title == "The Steel Windpipe"
    assert comment.content.startswith("Mishka, always a pleasure")
    assert "<br />" in comment.content
    assert comment.url.endswith("#c5590533389087749201")
    # the avatar is protocol-relative: not an http(s) URL, not kept
    assert comment.author_photo == ""
    _assert_private(
        pelican_export, (real_world / "pelican_bloggerexport.xml").read_bytes()
    )


# -- Google Takeout ------------------------------------------------------------


@pytest.fixture
def takeout(fixtures: Path):
    return read_blogger(fixtures / "blogger-takeout.xml", "bt")


def test_takeout_keeps_live_comments_only(takeout):
    assert sorted(_by_id(takeout)) == ["9101", "9102", "9103", "9105"]
    assert takeout.removed == {"9104"}
    assert takeout.skipped == {"spam": 1}


def test_takeout_posts_replies_and_the_blog_author(takeout):
    comments = _by_id(takeout)
    assert comments["9101"].target_slug == "drafting-in-winter"
    assert comments["9101"].target_title == "Drafting in winter"
    assert comments["9101"].published == "2016-01-05T12:30:00+00:00"
    assert comments["9102"].parent == "9101"
    assert comments["9102"].author_is_me  # the post's author answering
    assert not comments["9101"].author_is_me
    # the post comes after its comment in the file, and has no link
    assert comments["9105"].target_slug == "second-drafts"
    assert comments["9105"].target_url == ""


def test_takeout_identity(takeout, fixtures):
    comments = _by_id(takeout)
    # One email signed "Ravi Castellanos" and "Ravi C.": a key per name.
    assert comments["9101"].author_key == "bt:email:9101"
    assert comments["9105"].author_key == "bt:email:9105"
    assert comments["9102"].author_key == ""  # noreply@blogger.com
    assert comments["9103"].author_key == ""
    assert comments["9105"].author_url == ""  # javascript: dropped
    _assert_private(takeout, (fixtures / "blogger-takeout.xml").read_bytes())


# -- classic Atom export -------------------------------------------------------


@pytest.fixture
def classic(fixtures: Path):
    return read_blogger(fixtures / "blogger-classic.xml", "bc")


def test_classic_export(classic):
    comments = _by_id(classic)
    assert sorted(comments) == ["201", "202"]
    assert classic.removed == {"203"}  # blogger.contentRemoved
    assert classic.skipped == {"deleted": 1}
    assert comments["202"].parent == "201"  # the related link
    assert comments["202"].author_is_me
    assert comments["201"].target_title == "Pruning the old pear"
    assert comments["201"].target_slug == "pruning-old-pear"


# -- malformed input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw[: raw.index(b"<entry")] + b"<entry><id>", "truncated"),
        (lambda raw: b"", "empty"),
        (lambda raw: b"<rss><channel/></rss>", "not a Blogger export"),
    ],
    ids=["truncated-before-any-entry", "empty", "rss"],
)
def test_malformed_files_raise_source_error_naming_the_file(
    tmp_path, fixtures, change, message
):
    path = tmp_path / "feed.atom"
    path.write_bytes(change((fixtures / "blogger-takeout.xml").read_bytes()))
    with pytest.raises(SourceError) as error:
        read_blogger(path, "bt")
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)
    if message == "truncated":
        assert "Next step" in str(error.value)


@pytest.mark.parametrize(
    ("change", "repair"),
    [
        (lambda raw: raw[: len(raw) * 2 // 3], "truncated"),
        (
            lambda raw: raw.replace(b"Castellanos", "Castella\xf1os".encode("cp1252")),
            "Windows-1252",
        ),
        (lambda raw: raw.replace(b"Castellanos", b"Castel\x0blanos"), "U+000B"),
    ],
    ids=["truncated", "cp1252", "control-character"],
)
def test_a_repaired_file_is_read_with_one_warning_naming_file_and_line(
    tmp_path, fixtures, change, repair
):
    path = tmp_path / "feed.atom"
    path.write_bytes(change((fixtures / "blogger-takeout.xml").read_bytes()))
    result = read_blogger(path, "bt")
    assert result.interactions
    (warning,) = result.warnings
    assert warning.startswith(f"{path}: repaired while reading: line ")
    assert repair in warning


def test_a_broken_entry_is_skipped_with_a_warning(tmp_path, fixtures):
    raw = (fixtures / "blogger-takeout.xml").read_bytes()
    path = tmp_path / "feed.atom"
    path.write_bytes(raw.replace(b"<name>Anonymous</name>", b"<name>Anon & Co</name>"))
    result = read_blogger(path, "bt")
    assert sorted(_by_id(result)) == ["9101", "9102", "9105"]
    assert result.skipped == {"malformed": 1, "spam": 1}
    assert any(str(path) in w and "line" in w for w in result.warnings)


# -- property: no input makes the reader crash ----------------------------------


def _mutations(raw: bytes):
    """The file with one stretch replaced by a few arbitrary bytes."""
    return st.tuples(
        st.integers(0, len(raw)), st.integers(0, 64), st.binary(max_size=16)
    ).map(lambda t: raw[: t[0]] + t[2] + raw[t[0] + t[1] :])


@settings(max_examples=250, deadline=None)
@given(data=st.binary(max_size=2000) | _mutations(SAMPLE_FILE.read_bytes()))
def test_arbitrary_bytes_give_records_or_a_source_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.atom"
        path.write_bytes(data)
        try:
            read_blogger(path, "fuzz")
        except SourceError as error:
            assert str(error).startswith(str(path))
