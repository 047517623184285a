"""The warm-build cache: the same community as computing it, never a stale one."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
from pathlib import Path

import pytest
from builders import WxrComment, WxrPost, wxr
from pelican.plugins.community import cache as cache_module
from pelican.plugins.community import fingerprints, pipeline
from pelican.plugins.community.cache import codec
from pelican.plugins.community.model import PostRef
from pelican.plugins.community.people.people_file import PeopleFile
from pelican.plugins.community.settings import load_settings
from pelican.plugins.community.views.compute import compute_community

PEOPLE = """\
me:
  names: [Jane Author]
friends:
  - name: Karen Bell
    aliases: [K. Bell]
"""


def _export() -> str:
    c = WxrComment
    return wxr(
        [
            WxrPost(
                1,
                "first-light",
                "First light",
                [
                    c(11, "K. Bell", "2013-03-04 15:00:00", email="karen@mail.example"),
                    c(
                        12,
                        "Tom Reader",
                        "2013-03-05 15:00:00",
                        email="tom@mail.example",
                    ),
                    c(13, "Jane Author", "2013-03-06 15:00:00", parent=12, user_id=1),
                ],
            ),
            WxrPost(
                2,
                "second-draft",
                "Second draft",
                [c(21, "Tom Reader", "2013-04-01 10:00:00", email="tom@mail.example")],
            ),
        ],
        authors={1: "jane"},
    )


class _Site:
    """A site folder with a WordPress export, a people file and two posts."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "data").mkdir(parents=True)
        (root / "data" / "export.xml").write_text(_export(), encoding="utf-8")
        (root / "community.yaml").write_text(PEOPLE, encoding="utf-8")
        self.posts = [
            PostRef(
                "first-light",
                "https://blog.example/first-light/",
                "First light",
                "2013-03-01T00:00:00+00:00",
            ),
            PostRef(
                "second-draft",
                "https://blog.example/second-draft/",
                "Second draft",
                "2013-04-01T00:00:00+00:00",
            ),
        ]

    @property
    def settings(self):
        return load_settings(
            {
                "COMMUNITY_SOURCES": [
                    {"type": "wordpress", "path": "data/export.xml", "name": "wp"}
                ],
                "COMMUNITY_OFFLINE": True,
            },
            root=self.root,
        )

    @property
    def archive(self) -> Path:
        return self.root / "community-archive"

    @property
    def cache(self) -> Path:
        return self.root / "cache" / "pelican-community"

    def build(self) -> str:
        return pipeline.build_community(self.settings, self.posts).json_text()

    def fresh(self) -> str:
        """The community computed with no cache at all."""
        return pipeline.look(self.settings, self.posts).community.json_text()


@pytest.fixture
def small(tmp_path: Path) -> _Site:
    return _Site(tmp_path / "small")


@pytest.fixture
def computed(monkeypatch):
    """Counts how many times the community is really computed."""
    calls = []
    real = pipeline.community_from

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "community_from", counting)
    return calls


def test_second_build_is_served_from_the_cache_with_the_same_output(small, computed):
    first = small.build()
    second = small.build()
    assert len(computed) == 1
    assert first == second == small.fresh()
    assert '"name": "Karen Bell"' in first


def test_the_cache_stays_out_of_the_archive_and_out_of_git(small):
    small.build()
    archive = {p: p.read_bytes() for p in small.archive.iterdir()}
    small.build()
    # The committed archive holds plain text only, untouched by a warm build.
    assert sorted(p.name for p in archive) == ["state.json", "wp.jsonl"]
    assert archive == {p: p.read_bytes() for p in small.archive.iterdir()}
    # The cache lives under Pelican's CACHE_PATH and ignores itself in git.
    ignore = small.cache / ".gitignore"
    assert ignore.read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (small.cache / cache_module.DATA_FILE).exists()


def test_a_changed_people_file_is_a_miss(small, computed):
    before = small.build()
    (small.root / "community.yaml").write_text(
        PEOPLE + "  - name: Tom Reader\n", encoding="utf-8"
    )
    after = small.build()
    assert len(computed) == 2
    assert before != after
    assert after == small.fresh()
    assert '"role": "friend"' in after.split('"name": "Tom Reader"')[1][:200]


