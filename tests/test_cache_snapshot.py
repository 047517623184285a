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


def _parts(data: bytes) -> tuple[dict, dict, bytes]:
    """The snapshot's plain preamble, its body and its conversations."""
    start = len(codec.MAGIC) + 8
    length = int.from_bytes(data[len(codec.MAGIC) : start], "big")
    preamble = json.loads(data[start : start + length])
    end = start + length + preamble["body"]
    return preamble, json.loads(data[start + length : end]), data[end:]


def _joined(preamble: dict, body: dict, blobs: bytes) -> bytes:
    text = json.dumps(body).encode()
    preamble = json.dumps(preamble | {"body": len(text)}).encode()
    return codec.MAGIC + len(preamble).to_bytes(8, "big") + preamble + text + blobs


def _rewrite(
    site,
    header: Callable[[dict], None] | None = None,
    rows: Callable[[str, Rows, list[int]], None] | None = None,
    *,
    preamble: Callable[[dict], None] | None = None,
    sign: bool = False,
) -> None:
    """Change the snapshot as someone with write access to ``cache/``
    could (``header``: its body, ``rows``: each conversation's rows,
    ``preamble``: its plain preamble); ``sign``: and sign it with the
    user's own key (as only the user can), so that it is read as the
    user's own."""
    path = _folder(site) / cache_module.DATA_FILE
    found, body, blobs = _parts(path.read_bytes())
    posts = body["posts"]
    pieces, offset = [], 0
    for at, size in enumerate(posts["conversation"]):
        if size < 0:
            continue
        data = blobs[offset : offset + size]
        offset += size
        if rows is not None:
            comments, parents = json.loads(zlib.decompress(data))
            rows(posts["slug"][at], comments, parents)
            data = zlib.compress(json.dumps([comments, parents]).encode())
        posts["conversation"][at] = len(data)
        pieces.append(data)
    if header is not None:
        header(body)
    if preamble is not None:
        preamble(found)
    data = _joined(found, body, b"".join(pieces))
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


def _first_post(column: str, change: Callable[[list, int], None]):
    """Change the posts' ``column`` at the first post's place (its share of
    a flat column starts there too: the first post is first)."""

    def header(body: dict) -> None:
        posts = body["posts"]
        assert posts["slug"].index("first-light") == 0
        change(posts[column], 0)

    return header


def _reply_before_parent(slug: str, rows: Rows, parents: list[int]) -> None:
    if len(parents) > 1:
        parents[0] = len(parents) - 1


def _stranger(values: list, at: int) -> None:
    values[at] = 10**6


def _conversation_outside(sizes: list, at: int) -> None:
    sizes[at] = 10**9


def _counts_without_likes(body: dict) -> None:
    at = codec.PERSON_ROW.index("counts")
    place = body["people"][at][0]
    body["tables"]["counts"][place] = {"comment": 1}


def _years_far_away(body: dict) -> None:
    at = codec.PERSON_ROW.index("conversation_years")
    body["tables"]["conversation_years"].append([1, 10**9])
    body["people"][at][0] = len(body["tables"]["conversation_years"]) - 1


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
    "thanks to someone not there": dict(header=_first_post("thanked", _stranger)),
    "a conversation naming someone not there": dict(
        header=_first_post("conversation_named", _stranger)
    ),
    "a conversation outside the file": dict(
        header=_first_post("conversation", _conversation_outside)
    ),
    "more thanks than the posts say": dict(
        header=lambda h: h["posts"]["thanked"].append(0)
    ),
    "a reaction of an unknown kind": dict(
        header=lambda h: h["posts"]["reactions"][0].update(boost=1)
    ),
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
    "another version": dict(preamble=lambda p: p.update(format=999)),
    "another snapshot's token": dict(preamble=lambda p: p.update(token="0" * 32)),
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
    "damage",
    [
        "cut-in-the-preamble",
        "cut-in-the-body",
        "cut-in-a-conversation",
        "huge-length",
        "a body longer than the file",
        "bomb",
    ],
)
def test_truncated_or_inflating_bytes_are_a_miss(site, computed, damage):
    _made(site).build()
    pages = _pages(site)
    path = _folder(site) / cache_module.DATA_FILE
    data = path.read_bytes()
    start = len(codec.MAGIC) + 8
    length = int.from_bytes(data[len(codec.MAGIC) : start], "big")
    preamble, body, blobs = _parts(data)
    if damage == "cut-in-the-preamble":
        data = data[: start + length // 2]
    elif damage == "cut-in-the-body":
        data = data[: start + length + preamble["body"] // 2]
    elif damage == "cut-in-a-conversation":
        data = data[:-5]
    elif damage == "huge-length":
        data = codec.MAGIC + (2**63).to_bytes(8, "big") + data[start:]
    elif damage == "a body longer than the file":
        text = json.dumps(preamble | {"body": 2**40}).encode()
        data = (
            codec.MAGIC + len(text).to_bytes(8, "big") + text + data[start + length :]
        )
    else:  # a conversation of 64 MiB of JSON-ish spaces in a few kilobytes
        bomb = zlib.compress(b" " * (64 << 20), 9)
        sizes = body["posts"]["conversation"]
        first = next(at for at, size in enumerate(sizes) if size >= 0)
        rest = blobs[sizes[first] :]
        sizes[first] = len(bomb)
        data = _joined(preamble, body, bomb + rest)
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
