"""No stranger's name or address stays in the process after a build, finished or failed."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from builders import WxrComment, WxrPost, jf2, jf2_entry, wxr
from pelican.plugins.community import pipeline
from pelican.plugins.community.memo import (
    Memo,
    Table,
    active_memo,
    remembered,
    unremembered,
)
from pelican.plugins.community.model import PostRef
from pelican.plugins.community.people import roles
from pelican.plugins.community.settings import load_settings
from pelican.plugins.community.urls import safe_http_url

# Spelled at run time, so that no constant of this module holds them.
NAME = "".join(["Zebulon ", "Quaritch-", "Vantongeren"])
SITE = "".join(["https://zebulon-", "quaritch.example/", "about/"])


def _site(root: Path) -> tuple[object, list[PostRef]]:
    (root / "data").mkdir(parents=True)
    comments = [
        WxrComment(n, NAME, f"2013-03-0{n} 15:00:00", url=SITE, email="z@mail.example")
        for n in range(1, 4)
    ]
    (root / "data" / "export.xml").write_text(
        wxr([WxrPost(1, "first-light", "First light", comments)]), encoding="utf-8"
    )
    # And a mention of the post on their own site (shares are told by the
    # words of the posting account's name too).
    mention = jf2_entry(
        9,
        "mention-of",
        "https://blog.example/first-light/",
        NAME,
        SITE,
        content="I wrote about first light at length.",
    )
    (root / "data" / "webmentions.json").write_text(jf2([mention]), encoding="utf-8")
    settings = load_settings(
        {
            "COMMUNITY_SOURCES": [
                {"type": "wordpress", "path": "data/export.xml", "name": "wp"},
                {"type": "webmention.io", "path": "data/webmentions.json"},
            ],
            "COMMUNITY_OFFLINE": True,
        },
        root=root,
    )
    posts = [
        PostRef(
            "first-light",
            "https://blog.example/first-light/",
            "First light",
            "2013-03-01T00:00:00+00:00",
        )
    ]
    return settings, posts


def _holders_of_strangers() -> list[str]:
    """Every live container (dict, list, set, tuple, a memo's table, a
    function's cache) that holds the stranger's name or site, named by its
    type. A container of strings only is not tracked by the collector: it
    is found among what the tracked objects hold."""
    gc.collect()
    found = []
    tracked = gc.get_objects()
    candidates = [*tracked]
    for held in tracked:
        candidates += [r for r in gc.get_referents(held) if not gc.is_tracked(r)]
    for held in candidates:
        if held is globals():  # where this test keeps them
            continue
        if isinstance(held, dict):
            values = [*held.keys(), *held.values()]
        elif isinstance(held, (list, tuple, set, frozenset)):
            values = list(held)
        else:
            continue
        if any(type(v) is str and (NAME in v or SITE in v) for v in values):
            found.append(type(held).__name__)
    return found


def _tables_with_answers() -> list[Table[object, object]]:
    gc.collect()
    return [t for t in gc.get_objects() if isinstance(t, Table) and len(t)]


def test_the_stranger_is_on_the_page_then_nowhere_in_the_process(tmp_path):
    settings, posts = _site(tmp_path / "site")
    community = pipeline.build_community(settings, posts)
    assert [person.name for person in community.people] == [NAME]
    assert NAME in community.json_text()
    del community
    assert _holders_of_strangers() == []
    assert _tables_with_answers() == []
    assert active_memo() is None


def test_a_build_that_fails_midway_leaves_no_stranger_behind(tmp_path, monkeypatch):
    settings, posts = _site(tmp_path / "site")

    def broken(*args, **kwargs):
        raise RuntimeError("classification broke")

    # Fails after the merge and the URLs' memos have been filled.
    monkeypatch.setattr(roles, "classify", broken)
    try:
        pipeline.build_community(settings, posts)
    except RuntimeError as failure:
        assert str(failure) == "classification broke"
    else:
        pytest.fail("the build did not fail")
    assert _holders_of_strangers() == []
    assert _tables_with_answers() == []
    assert active_memo() is None


def _shouting(calls: list[str]):
    """A remembered function that writes down each value it computes."""

    @remembered()
    def shout(value: str) -> str:
        calls.append(value)
        return value.upper()

    return shout


def test_a_remembered_function_computes_once_per_value_within_a_memo_only():
    calls: list[str] = []
    shout = _shouting(calls)
    assert shout("a") == shout("a") == "A"
    assert calls == ["a", "a"]  # no memo: nothing remembered
    with Memo() as memo:
        assert shout("b") == shout("b") == "B"
        assert memo.table(shout)["b"] == "B"  # one table, the wrapper's
        assert len(memo) == 1
    assert calls == ["a", "a", "b"]
    assert len(memo) == 0


def test_an_unremembered_function_computes_every_time_and_keeps_nothing():
    calls: list[str] = []
    shout = _shouting(calls)
    once = unremembered(shout)
    with Memo() as memo:
        assert once("permalink") == once("permalink") == "PERMALINK"
        assert len(memo) == 0  # a one-of-a-kind value fills no table
        assert shout("name") == "NAME"
        assert len(memo) == 1
    assert calls == ["permalink", "permalink", "name"]
    assert unremembered(safe_http_url)("javascript:alert(1)") == ""


def test_a_full_table_starts_again_rather_than_grow():
    with Memo() as memo:
        table = memo.table(str.upper, limit=3)
        for letter in "abcdefg":
            assert table[letter] == letter.upper()
        assert len(table) <= 3


def test_urls_answer_the_same_inside_and_outside_a_memo():
    address = "https://jane.example/a?b=1"
    outside = safe_http_url(address)
    with Memo():
        assert safe_http_url(address) == safe_http_url(address) == outside
        assert safe_http_url(None) == ""  # not a string: computed, not kept
