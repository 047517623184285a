"""The Staticman reader: a folder of per-comment YAML or JSON files."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources import (
    FIELD_DEFAULTS,
    SOURCE_TYPES,
    STATICMAN_OPTIONS,
)
from pelican.plugins.community.sources.staticman import read_staticman

HARBOUR_1 = "6f1c2a40-0000-11e7-8a3b-000000000001"
HARBOUR_2 = "6f1c2a40-0000-11e7-8a3b-000000000002"
HARBOUR_3 = "6f1c2a40-0000-11e7-8a3b-000000000003"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FILE = FIXTURES / "staticman" / "the-quiet-harbour" / "comment-1500000000000.yml"


def _by_id(result):
    return {item.id: item for item in result.interactions}


def test_registered_with_its_field_options():
    source_type = SOURCE_TYPES["staticman"]
    assert source_type.read_file is read_staticman
    assert source_type.location_keys == ("path",)
    assert dict(source_type.option_keys) == STATICMAN_OPTIONS
    assert STATICMAN_OPTIONS == {**FIELD_DEFAULTS, "replying_to_counts": "auto"}
    assert FIELD_DEFAULTS["url_field"] == "url,website"


def test_settings_accept_the_field_options(tmp_path):
    from pelican.plugins.community.errors import SettingsError
    from pelican.plugins.community.settings import load_settings

    entry = {"type": "staticman", "path": "comments", "name_field": "author"}
    settings = load_settings({"COMMUNITY_SOURCES": [entry]}, root=tmp_path)
    [spec] = settings.sources
    assert spec.path == tmp_path / "comments"
    assert spec.options["name_field"] == "author"
    assert spec.options["url_field"] == "url,website"
    with pytest.raises(SettingsError, match="name_feld"):
        load_settings(
            {"COMMUNITY_SOURCES": [{**entry, "name_feld": "x"}]}, root=tmp_path
        )


@pytest.fixture
def folder(fixtures: Path):
    return read_staticman(fixtures / "staticman", "sm")


def test_reads_every_comment_file_in_the_post_folders(folder):
    comments = _by_id(folder)
    assert sorted(comments) == [
        HARBOUR_1,
        HARBOUR_2,
        HARBOUR_3,
        "letters-from-lisbon/entry1510000000",  # no _id: the file names it
    ]
    assert folder.skipped == {}
    assert folder.removed == frozenset()
    assert {c.target_slug for c in folder.interactions} == {
        "the-quiet-harbour",
        "letters-from-lisbon",
    }


def test_fields_dates_and_markdown(folder):
    comments = _by_id(folder)
    first = comments[HARBOUR_1]
    assert first.author_name == "Halvard Lien"
    assert first.author_url == "https://halvardlien.example/"
    assert first.published == "2017-07-14T02:40:00+00:00"  # epoch seconds
    assert "<em>weather</em>" in first.content
    assert comments[HARBOUR_2].published == "2017-07-14T03:40:00+00:00"  # ISO
    assert comments[HARBOUR_3].published == "2017-07-14T04:40:00+00:00"  # "digits"
    lisbon = comments["letters-from-lisbon/entry1510000000"]
    assert lisbon.published == "2017-11-06T00:00:00+00:00"  # a bare YAML date


def test_replies_by_uid_and_by_position(folder):
    comments = _by_id(folder)
    assert comments[HARBOUR_2].parent == HARBOUR_1  # replying_to_uid
    # replying_to: "2" is the post's second comment file in name order
    assert comments[HARBOUR_3].parent == HARBOUR_2
    assert comments[HARBOUR_1].parent == ""


def test_emails_and_their_hashes_are_never_kept(folder):
    comments = _by_id(folder)
    assert comments[HARBOUR_1].author_key == comments[HARBOUR_3].author_key
    assert comments[HARBOUR_1].author_key == f"sm:email:{HARBOUR_1}"
    assert comments[HARBOUR_2].author_key != comments[HARBOUR_1].author_key
    text = repr(folder)
    assert "5d41402abc4b2a76b9719d911017c592" not in text
    assert "7d793037a0760186574b0282f2f435e7" not in text


def test_a_bare_domain_is_not_a_link(folder):
    # "adaquill.example" has no scheme: only http(s) URLs are kept
    assert _by_id(folder)[HARBOUR_2].author_url == ""


def test_field_names_are_configurable(tmp_path):
    post = tmp_path / "comments" / "night-ferry"
    post.mkdir(parents=True)
    (post / "c1.yml").write_text(
        "uid: a1\nauthor: Pia Lund\nmail: pia@lund.example\nhomepage: https://pia.example\n"
        "body: Loved it.\nposted: 2019-03-01T10:00:00Z\n",
        encoding="utf-8",
    )
    (post / "c2.yml").write_text(
        "uid: a2\nauthor: Sam Ode\nbody: Agreed.\nposted: 2019-03-02T10:00:00Z\n"
        "answer_to: a1\n",
        encoding="utf-8",
    )
    result = read_staticman(
        tmp_path / "comments",
        "sm",
        id_field="uid",
        name_field="author",
        email_field="mail",
        url_field="homepage",
        message_field="body",
        date_field="posted",
        parent_field="answer_to",
    )
    comments = _by_id(result)
    assert comments["a1"].author_name == "Pia Lund"
    assert comments["a1"].author_url == "https://pia.example"
    assert comments["a1"].author_key == "sm:email:a1"
    assert comments["a2"].parent == "a1"
    assert comments["a2"].published == "2019-03-02T10:00:00+00:00"
    assert "pia@lund.example" not in repr(result)


def test_unknown_option_is_refused(fixtures):
    with pytest.raises(SourceError, match="name_feld"):
        read_staticman(fixtures / "staticman", "sm", name_feld="x")


def test_hidden_folders_are_ignored_and_an_empty_folder_warns(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yml").write_text("not: [valid", encoding="utf-8")
    result = read_staticman(tmp_path, "sm")
    assert result.interactions == ()
    assert any(str(tmp_path) in w for w in result.warnings)


def test_a_file_is_not_a_folder(fixtures):
    path = fixtures / "commento-basic.json"
    with pytest.raises(SourceError) as error:
        read_staticman(path, "sm")
    assert str(error.value).startswith(str(path))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("c.yml", b"", "empty"),
        ("c.yml", b"name: [unclosed\nmessage: hi\n", "line 2: not valid YAML"),
        ("c.json", b'{"name": "Ann", "message": ', "line 1: not valid JSON"),
        ("c.yml", "name: Jos\xe9\n".encode("latin-1"), "not valid UTF-8"),
        ("c.yml", b"- just\n- a list\n", "expected the fields"),
        ("c.yml", b"&a [*a, *a]\n", "expected the fields"),
    ],
    ids=["empty", "yaml", "json-truncated", "latin-1", "list", "alias"],
)
def test_malformed_comment_files_raise_source_error_naming_the_file(
    tmp_path, name, data, message
):
    path = tmp_path / "some-post" / name
    path.parent.mkdir()
    path.write_bytes(data)
    with pytest.raises(SourceError) as error:
        read_staticman(tmp_path, "sm")
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_non_text_field_values_are_ignored(tmp_path):
    post = tmp_path / "post"
    post.mkdir()
    (post / "c.yml").write_text(
        "name: Ann\nmessage: [1, 2]\nurl: javascript:alert(1)\ndate: yes\n",
        encoding="utf-8",
    )
    [comment] = read_staticman(tmp_path, "sm").interactions
    assert (comment.author_name, comment.content, comment.author_url) == ("Ann", "", "")
    assert comment.published == ""


def test_impossible_dates_are_read_as_text_and_the_comment_kept(tmp_path):
    post = tmp_path / "post"
    post.mkdir()
    (post / "a.yml").write_text(
        "name: Ann\nmessage: Hi.\ndate: 2020-02-30\n", encoding="utf-8"
    )
    (post / "b.yml").write_text(
        "name: Bo\nmessage: Yes.\ndate: 2020-01-02 10:00:00\n", encoding="utf-8"
    )
    result = read_staticman(tmp_path, "sm")
    comments = {c.author_name: c for c in result.interactions}
    assert comments["Ann"].published == ""
    assert comments["Bo"].published == "2020-01-02T10:00:00+00:00"
    assert result.warnings == (
        f"{post / 'a.yml'}: the date '2020-02-30' cannot be used; "
        "the comment is kept without a date",
    )


@pytest.mark.parametrize("number", ["²", "٣", "7" * 5_000])
def test_odd_digits_are_neither_a_reply_position_nor_a_timestamp(tmp_path, number):
    post = tmp_path / "post"
    post.mkdir()
    (post / "a.yml").write_text("name: Ann\nmessage: Hi.\n", encoding="utf-8")
    (post / "b.json").write_text(
        json.dumps(
            {"name": "Bo", "message": "Yes.", "replying_to": number, "date": number}
        ),
        encoding="utf-8",
    )
    comments = {c.author_name: c for c in read_staticman(tmp_path, "sm").interactions}
    assert comments["Bo"].parent == "" and comments["Bo"].published == ""


def test_a_file_without_name_or_message_is_not_a_comment(tmp_path):
    post = tmp_path / "post"
    post.mkdir()
    (post / "c.yml").write_text("name: {nested: x}\ntitle: Menu\n", encoding="utf-8")
    result = read_staticman(tmp_path, "sm")
    assert result.interactions == ()
    assert result.skipped == {"not-a-comment": 1}
    assert any(str(post / "c.yml") in w for w in result.warnings)


# -- property: no input makes the reader crash ----------------------------------


def _mutations(raw: bytes):
    """The file with one stretch replaced by a few arbitrary bytes."""
    return st.tuples(
        st.integers(0, len(raw)), st.integers(0, 64), st.binary(max_size=16)
    ).map(lambda t: raw[: t[0]] + t[2] + raw[t[0] + t[1] :])


@settings(max_examples=250, deadline=None)
@given(
    name=st.sampled_from(["c.yml", "c.json"]),
    data=st.binary(max_size=2000) | _mutations(SAMPLE_FILE.read_bytes()),
)
def test_arbitrary_bytes_give_records_or_a_source_error(name, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a-post" / name
        path.parent.mkdir()
        path.write_bytes(data)
        try:
            read_staticman(Path(folder), "fuzz")
        except SourceError as error:
            assert str(error).startswith(str(path))


def test_field_options_reach_the_reader_through_ingest(tmp_path):
    from pelican.plugins.community.archive.local import ingest_local_sources
    from pelican.plugins.community.archive.store import Archive
    from pelican.plugins.community.settings import load_settings

    post = tmp_path / "comments" / "night-ferry"
    post.mkdir(parents=True)
    (post / "c1.yml").write_text("author: Pia Lund\nbody: Hello.\n", encoding="utf-8")
    entry = {
        "type": "staticman",
        "path": "comments",
        "name_field": "author",
        "message_field": "body",
    }
    settings = load_settings({"COMMUNITY_SOURCES": [entry]}, root=tmp_path)
    archive = Archive(tmp_path / "archive")
    ingest_local_sources(archive, settings.sources)
    [item] = archive.load()
    assert item.author_name == "Pia Lund"


# -- what replying_to counts ----------------------------------------------------


def _thread(tmp_path, comments: list[tuple[str, str, str]]) -> Path:
    """One post's comment files, named in time order: (name, replying_to, minute)."""
    post = tmp_path / "comments" / "post"
    post.mkdir(parents=True)
    for n, (name, replying_to, minute) in enumerate(comments):
        (post / f"comment-{n:02d}.yml").write_text(
            f"name: {name}\nmessage: Words of {name}.\n"
            f"date: 2020-01-01T10:{minute}:00Z\nreplying_to: '{replying_to}'\n",
            encoding="utf-8",
        )
    return tmp_path / "comments"


