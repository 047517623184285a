"""The Commento reader: its JSON export of comments and commenters."""

from __future__ import annotations

import gzip
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources import SOURCE_TYPES
from pelican.plugins.community.sources.commento import read_commento

EMAIL = re.compile(r'"email":\s*"([^"]+)"')
GRAVATAR_HASH = re.compile(r"gravatar\.com/avatar/([0-9a-f]{32})")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FILE = FIXTURES / "commento-basic.json"


def _by_id(result):
    return {item.id: item for item in result.interactions}


def _assert_private(result, raw: str) -> None:
    secrets = set(EMAIL.findall(raw)) | set(GRAVATAR_HASH.findall(raw))
    assert secrets
    text = repr(result).lower()
    for secret in secrets:
        assert secret.lower() not in text, secret


def test_registered_as_a_path_source():
    source_type = SOURCE_TYPES["commento"]
    assert source_type.read_file is read_commento
    assert source_type.location_keys == ("path",)


# -- remark42's test export ----------------------------------------------------


@pytest.fixture
def remark42(real_world: Path):
    return read_commento(real_world / "remark42_commento.json", "commento")


def test_remark42_export_counts(remark42, real_world):
    # By eye: three comments, all "approved" and not deleted; one by
    # "anonymous", the others by the two commenters listed.
    assert len(remark42.interactions) == 3
    assert remark42.removed == frozenset()
    assert remark42.skipped == {}
    names = sorted(i.author_name for i in remark42.interactions)
    assert names == ["Anonymous", "Saturnin Uf", "User5276"]
    _assert_private(remark42, (real_world / "remark42_commento.json").read_text())


def test_remark42_fields(remark42):
    comments = _by_id(remark42)
    reply = comments["ea5f7bcd6ac9bb7b657f7d0569831104e1bcf9c253d03c1e16bf9654c49a5ce9"]
    assert (
        reply.parent
        == "7d77e39fcd813241d6281478cc8f21ab5f807d043c750bc1a936bc23b34fb854"
    )
    assert reply.target_url == "https://example.com/blog/post/1"
    assert reply.author_url == "https://example.com/profile/259"
    assert reply.author_photo == ""  # a gravatar: an email hash
    assert reply.content == "<p>Great reply!</p>"
    assert reply.published == "2021-05-11T15:43:01+00:00"
    anonymous = comments[
        "e7069a7dfcfaed43caf62300a9b0edb1c124ad79d0f5887c93649c15d7f69945"
    ]
    assert anonymous.parent == ""  # "root"
    assert anonymous.author_key == ""


# -- a small export written for these tests --------------------------------------


@pytest.fixture
def basic(fixtures: Path):
    return read_commento(fixtures / "commento-basic.json", "cm")


def test_keeps_approved_comments_and_removes_the_rest(basic):
    assert sorted(_by_id(basic)) == ["c1", "c2", "c3", "c6"]
    assert basic.removed == {"c4", "c5", "c7"}
    assert basic.skipped == {"deleted": 1, "flagged": 1, "unapproved": 1}


def test_commenters_links_moderators_and_keys(basic, fixtures):
    comments = _by_id(basic)
    assert comments["c2"].author_is_me  # a moderator
    assert comments["c2"].author_url == ""  # "undefined"
    assert comments["c2"].content == "<p>Thank you!</p>"  # its html wins
    assert comments["c2"].parent == "c1"
    assert comments["c6"].author_url == ""  # javascript:
    assert comments["c6"].author_photo == "https://avatars.example/noor.png"
    # two logins, one email (in another case), two signed names: a key each
    assert comments["c1"].author_key == "cm:email:c1"
    assert comments["c6"].author_key == "cm:email:c6"
    assert comments["c1"].target_url == "https://fernbook.example/essays/tidewater/"
    _assert_private(basic, (fixtures / "commento-basic.json").read_text())


def test_gzipped_export_is_read(tmp_path, fixtures):
    path = tmp_path / "commento-export.json.gz"
    path.write_bytes(gzip.compress((fixtures / "commento-basic.json").read_bytes()))
    assert read_commento(path, "cm") == read_commento(
        fixtures / "commento-basic.json", "cm"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b'{"version": 1, "comments": [{"commentHex": "a",', "line 1: not valid JSON"),
        ('{"comments": [], "x": "\xe9"}'.encode("latin-1"), "not valid UTF-8"),
        (b"[1, 2]", "not a Commento export"),
        (b'{"comments": {"a": 1}}', "not a Commento export"),
        (b"[" * 100_000, "nested too deeply"),
        (b"\x1f\x8b\x08\x00garbage", "gzip"),
    ],
    ids=["empty", "truncated", "latin-1", "list", "wrong-shape", "deep", "bad-gzip"],
)
def test_malformed_files_raise_source_error_naming_the_file(tmp_path, data, message):
    path = tmp_path / "commento.json"
    path.write_bytes(data)
    with pytest.raises(SourceError) as error:
        read_commento(path, "cm")
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_malformed_entries_are_skipped(tmp_path):
    path = tmp_path / "commento.json"
    path.write_text(
        '{"comments": [1, {"commentHex": 5}, {"commentHex": "ok", "commenterHex": ["x"],'
        ' "creationDate": 5, "deleted": "yes", "domain": "a/b", "path": "//evil"}],'
        ' "commenters": "nope"}',
        encoding="utf-8",
    )
    result = read_commento(path, "cm")
    [comment] = result.interactions
    assert (comment.id, comment.target_url, comment.published) == ("ok", "", "")
    assert result.skipped == {"malformed": 2}
    assert all(str(path) in w for w in result.warnings)


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
        path = Path(folder) / "commento.json"
        path.write_bytes(data)
        try:
            read_commento(path, "fuzz")
        except SourceError as error:
            assert str(error).startswith(str(path))
