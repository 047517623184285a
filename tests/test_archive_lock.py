"""One writer at a time: two fetches at once lose nothing; a busy archive
makes a build read-only and `fetch` fail, with one line; stale locks break."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import replay_server
from pelican.plugins.community import cli
from pelican.plugins.community.archive import lock as lock_module
from pelican.plugins.community.archive.store import Archive
from replay_server import Reply
from test_site_build import _plugin_warnings, _scenario

replay = replay_server.replay
FEED = "/comments/feed/"
NAME = "old-blog"


def _feed(first: int, count: int = 10, delay: float = 0.0) -> Reply:
    """A WordPress comment feed showing ``count`` comments from id ``first``."""
    items = "".join(
        f"""<item><title>Comment on The long middle by Reader {n}</title>
<link>https://old.jane.example/2013/03/04/the-long-middle/#comment-{n}</link>
<dc:creator><![CDATA[Reader {n}]]></dc:creator>
<pubDate>Mon, 04 Mar 2013 15:00:00 +0000</pubDate>
<guid isPermaLink="false">https://old.jane.example/?p=12#comment-{n}</guid>
<description><![CDATA[Words of reader {n}.]]></description></item>"""
        for n in range(first, first + count)
    )
    body = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Comments</title>
<link>https://old.jane.example</link>{items}</channel></rss>"""
    return Reply(200, body.encode(), {"Content-Type": "application/rss+xml"}, delay)


def _site(root: Path, url: str) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    conf = root / "pelicanconf.py"
    source = {"type": "feed", "url": url + FEED, "name": NAME}
    conf.write_text(
        "PATH = 'content'\nTIMEZONE = 'UTC'\nSITEURL = 'https://jane.example'\n"
        f"COMMUNITY_SOURCES = [{source!r}]\n",
        encoding="utf-8",
    )
    return conf


def _archived_names(root: Path) -> set[str]:
    items = Archive(root / "community-archive").load_source(NAME).values()
    return {item.author_name for item in items}


def test_two_fetches_at_once_both_keep_their_new_comments(tmp_path, replay):
    # Each request gets 10 comments no one has seen, slowly enough that
    # the two runs overlap.
    replay.route(FEED, _feed(100, delay=0.5), _feed(200, delay=0.5), _feed(300))
    conf = _site(tmp_path, replay.url)
    env = {k: v for k, v in os.environ.items() if k != "PELICAN_COMMUNITY_OFFLINE"}
    command = [sys.executable, "-m", "pelican.plugins.community.cli", "fetch"]
    runs = [
        subprocess.Popen(
            [*command, "-s", str(conf)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    for out, _err in outputs:
        assert "10 new interactions from 1 source" in out
    expected = {f"Reader {n}" for n in range(100, 110)}
    expected |= {f"Reader {n}" for n in range(200, 210)}
    assert _archived_names(tmp_path) == expected
    assert not (tmp_path / "community-archive" / lock_module.LOCK_FILE).exists()


@pytest.fixture
def other_writer():
    """A live process, as another writer would be."""
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield holder
    holder.kill()
    holder.wait()


def _lock_held_by(holder: subprocess.Popen, folder: Path) -> None:
    """``holder`` holds the lock of the archive in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = {
        "pid": holder.pid,
        "host": socket.gethostname(),
        "started": lock_module._start_time(holder.pid),
        "since": "2024-03-06T12:00:00+0000",
    }
    (folder / lock_module.LOCK_FILE).write_text(json.dumps(lock), encoding="utf-8")


def test_fetch_gives_up_on_a_busy_archive_with_one_line(
    tmp_path, replay, other_writer, monkeypatch, capsys
):
    replay.route(FEED, _feed(100))
    conf = _site(tmp_path, replay.url)
    folder = tmp_path / "community-archive"
    _lock_held_by(other_writer, folder)
    monkeypatch.delenv("PELICAN_COMMUNITY_OFFLINE", raising=False)
    monkeypatch.setattr(lock_module, "LOCK_WAIT_SECONDS", 0.3)
    assert cli.main(["fetch", "-s", str(conf)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"pelican-community: could not get the lock on {folder}: another writer "
        f"(pid {other_writer.pid} on {socket.gethostname()} since "
        "2024-03-06T12:00:00+0000) is updating it; nothing fetched\n"
    )
    assert replay.requests_to(FEED) == []
    assert sorted(p.name for p in folder.iterdir()) == [lock_module.LOCK_FILE]


def test_a_build_beside_another_writer_shows_the_archive_read_only(
    site, other_writer, monkeypatch, caplog
):
    _scenario(site)
    monkeypatch.setenv("PELICAN_COMMUNITY_OFFLINE", "1")
    folder = site.root / "community-archive"
    _lock_held_by(other_writer, folder)
    monkeypatch.setattr(lock_module, "LOCK_WAIT_SECONDS", 0.3)
    caplog.set_level(logging.WARNING)
    site.build()
    warnings = _plugin_warnings(caplog)
    assert warnings == [
        f"community: could not get the lock on {folder}: another writer "
        f"(pid {other_writer.pid} on {socket.gethostname()} since "
        "2024-03-06T12:00:00+0000) is updating it; this build shows the archive "
        "as it is (with changed exports read in memory), fetches nothing and "
        "writes nothing to it"
    ]
    # The changed export is shown, the archive is left to its writer.
    assert "Karen Bell" in site.page("community/community.json")
    assert sorted(p.name for p in folder.iterdir()) == [lock_module.LOCK_FILE]


@pytest.mark.parametrize("stale", ["dead-pid", "reused-pid", "garbage"])
def test_a_stale_lock_is_broken(tmp_path, replay, monkeypatch, capsys, stale):
    replay.route(FEED, _feed(100))
    conf = _site(tmp_path, replay.url)
    folder = tmp_path / "community-archive"
    folder.mkdir()
    if stale == "dead-pid":
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        holder = {"pid": gone.pid, "host": socket.gethostname(), "started": "1"}
        text = json.dumps(holder)
    elif stale == "reused-pid":
        # Our own pid, but a start time that is not ours: the writer that
        # held it is gone and its pid was given to another process.
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": "1"}
        text = json.dumps(holder)
    else:
        text = "not json"
    (folder / lock_module.LOCK_FILE).write_text(text, encoding="utf-8")
    monkeypatch.delenv("PELICAN_COMMUNITY_OFFLINE", raising=False)
    monkeypatch.setattr(lock_module, "LOCK_WAIT_SECONDS", 0.3)
    assert cli.main(["fetch", "-s", str(conf)]) == 0, capsys.readouterr()
    assert len(_archived_names(tmp_path)) == 10
    assert not (folder / lock_module.LOCK_FILE).exists()
