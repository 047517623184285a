"""Forgotten means forgotten everywhere (issue 25): renaming a source or its
export file, ids holding any character, and the person's photo, in the cache
and in the output."""

from __future__ import annotations

import hashlib

import pytest
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.model import Interaction, SourceResult
from test_cli import run
from test_photos import PEOPLE, _photos_on, _site_with_photos, requests
from test_site_build import _scenario

__all__ = ["requests"]  # the fixture, shared with test_photos


def _shown(site) -> str:
    return site.page("community/index.html") + site.page("community/community.json")


def _forget_priya(site):
    _scenario(site)
    site.build()
    assert "Priya" in _shown(site)
    result = run(site, "forget", "Priya Nair")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "renamed",
    [
        {"type": "wordpress", "path": "data/old-blog.xml"},  # the file renamed
        {"type": "wordpress", "path": "data/export.xml", "name": "wp-2011"},
    ],
    ids=["file-renamed", "source-renamed"],
)
def test_renaming_an_export_brings_no_forgotten_person_back(site, renamed):
    _forget_priya(site)
    export = site.root / "data" / "export.xml"
    if renamed["path"] != "data/export.xml":
        export.rename(site.root / renamed["path"])
    site.settings["COMMUNITY_SOURCES"] = [renamed]
    site.build()
    assert "Priya" not in _shown(site)
    assert "Karen" in site.page("community/community.json")  # the others stay
    archived = "".join(
        p.read_text("utf-8") for p in (site.root / "community-archive").glob("*.jsonl")
    )
    assert "Priya" not in archived


def _item(source: str, item_id: str, name: str) -> Interaction:
    return Interaction(
        source=source,
        id=item_id,
        kind="comment",
        published="2020-01-01T00:00:00+00:00",
        author_name=name,
        target_url="https://blog.example/post-1/",
        content="hello",
    )


@pytest.mark.parametrize(
    "item_id",
    ["a\nb", "x\nwp\t12", "tab\there", "\u2028line", 'quote"back\\slash', " "],
)
def test_an_id_with_any_character_stays_forgotten(tmp_path, item_id):
    archive = Archive(tmp_path / "archive")
    odd = _item("wm", item_id, "Odd One")
    other = _item("wp", "12", "Innocent")
    archive.merge("wm", SourceResult(interactions=[odd]))
    archive.merge("wp", SourceResult(interactions=[other]))
    assert [i.author_name for i in archive.forget({("wm", item_id)})] == ["Odd One"]
    # Read again by a new process, with the source still offering it.
    again = Archive(tmp_path / "archive")
    again.merge("wm", SourceResult(interactions=[odd]))
    names = sorted(i.author_name for i in again.load())
    assert names == ["Innocent"]  # and no other record was forgotten with it


def test_the_old_forgotten_list_is_still_read(tmp_path):
    archive = Archive(tmp_path / "archive")
    archive.merge("wp", SourceResult(interactions=[_item("wp", "7", "Gone")]))
    (tmp_path / "archive" / "forgotten.txt").write_text("wp\t7\n", encoding="utf-8")
    assert Archive(tmp_path / "archive").load() == []
    # A later forget keeps the old entries.
    archive = Archive(tmp_path / "archive")
    archive.merge("wp", SourceResult(interactions=[_item("wp", "8", "Later")]))
    archive.forget({("wp", "8")})
    archive.merge(
        "wp", SourceResult(interactions=[_item("wp", "7", "G"), _item("wp", "8", "L")])
    )
    assert Archive(tmp_path / "archive").load() == []


def test_an_old_forgotten_line_survives_a_rename_once_read_again(tmp_path):
    """``forgotten.txt`` knew records by source and id only: the first read
    of that source records them by identity too, so a renamed source (or
    export file) brings no one back."""
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "forgotten.txt").write_text("wp\t7\n", encoding="utf-8")
    gone, kept = _item("wp", "7", "Gone"), _item("wp", "9", "Kept")
    Archive(tmp_path / "archive").merge("wp", SourceResult(interactions=[gone, kept]))
    renamed = Archive(tmp_path / "archive")
    renamed.merge(
        "wp-2011",
        SourceResult(
            interactions=[_item("wp-2011", "7", "Gone"), _item("wp-2011", "8", "New")]
        ),
    )
    names = sorted(i.author_name for i in Archive(tmp_path / "archive").load())
    assert names == ["Kept", "New"]
    listed = (tmp_path / "archive" / "forgotten.ndjson").read_text("utf-8")
    assert "Gone" not in listed  # digests and ids only


def test_a_broken_forgotten_list_is_named(tmp_path):
    from pelican.plugins.community.errors import CommunityError

    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "forgotten.ndjson").write_text("{nope\n", encoding="utf-8")
    with pytest.raises(CommunityError, match=r"forgotten.ndjson:1: not a forgotten"):
        Archive(tmp_path / "archive").load()


def test_forget_removes_the_photo_from_the_cache_and_the_output(site, requests):
    _site_with_photos(site)
    site.build()
    name = hashlib.sha256(PEOPLE["Nell New"].encode()).hexdigest()[:24] + ".png"
    published = site.output / "community" / "photos" / name
    kept = site.root / "cache" / "pelican-community" / "photos" / name
    assert published.exists() and kept.exists()
    result = run(site, "forget", "Nell New")
    assert result.returncode == 0, result.stderr
    assert "removed 1 photo of theirs from the cache" in result.stdout
    assert not kept.exists()
    site.settings["COMMUNITY_OFFLINE"] = True
    site.build()
    assert not published.exists()
    assert "Nell New" not in _photos_on(site.page("post-1/index.html"))
    assert "Nell New" not in site.page("post-1/index.html")
