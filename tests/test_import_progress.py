"""A long first import shows a bar of the export's bytes read, on a terminal
only (like fetching): `pelican content` on a large export is not silent, and
a CI log or a pipe gets nothing."""

from __future__ import annotations

import io

import pytest
from builders import WxrComment, WxrPost, wxr
from rich.console import Console

#: About 1.5 MB: over the size from which a bar is shown.
LARGE = [
    WxrComment(
        n,
        f"Reader {n}",
        f"2014-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00:00",
        content="Thank you for this. " * 20,
        url=f"https://reader{n}.example/",
    )
    for n in range(1, 3001)
]


def _large_export(site, comments=LARGE) -> None:
    site.article("post-1", "First light", "2013-01-01")
    site.write("data/export.xml", wxr([WxrPost(1, "post-1", "First light", comments)]))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True


def _build_on(site, monkeypatch, console: Console) -> None:
    """Build with ``console`` as the one Pelican logs to."""
    import pelican.log

    monkeypatch.setattr(pelican.log, "console", console, raising=False)
    site.build()


def test_a_large_export_shows_its_bytes_read_on_a_terminal(site, monkeypatch):
    _large_export(site)
    assert (site.root / "data/export.xml").stat().st_size > 1 << 20
    screen = io.StringIO()
    _build_on(site, monkeypatch, Console(file=screen, force_terminal=True, width=100))
    shown = screen.getvalue()
    assert "Reading export.xml" in shown
    # Rich's byte counter: "1.5/1.5 MB" once the whole file is read.
    size = (site.root / "data/export.xml").stat().st_size / 1e6
    assert f"{size:.1f}/{size:.1f} MB" in shown
    assert "Reader 3000" in site.page("post-1/index.html")


def test_no_bar_when_not_on_a_terminal(site, monkeypatch):
    _large_export(site)
    piped = io.StringIO()
    _build_on(site, monkeypatch, Console(file=piped, force_terminal=False))
    assert piped.getvalue() == ""


@pytest.mark.parametrize("again", [False, True])
def test_no_bar_for_a_small_export_or_one_already_read(site, monkeypatch, again):
    _large_export(site, LARGE if again else LARGE[:50])
    if again:
        site.build()
    screen = io.StringIO()
    _build_on(site, monkeypatch, Console(file=screen, force_terminal=True, width=100))
    assert "Reading" not in screen.getvalue()
