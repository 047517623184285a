"""`pelican --autoreload --listen` rebuilds the community when its own files change."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from builders import WxrComment, WxrPost, wxr

#: Seconds a change may take to reach the page before the test fails (a
#: generous bound on a loaded machine, not a performance figure).
PATIENCE = 180
#: A change written while a build is still finishing is not seen (Pelican
#: watches between builds): until the page shows it, it is written again.
REWRITE_EVERY = 5

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _export(*authors: str) -> str:
    comments = [
        WxrComment(id=n, author=name, date=f"2013-03-0{n} 15:00:00")
        for n, name in enumerate(authors, start=1)
    ]
    return wxr([WxrPost(1, "first-post", "First post", comments)])


class Reloading:
    """A `pelican --autoreload` process on a site, and ways to wait for it."""

    def __init__(self, root: Path, log: Path, process: subprocess.Popen) -> None:
        self.root = root
        self.log = log
        self.process = process

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def page(self) -> str:
        path = self.root / "output" / "community" / "index.html"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def wait_until(
        self, shown: Callable[[], bool], what: str, rewrite: Callable[[], None]
    ) -> None:
        """Wait until ``shown()``, writing the change again now and then."""
        deadline = time.monotonic() + PATIENCE
        next_write = time.monotonic() + REWRITE_EVERY
        while not shown():
            assert self.process.poll() is None, (
                f"pelican --autoreload ended (exit {self.process.returncode}) "
                f"waiting for {what}:\n{self.text()}"
            )
            if time.monotonic() > deadline:
                pytest.fail(f"no rebuild showed {what}; its log:\n{self.text()}")
            if time.monotonic() > next_write:
                rewrite()
                next_write = time.monotonic() + REWRITE_EVERY
            time.sleep(0.2)

    def change(self, path: Path, text: str, shown: Callable[[], bool], what: str):
        def rewrite() -> None:
            path.write_text(text, encoding="utf-8")

        rewrite()
        self.wait_until(shown, what, rewrite)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    if os.name == "posix":  # its own session: the server and watcher too
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.kill()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture
def reloading(site, tmp_path: Path) -> Iterator[Reloading]:
    site.article("first-post", "First post", "2013-03-01")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_OFFLINE"] = True
    site.write("data/export.xml", _export("Ada Quill"))
    site.write("community.yaml", "people: []\n")
    site.settings["STATIC_PATHS"] = ["images"]
    site.write("content/images/cover.png", b"a picture")
    site.conf()
    # The server too, where its process group can be stopped with it.
    listen = ["--listen", "-b", "127.0.0.1", "-p", str(_free_port())]
    command = [
        str(BIN / "pelican"),
        "--autoreload",
        "--verbose",
        *(listen if os.name == "posix" else []),
        "-s",
        "pelicanconf.py",
    ]
    log = tmp_path / "pelican.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=site.root,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=os.name == "posix",
            env={**os.environ, "COLUMNS": "4000", "TERM": "dumb"},
        )
    running = Reloading(site.root, log, process)
    try:
        running.wait_until(
            lambda: "Ada Quill" in running.page(), "the first build", lambda: None
        )
        yield running
    finally:
        _stop(process)


def test_the_people_file_an_export_and_the_archive_rebuild_the_page(reloading) -> None:
    root = reloading.root
    watching = reloading.text().split("community: autoreload also watches ")[1]
    for watched in ("community.yaml", "export.xml", "community-archive"):
        assert watched in watching.split("\n")[0]
    friend = "friends:\n  - name: Ada Quill\n    note: Reads every draft since 2011\n"
    reloading.change(
        root / "community.yaml",
        friend,
        lambda: "Reads every draft since 2011" in reloading.page(),
        "the friend pinned in community.yaml",
    )

    reloading.change(
        root / "data" / "export.xml",
        _export("Ada Quill", "Bram Holt"),
        lambda: "Bram Holt" in reloading.page(),
        "the comment added to the export",
    )

    # The archive changes under the running server: `forget` erases Bram.
    forget = subprocess.run(
        [str(BIN / "pelican-community"), "forget", "Bram Holt", "-s", "pelicanconf.py"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert forget.returncode == 0, forget.stdout + forget.stderr
    reloading.wait_until(
        lambda: "Bram Holt" not in reloading.page(),
        "the person forgotten from the archive",
        lambda: (root / "community-archive" / "forgotten.ndjson").touch(),
    )
    assert "Reads every draft since 2011" in reloading.page()

    # Watched, not published: no input of the community reaches the output,
    # and the site's own static files still do.
    published = {path.name for path in (root / "output").rglob("*")}
    assert "cover.png" in published
    assert not published & {"community.yaml", "export.xml", "forgotten.ndjson"}
    assert not [name for name in published if name.endswith(".jsonl")]


def test_a_mistake_in_the_people_file_waits_for_its_fix(reloading) -> None:
    people = reloading.root / "community.yaml"
    reloading.change(
        people,
        "friends:\n  - name: Ada Quill\n    nickname: Ada\n",
        lambda: "nickname" in reloading.text(),
        "the error in the people file",
    )
    assert "community.yaml" in reloading.text()
    assert "Traceback" not in reloading.text()

    reloading.change(
        people,
        "friends:\n  - name: Ada Quill\n    note: Mended, and pinned\n",
        lambda: "Mended, and pinned" in reloading.page(),
        "the mended people file",
    )


def test_an_ordinary_build_publishes_no_input_and_watches_nothing(site) -> None:
    site.article("first-post", "First post", "2013-03-01")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["STATIC_PATHS"] = ["images"]
    site.write("content/images/cover.png", b"not really a png")
    site.write("data/export.xml", _export("Ada Quill"))
    site.write("community.yaml", "people: []\n")
    output = site.build()
    assert (output / "images" / "cover.png").exists()
    assert "Ada Quill" in site.page("community/index.html")
    assert not (output / "export.xml").exists()
