"""A feedparser the fast feed reader does not fit: feeds are read by feedparser alone, alike, with one DEBUG line."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import feedparser
import pytest
from pelican.plugins.community import sources
from pelican.plugins.community.sources import _feed_fast, feed

FEED = Path(__file__).parent / "fixtures" / "feed-wordpress-comments.xml"
LOGGER = "pelican.plugins.community.sources.feed"


@pytest.fixture
def fresh_decision():
    """The fast reader's fitness decided again (once per process otherwise)."""
    feed.fast_reader.cache_clear()
    yield
    feed.fast_reader.cache_clear()


@pytest.fixture
def fast_calls(monkeypatch):
    calls: list[int] = []
    real = _feed_fast.read_plain_feed

    def counting(data: bytes):
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(_feed_fast, "read_plain_feed", counting)
    return calls


def _read_by_feedparser_alone() -> object:
    return feed.parse_feed(FEED.read_bytes(), "wp", "comments.xml", fast_path=False)


def _debug_lines(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == LOGGER and r.levelno == logging.DEBUG
    ]


def test_the_installed_feedparser_is_fit_and_the_fast_reader_is_used(
    fresh_decision, fast_calls, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    result = feed.parse_feed(FEED.read_bytes(), "wp", "comments.xml")
    assert result == _read_by_feedparser_alone()
    assert len(result.interactions) > 0
    assert _debug_lines(caplog) == []
    # The sample feed at the first read, then the feed itself.
    assert fast_calls == [len(_feed_fast.SAMPLE_FEED), FEED.stat().st_size]


def test_an_untested_feedparser_reads_every_feed_alone_saying_so_once(
    fresh_decision, fast_calls, caplog, monkeypatch
):
    monkeypatch.setattr(feedparser, "__version__", "6.1.0")
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    first = feed.parse_feed(FEED.read_bytes(), "wp", "comments.xml")
    again = feed.parse_feed(FEED.read_bytes(), "wp", "comments.xml")
    assert first == again == _read_by_feedparser_alone()
    assert fast_calls == []
    (line,) = _debug_lines(caplog)
    assert "feedparser 6.1.0 is not a version it is tested with" in line
    assert "read by feedparser alone" in line


def test_a_fast_reader_that_reads_the_sample_otherwise_is_not_trusted(
    fresh_decision, caplog, monkeypatch
):
    real = _feed_fast.read_plain_feed

    def misreading(data: bytes):
        found = real(data)
        if found is not None:
            for entry in found.entries:
                entry["link"] = "https://elsewhere.example/#comment-1"
        return found

    monkeypatch.setattr(_feed_fast, "read_plain_feed", misreading)
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    result = feed.parse_feed(FEED.read_bytes(), "wp", "comments.xml")
    assert result == _read_by_feedparser_alone()
    (line,) = _debug_lines(caplog)
    assert "its records of a sample feed are not feedparser's" in line


def test_a_feedparser_without_the_helpers_reads_feeds_alone(
    fresh_decision, caplog, monkeypatch
):
    # The import of the fast reader fails, as on a feedparser that renamed
    # the private functions it calls.
    monkeypatch.setitem(sys.modules, _feed_fast.__name__, None)
    monkeypatch.delattr(sources, "_feed_fast")
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    result = feed.parse_feed(FEED.read_bytes(), "wp", "comments.xml")
    assert result == _read_by_feedparser_alone()
    (line,) = _debug_lines(caplog)
    assert "feedparser helpers this feedparser lacks" in line


@pytest.mark.parametrize(
    ("version", "fits"),
    [
        ("6.0.11", True),
        ("6.0.14", True),
        ("6.0.10", False),
        ("6.1.0", False),
        ("7.0.0", False),
        ("6.0.12b1", False),
        ("6", False),
    ],
)
def test_the_tested_range(version, fits):
    assert (_feed_fast.untested_feedparser(version) == "") is fits
