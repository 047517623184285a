"""The Disqus XML reader: threads, posts, and what real exports get wrong."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources import SOURCE_TYPES
from pelican.plugins.community.sources.disqus import read_disqus

EMAIL_OR_IP = re.compile(rb"[\w.+\-]+@[\w\-]+\.[\w.\-]+|\b\d{1,3}(?:\.\d{1,3}){3}\b")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FILE = FIXTURES / "disqus-threads-last.xml"


def _by_id(result):
    return {item.id: item for item in result.interactions}


def _people(result) -> int:
    """Distinct commenters: one per email key, plus one per name without it."""
    keys = {i.author_key for i in result.interactions if i.author_key}
    keyless = {i.author_name for i in result.interactions if not i.author_key}
    return len(keys) + len(keyless)


def _assert_private(result, raw: bytes) -> None:
    """No email or IP address of the file reaches the records."""
    secrets = {m.decode().strip() for m in EMAIL_OR_IP.findall(raw)}
    assert secrets
    text = repr(result).lower()
    for secret in secrets:
        assert secret.lower() not in text, secret


def test_registered_as_a_path_source():
    source_type = SOURCE_TYPES["disqus"]
    assert source_type.read_file is read_disqus
    assert source_type.location_keys == ("path",)


# -- isso's test export: orphan, deleted, empty thread id ---------------------


@pytest.fixture
def isso(real_world: Path):
    return read_disqus(real_world / "isso_disqus.xml", "disqus")


def test_isso_export_counts(isso):
    # By eye: six <post>s (4, 5, 6, 8, 9, 11); 9 has isDeleted=true.
    assert sorted(_by_id(isso), key=int) == ["4", "5", "6", "8", "11"]
    assert isso.removed == {"9"}
    assert isso.skipped == {"deleted": 1}
    # foo@bar.com wrote 4, 5, 6 and 11; baz@email.foo wrote 8. Signed
    # "peter", "where am I?" and twice "user" (a placeholder: no key).
    assert _people(isso) == 4
    assert len({i.author_name for i in isso.interactions}) == 4


def test_isso_orphan_is_kept_without_a_target_and_reported(isso, real_world):
    orphan = _by_id(isso)["6"]
    assert orphan.target_url == ""
    assert orphan.author_name == "where am I?"
    assert any(
        str(real_world / "isso_disqus.xml") in w and "1 post belongs to no thread" in w
        for w in isso.warnings
    )


def test_isso_threads_replies_and_empty_thread_ids(isso):
    posts = _by_id(isso)
    assert posts["5"].parent == "4"
    assert posts["11"].parent == "9"  # its parent was deleted: still a reply
    assert posts["4"].target_url == "http://example.org/"
    assert posts["4"].target_title == "Hello, World!"
    # thread 7 has an empty <id/> and <title/> but a link
    assert posts["8"].target_url == (
        "http://localhost:4000/blog/2013/02/12/redacted/index.html"
    )
    assert posts["5"].published == "2013-10-11T06:51:33+00:00"
    assert posts["5"].content == "<p>Hello, World.</p>"


def test_isso_usernames_identify_registered_users_only(isso):
    posts = _by_id(isso)
    assert posts["5"].author_url == "https://disqus.com/by/user/"
    assert posts["5"].extra == {"disqus:username": "user"}
    assert posts["8"].author_url == "https://disqus.com/by/EmptyUsername/"
    # anonymous guests have no profile
    assert posts["4"].author_url == ""
    assert posts["4"].extra == {}


def test_isso_shared_email_is_one_opaque_key_per_signed_name(isso, real_world):
    posts = _by_id(isso)
    assert posts["4"].author_key == "disqus:email:4"
    assert posts["6"].author_key == "disqus:email:6"
    assert posts["5"].author_key == posts["11"].author_key == ""  # "user"
    assert posts["8"].author_key == "disqus:email:8"
    _assert_private(isso, (real_world / "isso_disqus.xml").read_bytes())


# -- remark42's test export: spam, stray byte, broken post --------------------


@pytest.fixture
def remark42(real_world: Path):
    return read_disqus(real_world / "remark42_disqus.xml", "dq")


def test_remark42_export_counts(remark42):
    # By eye: six <post>s; 299986073 is spam; the last one (dsq:id
    # "x299986073") has an unquoted attribute; one post has no dsq:id.
    assert sorted(_by_id(remark42)) == [
        "299619020",
        "299744309",
        "299986072",
        "id-12345678890",
    ]
    assert remark42.removed == {"299986073"}
    assert remark42.skipped == {"malformed": 1, "spam": 1}
    # One post has an empty email; the other three have distinct ones.
    assert _people(remark42) == 4


def test_remark42_broken_post_is_skipped_with_a_warning_naming_file_and_line(
    remark42, real_world
):
    path = str(real_world / "remark42_disqus.xml")
    assert any(path in w and "line 147" in w for w in remark42.warnings)


def test_remark42_stray_byte_is_skipped_with_a_warning(real_world, tmp_path, caplog):
    # A copy: Pelican's log filter drops a message it has already shown.
    path = tmp_path / "remark42_disqus.xml"
    path.write_bytes((real_world / "remark42_disqus.xml").read_bytes())
    with caplog.at_level(logging.WARNING):
        read_disqus(path, "dq")
    assert any(
        str(path) in r.getMessage() and "stray" in r.getMessage()
        for r in caplog.records
    )


def test_remark42_text_targets_and_identity(remark42, real_world):
    posts = _by_id(remark42)
    first = posts["299619020"]
    assert first.target_url == "https://radio-t.com/p/2011/03/05/podcast-229/"
    assert first.target_title == "Радио-Т: Радио-Т 229"
    assert first.content.startswith("<p>The quick brown fox")
    assert first.author_key == ""  # <email/> is empty
    assert first.author_url == "https://disqus.com/by/facebook-1787732238/"
    assert "проводник" in posts["299744309"].content
    # a username that is a 32-digit hex digest may be an email hash: unused
    assert posts["id-12345678890"].author_url == ""
    assert posts["id-12345678890"].extra == {}
    assert "74b9e7568ef6860e93862c5d77590123" not in repr(remark42)
    _assert_private(remark42, (real_world / "remark42_disqus.xml").read_bytes())


# -- a small export written for these tests ----------------------------------


@pytest.fixture
def threads_last(fixtures: Path):
    return read_disqus(fixtures / "disqus-threads-last.xml", "dq")


def test_threads_after_their_posts_still_name_the_post(threads_last):
    posts = _by_id(threads_last)
    assert sorted(posts) == ["501", "502", "503", "506"]
    assert posts["501"].target_url == (
        "https://lanternhouse.example/2014/01/the-ferry-chapter/"
    )
    assert posts["502"].target_title == "The ferry chapter"
    assert posts["502"].parent == "501"
    # a javascript: link is no link; the title stays
    assert posts["503"].target_url == ""
    assert posts["503"].target_title == "Notes on & about revision"
    assert posts["506"].target_title == ""  # orphan


def test_spam_and_deleted_are_removed(threads_last):
    assert threads_last.removed == {"504", "505"}
    assert threads_last.skipped == {"deleted": 1, "spam": 1}


def test_email_key_ignores_case_and_anonymity(threads_last, fixtures):
    posts = _by_id(threads_last)
    # One email (two cases) signed "Wren Okafor" and "W. Okafor": two keys.
    assert posts["501"].author_key == "dq:email:501"
    assert posts["503"].author_key == "dq:email:503"
    assert posts["503"].author_url == ""  # anonymous: no profile
    assert posts["506"].author_url == ""  # hex-digest username
    _assert_private(threads_last, (fixtures / "disqus-threads-last.xml").read_bytes())


def test_ids_are_stable_across_reads(fixtures):
    path = fixtures / "disqus-threads-last.xml"
    assert read_disqus(path, "dq") == read_disqus(path, "dq")


# -- malformed input: a clear error naming the file, never a traceback --------


def _variant(tmp_path: Path, fixtures: Path, change) -> Path:
    raw = (fixtures / "disqus-threads-last.xml").read_bytes()
    path = tmp_path / "export.xml"
    path.write_bytes(change(raw))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw[: raw.index(b"<thread")] + b"<thread", "truncated"),
        (lambda raw: b"", "empty"),
        (lambda raw: b"  \n\n", "empty"),
        (lambda raw: raw.decode().encode("utf-16"), "UTF-16"),
        (lambda raw: b"<feed><entry/></feed>", "not a Disqus export"),
        (lambda raw: b'{"json": true}', "not a Disqus export"),
        (
            lambda raw: raw.replace(b'encoding="utf-8"', b'encoding="no-such"'),
            "encoding",
        ),
    ],
    ids=[
        "truncated-before-any-record",
        "empty",
        "blank",
        "utf-16",
        "other-xml",
        "json",
        "bad-enc",
    ],
)
def test_malformed_files_raise_source_error_naming_the_file(
    tmp_path, fixtures, change, message
):
    path = _variant(tmp_path, fixtures, change)
    with pytest.raises(SourceError) as error:
        read_disqus(path, "dq")
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE disqus [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        b'<!DOCTYPE disqus [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_entity_declarations_are_refused(tmp_path, doctype):
    path = tmp_path / "export.xml"
    path.write_bytes(
        b'<?xml version="1.0"?>' + doctype + b"<disqus><post><message>&b;&x;"
        b"</message></post></disqus>"
    )
    with pytest.raises(SourceError, match="entities") as error:
        read_disqus(path, "dq")
    assert str(error.value).startswith(str(path))


def test_a_broken_post_in_a_one_line_export_is_skipped(tmp_path, fixtures):
    raw = (fixtures / "disqus-threads-last.xml").read_bytes()
    one_line = raw.replace(b"\n", b" ").replace(
        b'<thread dsq:id="900"/>', b"<thread dsq:id=900/>", 1
    )
    path = tmp_path / "one-line.xml"
    path.write_bytes(one_line)
    result = read_disqus(path, "dq")
    assert sorted(_by_id(result)) == ["502", "503", "506"]
    assert result.skipped["malformed"] == 1
    assert any(str(path) in w and "line 1" in w for w in result.warnings)


def test_text_after_the_document_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(
        b'<disqus xmlns:dsq="x"><post dsq:id="1"><message>Hi</message></post>'
        b"</disqus>\n<disqus>"
    )
    result = read_disqus(path, "dq")
    assert [i.id for i in result.interactions] == ["1"]
    assert any(str(path) in w and "end of the <disqus>" in w for w in result.warnings)


def test_too_many_broken_posts_is_an_error(tmp_path):
    broken = b'<post dsq:id="1"><thread dsq:id=1/></post>\n' * 120
    path = tmp_path / "export.xml"
    path.write_bytes(b'<disqus xmlns:dsq="x">\n' + broken + b"</disqus>")
    with pytest.raises(SourceError, match="more than 100") as error:
        read_disqus(path, "dq")
    assert str(error.value).startswith(str(path))


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
        path = Path(folder) / "export.xml"
        path.write_bytes(data)
        try:
            read_disqus(path, "fuzz")
        except SourceError as error:
            assert str(error).startswith(str(path))


def test_every_broken_post_is_reported_at_its_own_line(tmp_path):
    lines = [
        '<?xml version="1.0"?>',
        '<disqus xmlns="http://disqus.com"',
        '        xmlns:dsq="http://disqus.com/disqus-internals">',
        '<post dsq:id="1"><message>one</message></post>',
        "<post dsq:id=2><message>two</message></post>",
        '<post dsq:id="3"><message>three</message></post>',
        '<post dsq:id="4"><message>four & more</message></post>',
        '<post dsq:id="5"><message>five</message></post>',
        "</disqus>",
    ]
    path = tmp_path / "export.xml"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_disqus(path, "dq")
    assert [i.id for i in result.interactions] == ["1", "3", "5"]
    assert result.skipped == {"malformed": 2}
    (warning,) = [w for w in result.warnings if "repaired while reading" in w]
    assert f"{path}: repaired while reading: skipped 2 <post> " in warning
    assert "(line 5, 7: " in warning


@pytest.mark.parametrize(
    ("change", "repair"),
    [
        (lambda raw: raw[: len(raw) * 2 // 3], "truncated"),
        (
            lambda raw: raw.replace(b"Okafor", "\xd8kafor".encode("latin-1")),
            "Windows-1252",
        ),
        (lambda raw: raw.replace(b"Okafor", b"Oka\x0bfor"), "U+000B"),
    ],
    ids=["truncated", "latin-1", "control-character"],
)
def test_a_repaired_export_is_read_with_one_warning_naming_file_and_line(
    tmp_path, fixtures, change, repair
):
    path = _variant(tmp_path, fixtures, change)
    result = read_disqus(path, "dq")
    assert result.interactions
    (warning,) = [w for w in result.warnings if "repaired while reading" in w]
    assert warning.startswith(f"{path}: repaired while reading: line ")
    assert repair in warning
