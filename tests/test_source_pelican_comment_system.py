"""The pelican_comment_system reader: per-article Markdown comment files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources import SOURCE_TYPES
from pelican.plugins.community.sources.pelican_comment_system import (
    read_pelican_comment_system,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FILE = FIXTURES / "pcs" / "the-quiet-harbour" / "0.md"


def _by_id(result):
    return {item.id: item for item in result.interactions}


def test_registered_as_a_path_source():
    source_type = SOURCE_TYPES["pelican-comment-system"]
    assert source_type.read_file is read_pelican_comment_system
    assert source_type.location_keys == ("path",)


@pytest.fixture
def comments(fixtures: Path):
    return read_pelican_comment_system(fixtures / "pcs", "pcs")


def test_reads_markdown_files_per_article_folder(comments):
    assert sorted(_by_id(comments)) == [
        "the-quiet-harbour/0",
        "the-quiet-harbour/1",
        "winter-reading/reader-note",
    ]
    assert {c.target_slug for c in comments.interactions} == {
        "the-quiet-harbour",
        "winter-reading",
    }


def test_other_formats_are_counted_and_reported(comments, fixtures):
    assert comments.skipped == {"not-markdown": 1}
    assert any(str(fixtures / "pcs") in w and ".md" in w for w in comments.warnings)


def test_metadata_and_body(comments):
    first = _by_id(comments)["the-quiet-harbour/0"]
    assert first.author_name == "Lotte Vinter"
    assert first.author_url == "https://lottevinter.example"
    assert first.published == "2014-05-13T14:35:00+00:00"
    assert (
        first.content
        == "<p>I keep coming back to the <strong>harbour</strong> chapter.</p>"
    )
    # keys are case-insensitive; "0md" is the dot-less name of 0.md
    reply = _by_id(comments)["the-quiet-harbour/1"]
    assert reply.author_name == "Ada Quill"
    assert reply.parent == "the-quiet-harbour/0"
    assert reply.published == "2014-05-13T18:02:00+00:00"


def test_emails_become_one_opaque_key(comments):
    items = _by_id(comments)
    assert (
        items["winter-reading/reader-note"].author_key
        == "pcs:email:the-quiet-harbour/0"
    )
    assert items["the-quiet-harbour/0"].author_key == "pcs:email:the-quiet-harbour/0"
    assert items["winter-reading/reader-note"].author_url == ""  # javascript:
    assert "vinter.example" not in repr(comments).replace("lottevinter.example", "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"Just some words.\n", "not a comment file"),
        (
            "author: Jos\xe9\ndate: 2020-01-01\n\nHi".encode("latin-1"),
            "line 1: not valid UTF-8",
        ),
    ],
    ids=["empty", "no-metadata", "latin-1"],
)
def test_malformed_comment_files_raise_source_error_naming_the_file(
    tmp_path, data, message
):
    path = tmp_path / "some-post" / "3.md"
    path.parent.mkdir()
    path.write_bytes(data)
    with pytest.raises(SourceError) as error:
        read_pelican_comment_system(tmp_path, "pcs")
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_a_file_is_not_a_comments_folder(fixtures):
    path = fixtures / "pcs" / "README.md"
    with pytest.raises(SourceError) as error:
        read_pelican_comment_system(path, "pcs")
    assert str(error.value).startswith(str(path))


# -- property: no input makes the reader crash ----------------------------------


def _mutations(raw: bytes):
    """The file with one stretch replaced by a few arbitrary bytes."""
    return st.tuples(
        st.integers(0, len(raw)), st.integers(0, 64), st.binary(max_size=16)
    ).map(lambda t: raw[: t[0]] + t[2] + raw[t[0] + t[1] :])


@settings(max_examples=250, deadline=None)
@given(
    name=st.sampled_from(["0.md"]),
    data=st.binary(max_size=2000) | _mutations(SAMPLE_FILE.read_bytes()),
)
def test_arbitrary_bytes_give_records_or_a_source_error(name, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a-post" / name
        path.parent.mkdir()
        path.write_bytes(data)
        try:
            read_pelican_comment_system(Path(folder), "fuzz")
        except SourceError as error:
            assert str(error).startswith(str(path))