def test_a_changed_post_is_a_miss(small, computed):
    small.build()
    small.posts[1] = PostRef(
        "second-draft",
        "https://blog.example/second-draft/",
        "Second draft, revised",
        "2013-04-01T00:00:00+00:00",
    )
    small.build()
    small.posts.append(
        PostRef(
            "third-act",
            "https://blog.example/third-act/",
            "Third act",
            "2013-05-01T00:00:00+00:00",
        )
    )
    after = small.build()
    assert len(computed) == 3
    assert after == small.fresh()


def test_a_changed_setting_is_a_miss(small, computed):
    small.build()
    settings = small.settings
    community = pipeline.build_community(
        dataclasses.replace(settings, regular_min_posts=2), small.posts
    )
    assert len(computed) == 2
    assert community.regulars  # Tom talked on two posts


def test_an_archive_line_changed_in_place_is_a_miss(small, computed):
    small.build()
    path = small.archive / "wp.jsonl"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    # Same size, same modification time: only the content tells.
    path.write_text(text.replace("Tom Reader", "Tom Roader"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = pipeline.build_community(small.settings, small.posts).json_text()
    assert len(computed) == 2
    assert "Tom Roader" in after


def test_an_old_archive_file_changed_in_place_is_a_miss(small, computed, monkeypatch):
    """Past the racy window the times are trusted: a rewrite changes them."""
    monkeypatch.setattr(fingerprints, "RACY_SECONDS", 0.0)
    small.build()
    path = small.archive / "wp.jsonl"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Tom Reader", "Tom Roader"),
        encoding="utf-8",
    )
    assert "Tom Roader" in small.build()
    assert len(computed) == 2


def test_a_touched_but_identical_archive_is_still_a_hit(small, computed):
    small.build()
    path = small.archive / "wp.jsonl"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    small.build()
    small.build()
    assert len(computed) == 1


def test_a_new_archive_file_is_a_miss(small, computed):
    small.build()
    (small.archive / "other.jsonl").write_text(
        '{"author_name": "New Person", "id": "x1", "kind": "comment", '
        '"source": "other", "target_url": "https://blog.example/first-light/"}\n',
        encoding="utf-8",
    )
    assert "New Person" in small.build()
    assert len(computed) == 2


def test_a_changed_source_file_reaches_the_page(small, computed):
    small.build()
    export = small.root / "data" / "export.xml"
    export.write_text(
        export.read_text(encoding="utf-8").replace("Tom Reader", "Thomas Reader"),
        encoding="utf-8",
    )
    assert "Thomas Reader" in small.build()
    assert len(computed) == 2


@pytest.mark.parametrize(
    "damage", ["truncate", "garbage", "foreign", "record-truncated", "record-garbage"]
)
def test_a_damaged_cache_is_ignored(small, computed, damage, caplog):
    expected = small.build()
    data = small.cache / cache_module.DATA_FILE
    record = small.cache / cache_module.KEY_FILE
    if damage == "truncate":
        data.write_bytes(data.read_bytes()[:100])
    elif damage == "garbage":
        data.write_bytes(b"not a snapshot")
    elif damage == "foreign":  # another site's snapshot: another token
        small.build()
        other = data.read_bytes()
        (small.root / "community.yaml").write_text(PEOPLE + "# edited\n")
        small.build()
        data.write_bytes(other)
        assert len(computed) == 2
        computed.clear()
        computed.append(1)
    elif damage == "record-truncated":
        record.write_bytes(record.read_bytes()[:40])
    else:
        record.write_bytes(b"\x00\xff not JSON")
    with caplog.at_level("DEBUG", logger="pelican.plugins.community"):
        assert small.build() == expected
    assert len(computed) == 2
    assert "Traceback" not in caplog.text
    assert small.build() == expected
    assert len(computed) == 2  # rebuilt and cached again


def test_no_cache_folder_is_made_without_an_archive_folder(tmp_path):
    folder = tmp_path / "cache" / cache_module.CACHE_DIR
    store = cache_module.CommunityCache(tmp_path / "community-archive", folder)
    community = compute_community([], PeopleFile(), [], 3, max_depth=6)
    store.store("inputs", community)
    assert not (tmp_path / "community-archive").exists()
    assert not folder.exists()
    assert store.load("inputs") is None


def two_posts(site, **settings):
    """``site`` with two posts, the WordPress export and the people file,
    the thank-you list and the conversation in each article, and
    ``settings``."""
    site.article("first-light", "First light", "2013-03-01")
    site.article("second-draft", "Second draft", "2013-04-01")
    site.write("data/export.xml", _export())
    site.write("community.yaml", PEOPLE)
    site.settings.update(
        COMMUNITY_SOURCES=[{"type": "wordpress", "path": "data/export.xml"}],
        COMMUNITY_THANKS_IN_CONTENT=True,
        COMMUNITY_JSON_SAVE_AS="community/community.json",
        CACHE_PATH="cache",
        **settings,
    )
    return site


def test_pelican_content_cache_keeps_working_with_the_plugin(site):
    """Pelican's own caching (CACHE_CONTENT, LOAD_CONTENT_CACHE) and ours:
    the second build reads articles from Pelican's cache and the community
    from ours, and writes the same pages."""
    two_posts(site, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    site.build()
    pages = {
        name: site.page(name)
        for name in (
            "first-light/index.html",
            "second-draft/index.html",
            "community/index.html",
            "community/community.json",
        )
    }
    assert any((site.root / "cache").iterdir())  # Pelican cached the articles
    assert (site.root / "cache" / "pelican-community" / cache_module.KEY_FILE).exists()
    site.build()
    for name, text in pages.items():
        assert site.page(name) == text, name
    # The thank-you list is in the article once, not appended twice: Tom
    # Reader is named once in it and once beside his comment.
    article = pages["first-light/index.html"]
    assert article.count('<section class="community-thanks"') == 1
    assert article.count("#person-tom-reader") == 1
    assert article.count("Tom Reader") == 2


def test_a_long_reply_thread_is_cached_too(small, computed):
    """A thread of replies to replies pickles flat, not one level per reply."""
    c = WxrComment
    chain = [
        c(
            n,
            f"Reader {n % 7}",
            "2013-03-04 15:00:00",
            email=f"r{n % 7}@mail.example",
            parent=n - 1 if n > 1 else 0,
        )
        for n in range(1, 1500)
    ]
    export = small.root / "data" / "export.xml"
    export.write_text(wxr([WxrPost(1, "first-light", "First light", chain)]))
    first = pipeline.build_community(small.settings, small.posts)
    second = pipeline.build_community(small.settings, small.posts)
    assert len(computed) == 1

    def shape(comments):
        deepest, count, stack = 0, 0, [(comment, 1) for comment in comments]
        while stack:
            comment, level = stack.pop()
            deepest, count = max(deepest, level), count + 1
            stack.extend((reply, level + 1) for reply in comment.replies)
        return deepest, count

    thread = first.for_post("first-light").conversation
    # Nested six replies deep, the rest listed flat: every reply is there.
    assert shape(second.for_post("first-light").conversation) == shape(thread)
    assert shape(thread) == (7, 1499)
    assert first.json_text() == second.json_text()


def test_a_cached_conversation_is_the_computed_one(small, computed):
    """The conversation under a post, served from the cache, has the same
    comments, threads and people as the one just computed."""
    first = pipeline.build_community(small.settings, small.posts)
    second = pipeline.build_community(small.settings, small.posts)
    assert len(computed) == 1

    def outline(comments):
        return [
            (c.name, c.by_author, str(c.content), outline(c.replies)) for c in comments
        ]

    for slug in ("first-light", "second-draft"):
        assert outline(second.for_post(slug).conversation) == outline(
            first.for_post(slug).conversation
        )
    post = second.for_post("first-light")
    # Each comment under the name it was signed with ("K. Bell" is Karen).
    assert [c.name for c in post.conversation] == ["K. Bell", "Tom Reader"]
    assert post.conversation[0].person.name == "Karen Bell"
    assert post.conversation[1].replies[0].by_author
    # A commenter is the same person in the conversation and in the thanks.
    tom = post.conversation[1].person
    assert tom is next(t.person for t in post.thanks if t.person.name == "Tom Reader")
    assert tom in second.people


def _count_export_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = fingerprints.content_digest

    def counting(path, options=None):
        reads.append(path.name)
        return real(path, options)

    monkeypatch.setattr(fingerprints, "content_digest", counting)
    return reads


def test_an_unchanged_export_is_not_read_again(small, monkeypatch):
    """Past the racy window, an export whose size and times are unchanged is
    known unchanged without reading it; the archive's own state stays free
    of file times (it is committed to git)."""
    monkeypatch.setattr(fingerprints, "RACY_SECONDS", 0.0)
    reads = _count_export_reads(monkeypatch)
    first = small.build()
    assert small.build() == first
    assert reads.count("export.xml") == 1
    assert (small.cache / fingerprints.DigestMemo.FILE).exists()
    state = (small.archive / "state.json").read_text(encoding="utf-8")
    assert "mtime" not in state and "stat" not in state


def test_an_edited_export_is_read_again(small, monkeypatch):
    monkeypatch.setattr(fingerprints, "RACY_SECONDS", 0.0)
    reads = _count_export_reads(monkeypatch)
    small.build()
    export = small.root / "data" / "export.xml"
    export.write_text(
        export.read_text(encoding="utf-8").replace("Tom Reader", "Tom Roader"),
        encoding="utf-8",
    )
    assert '"name": "Tom Roader"' in small.build()
    assert reads.count("export.xml") == 2


def test_an_export_rewritten_within_the_racy_window_is_read_again(small):
    """A rewrite that keeps the size and the times (as a fast script within
    the file system's timestamp granularity can) still reaches the page."""
    small.build()
    export = small.root / "data" / "export.xml"
    stat = export.stat()
    export.write_text(
        export.read_text(encoding="utf-8").replace("Tom Reader", "Tom Roader"),
        encoding="utf-8",
    )
    os.utime(export, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert '"name": "Tom Roader"' in small.build()


class _Planted:
    """What a poisoned CI cache holds: unpickling it creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "code ran"))


@pytest.mark.parametrize("shape", ["bare", "after-the-magic", "as-the-record"])
def test_a_planted_pickle_is_never_unpickled_and_the_build_recomputes(
    small, computed, tmp_path, shape
):
    """What a poisoned CI cache could hold: nothing in the cache is ever
    unpickled, whatever the file starts with or where it is."""
    expected = small.build()
    marker = tmp_path / "pwned"
    bad = pickle.dumps(_Planted(marker))
    if shape == "after-the-magic":
        bad = codec.MAGIC + len(bad).to_bytes(8, "big") + bad
    names = [cache_module.DATA_FILE]
    if shape == "as-the-record":
        names = [cache_module.KEY_FILE, cache_module.DATA_FILE]
    for name in names:
        (small.cache / name).write_bytes(bad)
    assert small.build() == expected
    assert not marker.exists()
    assert len(computed) == 2  # recomputed ...
    assert small.build() == expected
    assert len(computed) == 2  # ... and cached again
    assert b"pickle" not in (small.cache / cache_module.DATA_FILE).read_bytes()[:64]


def test_the_signing_key_is_the_users_own_and_outside_the_cache(small, tmp_path):
    small.build()
    key = cache_module.secret_key_path()
    assert key is not None and key.exists()
    assert not key.resolve().is_relative_to(small.root)
    assert key.stat().st_mode & 0o777 == 0o600
    record = json.loads((small.cache / cache_module.KEY_FILE).read_text())
    assert len(record["tag"]) == 64
    # A key inside the cache folder could be planted with the files: it is
    # never used, and the snapshot is written unsigned.
    inside = cache_module.CommunityCache(
        small.archive, small.cache, small.cache / "cache.key"
    )
    inside.store(record["inputs"], inside.load(record["inputs"]))
    assert not (small.cache / "cache.key").exists()
    assert json.loads((small.cache / cache_module.KEY_FILE).read_text())["tag"] == ""


def test_a_cached_community_names_the_same_people_everywhere(small, computed):
    """People are kept apart from the posts that name them (by their place):
    served from the cache, the thanks, the reactors and the conversation
    still name the very people of the community's list."""
    first = pipeline.build_community(small.settings, small.posts)
    second = pipeline.build_community(small.settings, small.posts)
    assert len(computed) == 1
    assert second.json_text() == first.json_text()
    assert len(second.people) > 1
    listed = {id(person) for person in second.people}

    def named(comments):
        for comment in comments:
            if comment.person is not None:
                yield comment.person
            yield from named(comment.replies)

    seen = 0
    for view in second.posts.values():
        people = [t.person for t in view.thanks] + view.reactors
        people += list(named(view.conversation))
        assert all(id(person) in listed for person in people)
        seen += len(people)
    assert seen > len(second.people)
