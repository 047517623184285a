"""A long first import shows a bar of the export's bytes read, on a terminal
only (like fetching): `pelican content` on a large export is not silent, and
a CI log or a pipe gets nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading

import pytest
from builders import WxrComment, WxrPost, wxr
from rich.console import Console
from test_cli import run

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


def _disqus_export_with_a_broken_post(count: int) -> bytes:
    """A Disqus export of ``count`` posts on one thread, the second of them
    not well-formed XML (an unquoted attribute): read past with a warning."""
    posts = [
        f'<post dsq:id="{n}"><id/><message><![CDATA[<p>{"Thank you. " * 40}</p>]]>'
        f"</message><createdAt>2014-02-03T09:15:00Z</createdAt>"
        f"<isDeleted>false</isDeleted><isSpam>false</isSpam>"
        f"<author><name>Reader {n}</name><isAnonymous>true</isAnonymous></author>"
        f'<thread dsq:id="900"/></post>'
        for n in range(1, count + 1)
    ]
    posts[1] = posts[1].replace('dsq:id="2"', "dsq:id=2")
    return "\n".join(
        [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">',
            '<thread dsq:id="900"><id/><forum>blog</forum>'
            "<link>https://blog.example/post-1/</link><title>First light</title>"
            "<createdAt>2014-01-30T10:00:00Z</createdAt></thread>",
            *posts,
            "</disqus>",
        ]
    ).encode()


def test_the_bar_reaches_the_whole_file_past_a_broken_record(site, monkeypatch):
    """A reader that resumes after a broken record keeps counting: the bar
    ends at the file's size, neither stalled nor past it."""
    site.article("post-1", "First light", "2013-01-01")
    path = site.write("data/disqus.xml", _disqus_export_with_a_broken_post(2500))
    site.settings["COMMUNITY_SOURCES"] = [{"type": "disqus", "path": "data/disqus.xml"}]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    size = path.stat().st_size / 1e6
    assert size > 1.1
    screen = io.StringIO()
    _build_on(site, monkeypatch, Console(file=screen, force_terminal=True, width=100))
    shown = screen.getvalue()
    assert "Reading disqus.xml" in shown
    assert f"{size:.1f}/{size:.1f} MB" in shown
    page = site.page("post-1/index.html")
    assert "Reader 2500" in page
    assert "Reader 2<" not in page  # the broken post is left out


# -- on a real terminal: the command and `pelican content` ----------------------


def _on_a_terminal(
    args: list[str], cwd, *, stdout_too: bool = False
) -> tuple[str, str]:
    """Run ``args`` with stderr (and, with ``stdout_too``, stdout) on a
    pseudo-terminal, as in a terminal window; return what the terminal
    showed and what went to the (captured) stdout."""
    master, slave = os.openpty()
    quiet = ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLUMNS", "LINES")
    env = {k: v for k, v in os.environ.items() if k not in quiet}
    env |= {"TERM": "xterm-256color", "COLUMNS": "120"}
    shown = bytearray()

    def watch_the_screen() -> None:
        while True:
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # EIO: the program closed the terminal
                return
            if not data:
                return
            shown.extend(data)

    watcher = threading.Thread(target=watch_the_screen, daemon=True)
    watcher.start()
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=slave if stdout_too else subprocess.PIPE,
            stderr=slave,
            cwd=cwd,
            env=env,
        )
        os.close(slave)
        out, _ = process.communicate(timeout=120)
        watcher.join(timeout=10)
    finally:
        os.close(master)
    assert process.returncode == 0, shown.decode(errors="replace")
    return shown.decode(errors="replace"), (out or b"").decode()


def _command(site, *args: str) -> list[str]:
    site.conf()
    return [
        sys.executable,
        "-m",
        "pelican.plugins.community.cli",
        *args,
        "-s",
        str(site.root / "pelicanconf.py"),
    ]


def _size_in_mb(site) -> str:
    size = (site.root / "data/export.xml").stat().st_size / 1e6
    return f"{size:.1f}/{size:.1f} MB"


@pytest.mark.parametrize("command", ["report", "check", "desk"])
def test_a_command_reading_a_large_export_shows_the_bar_on_a_terminal(site, command):
    _large_export(site)
    shown, out = _on_a_terminal(_command(site, command), "/")
    assert "Reading export.xml" in shown
    assert _size_in_mb(site) in shown
    # The bar is on stderr only: what the command prints stays clean.
    assert "Reading" not in out
    assert "\x1b" not in out
    if command == "report":
        assert "3000 people:" in out.splitlines()[-1]


def test_the_json_report_never_shows_a_bar(site):
    """`report --json` is for scripts: no bar even with stderr on a terminal."""
    _large_export(site)
    shown, out = _on_a_terminal(_command(site, "report", "--json"), "/")
    assert "Reading" not in shown
    assert "MB" not in shown
    assert len(json.loads(out)["people"]) == 3000


def test_a_command_piped_shows_no_bar(site):
    _large_export(site)
    result = run(site, "report")
    assert result.returncode == 0, result.stderr
    assert "Reading" not in result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    assert "3000 people:" in result.stdout.splitlines()[-1]


def test_pelican_content_on_a_terminal_shows_the_bar(site):
    """`pelican content` in a terminal window: the bar shows among
    Pelican's own lines (its console is the terminal)."""
    _large_export(site)
    site.conf()
    shown, _ = _on_a_terminal(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"],
        site.root,
        stdout_too=True,
    )
    assert "Reading export.xml" in shown
    assert _size_in_mb(site) in shown
    assert "Reader 3000" in site.page("post-1/index.html")
