"""One writer at a time: two fetches at once lose nothing; a busy archive
makes a build read-only and `fetch` fail, with one line naming the holder;
a killed writer leaves no lock behind."""

from __future__ import annotations

import errno
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
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
    names = {p.name for p in (tmp_path / "community-archive").iterdir()}
    assert not names & {lock_module.LOCK_FILE, lock_module.HOLDER_FILE}


PACKAGE = Path(lock_module.__file__).resolve().parents[1]
HOLD = """
import sys, time
from pathlib import Path
from pelican.plugins.community.archive.lock import hold_archive
with hold_archive(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def other_writer(tmp_path):
    """Start another process holding the lock of an archive folder, as a
    build or a fetch would; yields a function of the folder."""
    started = []

    def hold(folder: Path) -> subprocess.Popen:
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(folder)],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(holder)
        assert holder.stdout.readline() == "held\n"
        return holder

    yield hold
    for holder in started:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def _busy_line(folder: Path, holder: subprocess.Popen) -> str:
    return (
        f"could not get the lock on {folder}: another writer (-c {folder}, pid "
        f"{holder.pid} on {socket.gethostname()}, since <time>) is updating it"
    )


def _no_time(text: str) -> str:
    return re.sub(r"since \d{4}-\d\d-\d\dT[\d:]+[+-]\d{4}", "since <time>", text)


def test_fetch_gives_up_on_a_busy_archive_with_one_line(
    tmp_path, replay, other_writer, monkeypatch, capsys
):
    replay.route(FEED, _feed(100))
    conf = _site(tmp_path, replay.url)
    folder = tmp_path / "community-archive"
    holder = other_writer(folder)
    monkeypatch.delenv("PELICAN_COMMUNITY_OFFLINE", raising=False)
    monkeypatch.setattr(lock_module, "LOCK_WAIT_SECONDS", 0.3)
    assert cli.main(["fetch", "-s", str(conf)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert _no_time(err) == (
        f"pelican-community: {_busy_line(folder, holder)}; nothing fetched\n"
    )
    assert replay.requests_to(FEED) == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [lock_module.LOCK_FILE, lock_module.HOLDER_FILE]
    )


def test_a_second_process_is_refused_naming_the_holder(tmp_path, other_writer):
    folder = tmp_path / "community-archive"
    holder = other_writer(folder)
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from pelican.plugins.community.archive.lock import ArchiveBusy, hold_archive\n"
        "try:\n    with hold_archive(Path(sys.argv[1]), wait=0):\n        print('took it')\n"
        "except ArchiveBusy as busy:\n    print(busy)\n"
    )
    second = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.stderr == ""
    assert _no_time(second.stdout) == _busy_line(folder, holder) + "\n"


def test_a_build_beside_another_writer_shows_the_archive_read_only(
    site, other_writer, monkeypatch, caplog
):
    _scenario(site)
    monkeypatch.setenv("PELICAN_COMMUNITY_OFFLINE", "1")
    folder = site.root / "community-archive"
    holder = other_writer(folder)
    monkeypatch.setattr(lock_module, "LOCK_WAIT_SECONDS", 0.3)
    caplog.set_level(logging.WARNING)
    site.build()
    warnings = [_no_time(w) for w in _plugin_warnings(caplog)]
    assert warnings == [
        f"community: {_busy_line(folder, holder)}; this build shows the archive "
        "as it is (with changed exports read in memory), fetches nothing and "
        "writes nothing to it"
    ]
    # The changed export is shown, the archive is left to its writer.
    assert "Karen Bell" in site.page("community/community.json")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [lock_module.LOCK_FILE, lock_module.HOLDER_FILE]
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_writer_killed_mid_hold_leaves_a_lock_the_next_fetch_takes_at_once(
    tmp_path, replay, other_writer, monkeypatch, capsys
):
    replay.route(FEED, _feed(100))
    conf = _site(tmp_path, replay.url)
    folder = tmp_path / "community-archive"
    holder = other_writer(folder)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    # Its note stays behind, and must not stop anyone.
    assert (folder / lock_module.HOLDER_FILE).exists()
    monkeypatch.delenv("PELICAN_COMMUNITY_OFFLINE", raising=False)
    monkeypatch.setattr(lock_module, "LOCK_WAIT_SECONDS", 0)
    assert cli.main(["fetch", "-s", str(conf)]) == 0, capsys.readouterr()
    assert len(_archived_names(tmp_path)) == 10
    assert not (folder / lock_module.HOLDER_FILE).exists()


@contextmanager
def _held_by_a_thread(folder: Path, while_held=lambda: None):
    """The archive lock held by another thread of this process (which runs
    ``while_held`` under it) for the ``with`` block."""
    held, done = threading.Event(), threading.Event()

    def writer() -> None:
        with lock_module.hold_archive(folder):
            while_held()
            held.set()
            done.wait(60)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert held.wait(60)
        yield
    finally:
        done.set()
        thread.join()


def test_a_lock_held_by_another_thread_of_this_process(tmp_path):
    folder = tmp_path / "community-archive"
    with (
        _held_by_a_thread(folder),
        pytest.raises(lock_module.ArchiveBusy) as busy,
        lock_module.hold_archive(folder, wait=0.2),
    ):
        pass
    assert f"pid {os.getpid()} on {socket.gethostname()}" in str(busy.value)
    with lock_module.hold_archive(folder, wait=0):
        pass  # released with the thread's block


def test_waiting_for_ever_takes_the_lock_once_it_is_released(tmp_path):
    folder = tmp_path / "community-archive"
    held, release = threading.Event(), threading.Event()
    took = []

    def first() -> None:
        with lock_module.hold_archive(folder):
            held.set()
            release.wait(60)

    def second() -> None:
        with lock_module.hold_archive(folder, wait=float("inf")):
            took.append(True)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert held.wait(60)
    threads.append(threading.Thread(target=second))
    threads[1].start()
    threads[1].join(0.5)
    assert took == []  # still waiting, past the default would not matter
    release.set()
    for thread in threads:
        thread.join(60)
    assert took == [True]


def test_a_holder_note_from_someone_else_is_shown_tamed(tmp_path):
    folder = tmp_path / "community-archive"

    def tampered_note() -> None:
        (folder / lock_module.HOLDER_FILE).write_text(
            '{"runs": "evil\\u001b[2Jrm", "pid": "' + "9" * 400 + '"}',
            encoding="utf-8",
        )

    with (
        _held_by_a_thread(folder, tampered_note),
        pytest.raises(lock_module.ArchiveBusy) as busy,
        lock_module.hold_archive(folder, wait=0),
    ):
        pass
    message = str(busy.value)
    assert "\x1b" not in message
    assert "(evil [2Jrm, pid 9999" in message
    assert len(message) < len(str(folder)) + 500


def test_a_read_only_archive_folder_is_one_clear_line(tmp_path, monkeypatch):
    folder = tmp_path / "community-archive"
    folder.mkdir()
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path).endswith(lock_module.LOCK_FILE):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with (
        pytest.raises(lock_module.ArchiveBusy) as busy,
        lock_module.hold_archive(folder),
    ):
        pass
    assert str(busy.value) == (f"cannot write in {folder} ({os.strerror(errno.EROFS)})")


COUNT = """
import sys
from pathlib import Path
from pelican.plugins.community.archive.lock import hold_archive
folder = Path(sys.argv[1])
for _ in range(25):
    with hold_archive(folder, wait=float("inf")):
        tally = folder / "tally"
        n = int(tally.read_text()) if tally.exists() else 0
        tally.write_text(str(n + 1))
"""


def test_writers_that_remove_the_lock_file_never_hold_it_together(tmp_path):
    # Each holder removes the lock file as it lets go; one that waited on
    # the removed file must not think it holds the lock beside a newcomer.
    folder = tmp_path / "community-archive"
    runs = [
        subprocess.Popen([sys.executable, "-c", COUNT, str(folder)]) for _ in range(4)
    ]
    assert [run.wait(120) for run in runs] == [0, 0, 0, 0]
    assert (folder / "tally").read_text() == "100"
    assert sorted(p.name for p in folder.iterdir()) == ["tally"]


def test_the_package_sends_no_signal_to_probe_a_holder():
    # os.kill(pid, 0) probes on POSIX but sends Ctrl-C on Windows.
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "os.kill" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
