"""Files written as Pelican writes them, and a full or read-only disk."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from pathlib import Path

import pytest
from pelican.plugins.community import storage
from test_site_build import _build_fails, _scenario


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _refuse(monkeypatch, error: int, where: Path, name: str = "replace") -> None:
    """``os.replace`` (or ``mkstemp``) fails with ``error`` for files in
    ``where``: a full disk, a folder without write permission, a
    read-only file system."""
    if name == "replace":
        real = os.replace

        def fake(src, dst, *args, **kwargs):
            if Path(dst).resolve().parent == where:
                raise OSError(error, os.strerror(error))
            return real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, "replace", fake)
    else:
        real = tempfile.mkstemp

        def fake(*args, dir=None, **kwargs):
            if Path(dir).resolve() == where:
                raise OSError(error, os.strerror(error), str(where))
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", fake)


def test_files_get_the_mode_the_umask_gives(site, umask_022):
    _scenario(site)
    site.build()
    for path in [
        site.output / "community" / "community.json",
        site.output / "community" / "index.html",  # Pelican's own
        *sorted((site.root / "community-archive").iterdir()),
    ]:
        assert path.stat().st_mode & 0o777 == 0o644, path
    os.umask(0o077)
    (site.root / "data" / "export.xml").write_text(
        (site.root / "data" / "export.xml").read_text() + "\n"
    )
    site.build()
    assert (site.output / "community" / "community.json").stat().st_mode & 0o777 == (
        0o600
    )


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_an_archive_that_cannot_be_written_stops_the_build_with_one_line(
    site, caplog, monkeypatch, error
):
    _scenario(site)
    site.build()
    archive = site.root / "community-archive"
    before = {p.name: p.read_bytes() for p in archive.iterdir()}
    export = site.root / "data" / "export.xml"
    export.write_text(export.read_text().replace("Tom Reader", "Thomas Reader"))
    _refuse(monkeypatch, error, archive)
    caplog.clear()
    message = _build_fails(site, caplog)
    path = archive / "wordpress-export.jsonl"
    assert message == (
        f"{path}: cannot be written ({os.strerror(error)}); nothing was lost, "
        "the previous version is intact"
    )
    assert "Traceback" not in caplog.text
    assert {p.name: p.read_bytes() for p in archive.iterdir()} == before
    monkeypatch.undo()
    site.build()  # the next build, with room, reads the export again
    assert "Thomas Reader" in site.page("community/community.json")


def test_a_read_only_output_folder_names_the_json_file(site, caplog, monkeypatch):
    _scenario(site)
    site.settings["COMMUNITY_CIRCLE_CHART"] = False  # the JSON is then the first
    site.settings["COMMUNITY_CSS_SAVE_AS"] = ""  # (the stylesheet is written so too)
    site.build()
    folder = site.output / "community"
    _refuse(monkeypatch, errno.EROFS, folder, name="mkstemp")
    caplog.clear()
    message = _build_fails(site, caplog)
    assert message.startswith(
        f"{folder / 'community.json'}: cannot be written (Read-only file system)"
    )
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_under_the_cache_is_one_warning_and_the_build_goes_on(
    site, caplog, monkeypatch
):
    _scenario(site)
    folder = site.root / "cache" / "pelican-community"
    _refuse(monkeypatch, errno.ENOSPC, folder)
    caplog.set_level(logging.WARNING)
    site.build()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [w for w in warnings if "pelican-community/" in w] == [
        "community: cache/pelican-community/community.snapshot: cannot be written "
        "(No space left on device); nothing was lost, the previous version is "
        "intact; the next build computes the community again"
    ]
    assert "Karen Bell" in site.page("community/community.json")
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def like_windows(monkeypatch):
    """A system without ``O_NOFOLLOW``, ``O_NONBLOCK`` and ``os.fchmod``, as
    Windows is (``fchmod`` came to it in Python 3.13)."""
    for name in ("O_NOFOLLOW", "O_NONBLOCK", "fchmod"):
        monkeypatch.delattr(os, name, raising=False)


def test_files_are_written_where_open_files_cannot_change_mode(
    tmp_path, umask_022, like_windows
):
    # The writer every output and archive file goes through (a whole build
    # cannot run here: filelock's POSIX lock needs O_NONBLOCK, where Windows
    # has msvcrt instead).
    report = tmp_path / "community.json"
    storage.write_atomically(report, '{"people": ["Karen"]}')
    storage.write_atomically(tmp_path / "photo.png", b"\x89PNG")
    for path in (report, tmp_path / "photo.png"):
        assert path.stat().st_mode & 0o777 == 0o644, path
    assert "Karen" in report.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["community.json", "photo.png"]


def test_a_planted_link_is_refused_where_open_cannot_refuse_it(tmp_path, like_windows):
    secret = tmp_path / "environ"
    secret.write_bytes(b"TOKEN=s3cret")
    planted = tmp_path / "photo.png"
    planted.symlink_to(secret)
    assert storage.read_untrusted_file(planted) is None
    assert storage.read_untrusted_file(secret) == b"TOKEN=s3cret"
    hard = tmp_path / "hard.png"
    os.link(secret, hard)
    assert storage.read_untrusted_file(hard) is None  # two links now