def _parents(folder: Path, **options) -> dict[str, str]:
    result = read_staticman(folder, "sm", **options)
    names = {c.id: c.author_name for c in result.interactions}
    return {c.author_name: names.get(c.parent, "") for c in result.interactions}


# Minimal Mistakes numbers top-level comments only: Cy answers Bo, the
# second top-level comment, though Bo is the post's third file.
TOP_LEVEL = [("Ann", "", "00"), ("Ed", "1", "01"), ("Bo", "", "02"), ("Cy", "2", "03")]
# Themes that number every comment: Cy answers Ed's reply, the second file.
EVERY = [("Ann", "", "00"), ("Ed", "1", "01"), ("Cy", "2", "02"), ("Bo", "", "03")]


def test_replying_to_numbers_top_level_comments_as_minimal_mistakes_does(tmp_path):
    folder = _thread(tmp_path, TOP_LEVEL)
    assert _parents(folder) == {"Ann": "", "Ed": "Ann", "Bo": "", "Cy": "Bo"}


def test_a_folder_that_numbers_every_comment_is_told_apart(tmp_path):
    """Read as top-level, Cy would answer Bo, who wrote after Cy: the
    reading that fits is every comment's position."""
    folder = _thread(tmp_path, EVERY)
    assert _parents(folder) == {"Ann": "", "Ed": "Ann", "Cy": "Ed", "Bo": ""}


def test_the_numbering_can_be_set(tmp_path):
    folder = _thread(tmp_path, TOP_LEVEL)
    assert _parents(folder, replying_to_counts="all")["Cy"] == "Ed"
    assert _parents(folder, replying_to_counts="top-level")["Cy"] == "Bo"
    with pytest.raises(SourceError, match="replying_to_counts must be one of"):
        read_staticman(folder, "sm", replying_to_counts="every")
