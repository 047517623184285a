"""The webmention.io reader: saved JF2 files and the older ``links`` format."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources.webmention_io import (
    parse_jf2_entries,
    read_webmentions,
)


def _by_id(result):
    return {item.id: item for item in result.interactions}


def _kinds(result) -> Counter:
    return Counter(item.kind for item in result.interactions)


# -- small files written for these tests -------------------------------------


@pytest.fixture
def small(fixtures: Path):
    return read_webmentions(fixtures / "jf2-small.json", "wm")


def test_each_property_becomes_its_kind(small):
    assert {i: m.kind for i, m in _by_id(small).items()} == {
        "501": "comment",
        "502": "mention",
        "503": "like",
        "504": "repost",
        "505": "bookmark",
    }
    assert {m.source for m in small.interactions} == {"wm"}


def test_rsvps_and_odd_entries_are_counted_not_kept(small):
    assert small.skipped == {"no-id": 1, "not-an-object": 2, "rsvp": 1}


def test_private_mentions_are_never_kept_and_reported_removed(small):
    assert "507" not in _by_id(small)
    assert small.removed == {"507"}
    assert "only for you" not in repr(small)


def test_null_published_falls_back_to_received(small):
    mentions = _by_id(small)
    assert mentions["503"].published == "2023-04-04T12:00:00+00:00"
    assert mentions["501"].published == "2023-04-02T07:15:00+00:00"


def test_content_html_or_escaped_text_and_none_for_taps(small):
    mentions = _by_id(small)
    assert mentions["501"].content == (
        "<p>This essay made me <em>walk to the harbour</em>.</p>"
    )
    assert mentions["502"].content == "Read this one slowly: &lt;tides&gt; &amp; moons"
    assert mentions["503"].content == ""  # like
    assert mentions["504"].content == ""  # repost
    assert mentions["505"].content == "<p>Saving this for a slow Sunday.</p>"


def test_authors_and_links(small):
    mentions = _by_id(small)
    sasha = mentions["501"]
    assert sasha.author_name == "Sasha Vey"
    assert sasha.author_url == "https://sashavey.example/"
    assert (
        sasha.author_photo == "https://webmention.io/avatar/sashavey.example/4f1c.jpg"
    )
    assert sasha.target_url == "https://wren.example/essays/tides/"
    assert sasha.url == "https://sashavey.example/notes/2023/04/tide-tables"
    # No url: the source page stands in.
    assert mentions["504"].url.startswith("https://brid.gy/repost/")


def test_social_profiles_give_handles(small):
    mentions = _by_id(small)
    assert mentions["502"].author_handle == "@moss@mastodon.example"
    assert mentions["504"].author_handle == "@moss@mastodon.example"
    assert mentions["503"].author_handle == "kit.bsky.social"
    assert mentions["501"].author_handle == ""


def test_unsafe_links_and_email_hash_avatars_are_dropped(small):
    ruth = _by_id(small)["505"]
    assert ruth.author_url == ""  # javascript:
    assert ruth.author_photo == ""  # a Gravatar behind webmention.io's proxy
    assert "gravatar" not in repr(small)


def test_a_bare_list_of_entries(fixtures):
    result = read_webmentions(fixtures / "jf2-list.json", "wm")
    assert _kinds(result) == {"like": 1, "comment": 1}
    assert {m.author_name for m in result.interactions} == {"Sasha Vey"}


def test_parse_jf2_entries_is_the_same_reader(fixtures, small):
    data = json.loads((fixtures / "jf2-small.json").read_text(encoding="utf-8"))
    assert parse_jf2_entries(data["children"], "wm") == small


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ('{"children": [', "line 1: not valid JSON .*column 15"),
        ("[1, 2,, 3]", "line 1: .*column 7"),
        ('{"items": []}', 'expected .*"children".*found an object with keys items'),
        ('"just a string"', "expected .*found a string"),
        ("null", "found null"),
    ],
)
def test_a_bad_file_names_the_file_and_what_is_wrong(tmp_path, content, message):
    saved = tmp_path / "saved-mentions.json"
    saved.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as caught:
        read_webmentions(saved, "wm")
    assert "saved-mentions.json" in str(caught.value)


def test_links_format_private_and_rsvp(tmp_path):
    def link(link_id, activity, private=False):
        return {
            "id": link_id,
            "source": f"https://reader.example/{link_id}",
            "target": "https://wren.example/essays/tides/",
            "verified_date": "2020-01-02T03:04:05+00:00",
            "private": private,
            "data": {"author": {"name": "Reader"}, "published": None},
            "activity": {"type": activity},
        }

    saved = tmp_path / "mentions.json"
    saved.write_text(
        json.dumps(
            {
                "links": [
                    link(1, "reply"),
                    link(2, "reply", private=True),
                    link(3, "rsvp"),
                    link(1, "reply"),
                ]
            }
        ),
        encoding="utf-8",
    )
    result = read_webmentions(saved, "wm")
    assert [m.id for m in result.interactions] == ["1"]
    assert result.interactions[0].published == "2020-01-02T03:04:05+00:00"
    assert result.interactions[0].url == "https://reader.example/1"
    assert result.removed == {"2"}
    assert result.skipped == {"duplicate": 1, "rsvp": 1}


# -- real-world files ----------------------------------------------------------
# Expected numbers come from counting the raw JSON (wm-property, wm-private,
# activity.type, author name/url) with a throwaway script, not from this reader.


def test_webmention_io_backup_jf2(real_world):
    result = read_webmentions(real_world / "webmention-io-backup_jf2.json", "wm")
    assert _kinds(result) == {"like": 2}
    assert result.skipped == {}
    assert result.removed == frozenset()
    # Bridgy likes with "published": null take the received time.
    assert {m.published for m in result.interactions} == {"2021-06-07T22:21:17+00:00"}
    assert {m.author_url for m in result.interactions} == {
        "https://twitter.com/Tzugunder"
    }
    # One post under two URL forms: both kept as the source gave them.
    assert {m.target_url for m in result.interactions} == {
        "https://evgenykuznetsov.org/en/posts/2021/theme-switch/",
        "https://evgenykuznetsov.org/posts/2021/theme-switch/",
    }


def test_webmention_io_links_format(real_world):
    result = read_webmentions(real_world / "webmention-io-backup_page.json", "wm")
    mentions = _by_id(result)
    assert len(mentions) == 20
    assert _kinds(result) == {"comment": 13, "like": 5, "repost": 1, "mention": 1}
    assert len({m.author_name for m in result.interactions}) == 10
    assert len({m.author_url for m in result.interactions if m.author_url}) == 10
    # published null: the verification time stands in.
    assert mentions["792685"].published == "2020-05-05T14:54:13+00:00"
    assert mentions["787715"].kind == "mention"
    assert mentions["787715"].author_handle == "@fabsh@fed.fab.industries"
    assert mentions["788164"].content.startswith("<p><a href=")
    assert mentions["788164"].target_url == (
        "https://evgenykuznetsov.org/posts/2020/microblog-is-bad/"
    )
    # Ryan Barrett's avatar is a Gravatar proxied by webmention.io.
    assert {mentions[i].author_photo for i in ("788163", "787870")} == {""}
    assert "gravatar" not in repr(result)


def test_oddbird_webmentions(real_world):
    result = read_webmentions(real_world / "oddbird_webmentions.json", "wm")
    assert len(result.interactions) == 57
    assert _kinds(result) == {"repost": 29, "comment": 21, "mention": 7}
    assert result.skipped == {}
    assert len({m.author_url for m in result.interactions}) == 44
    assert len({m.author_name for m in result.interactions}) == 45
    assert {m.author_handle for m in result.interactions if m.author_handle} == {
        "@mia@front-end.social",
        "@matthiasott@mastodon.social",
        "@tbaxter@mastodon.social",
    }
    # Twitter profiles are author URLs, not handles.
    assert not any(
        m.author_handle for m in result.interactions if "twitter.com" in m.author_url
    )
    # Reposts carry the reposted text, which is not the person's words.
    assert all(m.content == "" for m in result.interactions if m.kind == "repost")
    assert all(m.content for m in result.interactions if m.kind == "comment")


def test_mia_webmentions(real_world):
    result = read_webmentions(real_world / "mia_webmentions.json", "wm")
    assert len(result.interactions) == 170
    assert _kinds(result) == {
        "comment": 71,
        "mention": 63,
        "repost": 31,
        "like": 3,
        "bookmark": 2,
    }
    assert result.removed == frozenset()
    # Two authors have no URL; the others have 120 distinct ones.
    assert len({m.author_url for m in result.interactions if m.author_url}) == 120
    assert sum(1 for m in result.interactions if not m.author_url) == 2
    assert len({m.author_name for m in result.interactions}) == 126
    assert all(m.published.startswith(("2022", "2017")) for m in result.interactions)
    assert "gravatar.com" not in repr(result)
    # The file's only email address sits in a blog post's own text (a code
    # sample in a mention); it never reaches who someone is.
    for mention in result.interactions:
        assert "@lastletterdesign.com" not in repr(replace(mention, content=""))


# -- every shape sites save (issue 10) ----------------------------------------


def _entry(wm_id: int, prop: str = "in-reply-to", **extra) -> dict:
    return {
        "type": "entry",
        "author": {"name": f"Reader {wm_id}", "url": f"https://r{wm_id}.example/"},
        "url": f"https://r{wm_id}.example/post",
        "wm-id": wm_id,
        "wm-source": f"https://r{wm_id}.example/post",
        "wm-target": "https://blog.example/post/",
        "wm-property": prop,
        "content": {"text": f"Words {wm_id}"},
        **extra,
    }


def test_the_eleventy_cache_shape_is_read(tmp_path):
    saved = tmp_path / "webmentions.json"
    saved.write_text(
        json.dumps(
            {
                "lastFetched": "2020-09-18T11:52:48.794Z",
                "webmentions": [_entry(1), _entry(2, "like-of")],
            }
        ),
        encoding="utf-8",
    )
    assert _kinds(read_webmentions(saved, "wm")) == {"comment": 1, "like": 1}


def test_the_real_eleventy_cache_is_read_as_saved(real_world):
    result = read_webmentions(real_world / "nicolas-hoizey" / "webmentions.json", "wm")
    assert _kinds(result) == {
        "like": 467,
        "comment": 339,
        "mention": 213,
        "repost": 138,
        "bookmark": 3,
    }


def test_a_jekyll_webmention_io_cache_is_read(real_world):
    """jekyll-webmention_io's received cache (nicolas-hoizey.com, 2017):
    target -> mention id -> what it kept, the API's entry under ``raw``."""
    result = read_webmentions(
        real_world / "jekyll-webmention_io" / "webmention_io_received.yml", "wm"
    )
    assert _kinds(result) == {"comment": 11, "mention": 7, "like": 5, "repost": 1}
    boris = _by_id(result)["431259"]
    assert boris.author_name == "Boris"
    assert boris.target_url == (
        "https://nicolas-hoizey.com/2002/11/citation-de-jean-marie-le-pen.html"
    )
    assert boris.published == "2017-04-04T12:51:33+00:00"
    assert "pluralisme politique" in boris.content
    nameless = _by_id(result)["393405"]  # a page that links, no author
    assert nameless.kind == "mention" and nameless.author_name == ""
    assert nameless.url == "http://bootleygues.net/2016/11/08/gerer-sa-veille/"


