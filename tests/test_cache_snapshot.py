"""The community snapshot: a hit on a fresh machine, safe whoever wrote it."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from pelican.plugins.community import cache as cache_module
from pelican.plugins.community import sanitize
from pelican.plugins.community.cache import codec
from pelican.plugins.community.views.community import COMMENT_ROW
from test_cache import computed, two_posts

PAGES = (
    "first-light/index.html",
    "second-draft/index.html",
    "community/index.html",
    "community/community.json",
)
Rows = list[list[object]]

__all__ = ["computed"]  # the fixture, shared with test_cache


def _made(site):
    return two_posts(site, COMMUNITY_OFFLINE=True)


def _pages(site) -> dict[str, str]:
    return {name: site.page(name) for name in PAGES}


def _folder(site) -> Path:
    return site.root / "cache" / cache_module.CACHE_DIR


def _parts(data: bytes) -> tuple[dict, bytes]:
    start = len(codec.MAGIC) + 8
    length = int.from_bytes(data[len(codec.MAGIC) : start], "big")
    return json.loads(zlib.decompress(data[start : start + length])), data[
        start + length :
    ]


def _rewrite(
    site,
    header: Callable[[dict], None] | None = None,
    rows: Callable[[str, Rows, list[int]], None] | None = None,
    *,
    sign: bool = False,
) -> None:
    """Change the snapshot as someone with write access to ``cache/``
    could; ``sign``: and sign it with the user's own key (as only the user
    can), so that it is read as the user's own."""
    path = _folder(site) / cache_module.DATA_FILE
    found, blobs = _parts(path.read_bytes())
    pieces, offset = [], 0
    for post in found["posts"]:
        place = post[5]
        if place is None:
            continue
        data = blobs[place[0] : place[0] + place[1]]
        if rows is not None:
            comments, parents = json.loads(zlib.decompress(data))
            rows(post[0], comments, parents)
            data = zlib.compress(json.dumps([comments, parents]).encode())
        post[5] = [offset, len(data), place[2]]
        pieces.append(data)
        offset += len(data)
    if header is not None:
        header(found)
    packed = zlib.compress(json.dumps(found).encode())
    data = codec.MAGIC + len(packed).to_bytes(8, "big") + packed + b"".join(pieces)
    path.write_bytes(data)
    if sign:
        key_path = cache_module.secret_key_path()
        key = bytes.fromhex(key_path.read_text().strip())
        record_path = _folder(site) / cache_module.KEY_FILE
        record = json.loads(record_path.read_text())
        record["tag"] = hmac.new(key, data, hashlib.sha256).hexdigest()
        record_path.write_text(json.dumps(record))


def _copy_to_a_fresh_machine(site, tmp_path: Path, monkeypatch) -> None:
    """The site as a CI job has it: a fresh checkout (every file new, with
    new times and inodes) with ``cache/`` restored, another user's cache
    directory (no key, or another one)."""
    other = tmp_path / "elsewhere"
    shutil.copytree(site.root, other, copy_function=shutil.copy)
    shutil.rmtree(other / "output")
    for path in other.rglob("*"):
        if path.is_file():
            os.utime(path)  # now: the times of a checkout
    site.root = other
    site.content = other / "content"
    site.output = other / "output"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ci-user-cache"))


def test_a_snapshot_restored_on_a_fresh_machine_is_a_hit(
    site, computed, tmp_path, monkeypatch, caplog
):
    _made(site).build()
    pages = _pages(site)
    _copy_to_a_fresh_machine(site, tmp_path, monkeypatch)
    with caplog.at_level("INFO", logger="pelican.plugins.community"):
        site.build()
    assert len(computed) == 1  # not computed again
    assert _pages(site) == pages
    assert "checked" in caplog.text  # read as any input: not this user's own
    # Checked and found as it was, it is now this user's: read quickly.
    caplog.clear()
    with caplog.at_level("INFO", logger="pelican.plugins.community"):
        site.build()
    assert len(computed) == 1
    assert "checked" not in caplog.text
    assert _pages(site) == pages