def test_the_jekyll_cache_as_json_is_read_too(real_world, tmp_path):
    import yaml

    cache = yaml.safe_load(
        (real_world / "jekyll-webmention_io" / "webmention_io_received.yml").read_text(
            encoding="utf-8"
        )
    )
    saved = tmp_path / "webmention_io_received.json"
    saved.write_text(json.dumps(cache, default=str), encoding="utf-8")
    assert len(read_webmentions(saved, "wm").interactions) == 24


def test_a_hugo_folder_of_files_is_read_once_each(tmp_path):
    """Hugo sites keep a file per post (``{"source": [...], "stats": ...}``)
    and often one per mention beside it (a one-entry list): each mention
    counts once."""
    folder = tmp_path / "webmentions"
    (folder / "0d87bf95").mkdir(parents=True)
    (folder / "0d87bf95.json").write_text(
        json.dumps({"source": [_entry(1), _entry(2, "like-of")], "stats": {}}),
        encoding="utf-8",
    )
    (folder / "0d87bf95" / "1.json").write_text(
        json.dumps([_entry(1)]), encoding="utf-8"
    )
    (folder / "0d87bf95" / "3.json").write_text(
        json.dumps(_entry(3, "repost-of")), encoding="utf-8"
    )
    (folder / ".hidden.json").write_text("not read", encoding="utf-8")
    result = read_webmentions(folder, "wm")
    assert sorted(_by_id(result)) == ["1", "2", "3"]
    assert _kinds(result) == {"comment": 1, "like": 1, "repost": 1}


def test_an_empty_folder_names_the_folder(tmp_path):
    with pytest.raises(SourceError, match="no webmention files") as caught:
        read_webmentions(tmp_path, "wm")
    assert str(tmp_path) in str(caught.value)