def test_the_code_counts_by_its_content_not_its_install(tmp_path):
    """A fresh ``pip install`` (new files, new times) is the same code; a
    changed byte is not."""
    package = Path(cache_module.__file__).resolve().parent.parent
    copy = tmp_path / "reinstalled"
    shutil.copytree(package, copy, copy_function=shutil.copy)
    assert cache_module.code_digest(copy) == cache_module.code_digest()
    edited = tmp_path / "edited"
    shutil.copytree(package, edited, copy_function=shutil.copy)
    changed = edited / "cache" / "codec.py"
    changed.write_text(changed.read_text() + "\n# edited\n")
    assert cache_module.code_digest(edited) != cache_module.code_digest()


def test_a_stale_snapshot_from_elsewhere_is_computed_again(
    site, computed, tmp_path, monkeypatch
):
    _made(site).build()
    _copy_to_a_fresh_machine(site, tmp_path, monkeypatch)
    archive = site.root / "community-archive"
    [jsonl] = archive.glob("*.jsonl")
    jsonl.write_text(jsonl.read_text().replace("Tom Reader", "Tom Roader"))
    site.build()
    assert len(computed) == 2
    assert "Tom Roader" in site.page("community/index.html")


_CONTENT = COMMENT_ROW.index("content")
_PLANTED = (
    '<p>Kind words<script>alert("planted")</script>'
    '<a href="javascript:alert(1)" onclick="steal()">here</a>'
    '<img src="x" onerror="steal()"></p>'
)


def _plant_html(slug: str, rows: Rows, parents: list[int]) -> None:
    if slug == "first-light":
        rows[0][_CONTENT] = _PLANTED


def _assert_safe(text: str) -> None:
    for bad in ("<script", "javascript:", "onclick", "onerror", "steal()"):
        assert bad not in text, bad


def test_planted_html_from_elsewhere_is_sanitized_again(site, computed, caplog):
    _made(site).build()
    _rewrite(site, rows=_plant_html)  # the tag no longer matches: not ours
    site.build()
    article = site.page("first-light/index.html")
    assert "Kind words" in article  # the snapshot was used ...
    assert len(computed) == 1
    _assert_safe(article)  # ... with its HTML sanitized again
    # Written anew as it reads now, and then served as the user's own.
    site.build()
    assert len(computed) == 1
    assert "Kind words" in site.page("first-light/index.html")
    _assert_safe(site.page("first-light/index.html"))


def _set_person(field: str, value: object) -> Callable[[dict], None]:
    at = codec.PERSON_ROW.index(field)

    def change(header: dict) -> None:
        header["people"][at][0] = value  # people are kept as columns

    return change


def _set_comment(field: str, value: object) -> Callable[[str, Rows, list[int]], None]:
    at = COMMENT_ROW.index(field)

    def change(slug: str, rows: Rows, parents: list[int]) -> None:
        rows[0][at] = value

    return change


def _first_post(change: Callable[[list], None]) -> Callable[[dict], None]:
    def header(found: dict) -> None:
        change(next(p for p in found["posts"] if p[0] == "first-light"))

    return header


def _reply_before_parent(slug: str, rows: Rows, parents: list[int]) -> None:
    if len(parents) > 1:
        parents[0] = len(parents) - 1


def _thanks_stranger(post: list) -> None:
    post[1][0][0] = 10**6


def _conversation_stranger(post: list) -> None:
    post[5][2].append(10**6)


def _conversation_outside(post: list) -> None:
    post[5][0] = 10**9


def _counts_without_likes(found: dict) -> None:
    at = codec.PERSON_ROW.index("counts")
    place = found["people"][at][0]
    found["values"][place] = {"comment": 1}


def _years_far_away(found: dict) -> None:
    at = codec.PERSON_ROW.index("conversation_years")
    found["values"].append([1, 10**9])
    found["people"][at][0] = len(found["values"]) - 1


MISSES = {
    "person's link to javascript:": dict(header=_set_person("url", "javascript:x")),
    "person's photo from a data: address": dict(
        header=_set_person("photo", "data:image/png;base64,AAAA")
    ),
    "person's name a number": dict(header=_set_person("name", 5)),
    "unknown role": dict(header=_set_person("role", "admin")),
    "person not pinned but 'yes'": dict(header=_set_person("pinned", "yes")),
    "a date that is not one": dict(header=_set_person("first_seen", "last week")),
    "duplicate ids": dict(header=lambda h: [c.append(c[0]) for c in h["people"]]),
    "columns of different lengths": dict(header=lambda h: h["people"][3].pop()),
    "counts without likes": dict(header=_counts_without_likes),
    "a year in a billion": dict(header=_years_far_away),
    "thanks to someone not there": dict(header=_first_post(_thanks_stranger)),
    "a conversation naming someone not there": dict(
        header=_first_post(_conversation_stranger)
    ),
    "a conversation outside the file": dict(header=_first_post(_conversation_outside)),
    "comment link to javascript:": dict(rows=_set_comment("url", "javascript:x")),
    "comment permalink to javascript:": dict(
        rows=_set_comment("permalink", " javascript:alert(1)")
    ),
    "comment anchor breaking out": dict(rows=_set_comment("anchor", '"><script>')),
    "comment by_author a string": dict(rows=_set_comment("by_author", "true")),
    "comment kind unknown": dict(rows=_set_comment("kind", "script")),
    "comment's person out of range": dict(rows=_set_comment("person", 99)),
    "a reply before its parent": dict(rows=_reply_before_parent),
    "a row too short": dict(rows=lambda slug, rows, parents: rows[0].pop()),
    "posts not a list": dict(header=lambda h: h.update(posts={"a": 1})),
    "another version": dict(header=lambda h: h.update(format=999)),
}


@pytest.mark.parametrize("name", MISSES)
def test_a_tampered_snapshot_is_a_miss_never_a_traceback(site, computed, caplog, name):
    _made(site).build()
    pages = _pages(site)
    _rewrite(site, **MISSES[name])
    with caplog.at_level("DEBUG", logger="pelican.plugins.community"):
        site.build()
    assert len(computed) == 2  # computed again ...
    assert _pages(site) == pages  # ... as it was
    assert "not using the snapshot" in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    "damage", ["cut-in-the-header", "cut-in-a-conversation", "huge-length", "bomb"]
)
def test_truncated_or_inflating_bytes_are_a_miss(site, computed, damage):
    _made(site).build()
    pages = _pages(site)
    path = _folder(site) / cache_module.DATA_FILE
    data = path.read_bytes()
    start = len(codec.MAGIC) + 8
    length = int.from_bytes(data[len(codec.MAGIC) : start], "big")
    if damage == "cut-in-the-header":
        data = data[: start + length // 2]
    elif damage == "cut-in-a-conversation":
        data = data[:-5]
    elif damage == "huge-length":
        data = codec.MAGIC + (2**63).to_bytes(8, "big") + data[start:]
    else:  # 64 MiB of JSON-ish spaces in a few kilobytes
        bomb = zlib.compress(b" " * (64 << 20), 9)
        data = codec.MAGIC + len(bomb).to_bytes(8, "big") + bomb
    path.write_bytes(data)
    site.build()
    assert len(computed) == 2
    assert _pages(site) == pages


def test_a_damaged_conversation_in_the_users_own_snapshot_is_left_out(
    site, computed, caplog
):
    """Even a snapshot signed with the user's key has its conversations
    checked when shown: a bad one is told and left out, the page is built."""
    _made(site).build()
    _rewrite(site, rows=_set_comment("permalink", "javascript:alert(1)"), sign=True)
    with caplog.at_level("WARNING", logger="pelican.plugins.community"):
        site.build()
    assert len(computed) == 1
    article = site.page("first-light/index.html")
    _assert_safe(article)
    assert "is damaged" in caplog.text
    assert "Karen Bell" in article  # the thank-you list is still there


def test_the_users_own_snapshot_is_not_sanitized_again(site, computed, monkeypatch):
    """The user's key is what lets a warm build skip the sanitizer."""
    _made(site).build()
    calls = []
    real = sanitize.clean_html
    monkeypatch.setattr(
        sanitize, "clean_html", lambda text: calls.append(1) or real(text)
    )
    site.build()
    assert len(computed) == 1 and calls == []
    _rewrite(site)  # the same data, no longer with the user's tag
    site.build()
    assert len(computed) == 1 and calls
