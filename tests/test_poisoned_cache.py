"""A poisoned cache publishes nothing (issue 25): the photos kept under the cache
folder are read without following links, checked and encoded again, and written
with unpredictable temporary names."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image
from test_photos import PEOPLE, _photos_on, _png, _site_with_photos, requests

__all__ = ["requests"]  # the fixture, shared with test_photos

SECRET = b"CI_TOKEN=ghp_secret0123456789\nHOME=/root\n"
NELL = hashlib.sha256(PEOPLE["Nell New"].encode()).hexdigest()[:24] + ".png"


def _photos_folder(site):
    return site.root / "cache" / "pelican-community" / "photos"


def _secret(tmp_path):
    """A file outside the site, standing in for /proc/self/environ."""
    path = tmp_path / "environ"
    path.write_bytes(SECRET)
    return path


def _published(site) -> bytes:
    folder = site.output / "community" / "photos"
    if not folder.is_dir():
        return b""
    return b"".join(p.read_bytes() for p in folder.iterdir())


def _square(colour=(10, 200, 30)) -> bytes:
    return _png(96, 96, colour)


def _offline(site):
    _site_with_photos(site)
    site.settings["COMMUNITY_OFFLINE"] = True
    _photos_folder(site).mkdir(parents=True)


def test_a_symlink_in_the_cache_publishes_nothing(site, requests, tmp_path):
    _offline(site)
    secret = _secret(tmp_path)
    (_photos_folder(site) / NELL).symlink_to(secret)
    site.build()
    assert SECRET not in _published(site)
    assert _photos_on(site.page("post-1/index.html")) == {}
    # The link itself is gone (fetched again when online); its target is intact.
    assert not os.path.lexists(_photos_folder(site) / NELL)
    assert secret.read_bytes() == SECRET


def test_a_hard_link_in_the_cache_publishes_nothing(site, requests, tmp_path):
    _offline(site)
    secret = _secret(tmp_path)
    os.link(secret, _photos_folder(site) / NELL)
    site.build()
    assert SECRET not in _published(site)
    assert _photos_on(site.page("post-1/index.html")) == {}
    assert secret.read_bytes() == SECRET


def test_a_fifo_in_the_cache_is_not_waited_on(site, requests):
    _offline(site)
    os.mkfifo(_photos_folder(site) / NELL)
    site.build()
    assert _photos_on(site.page("post-1/index.html")) == {}


@pytest.mark.parametrize(
    "planted",
    [
        _square() + SECRET,  # a valid PNG with trailing bytes
        SECRET,
        _png(300, 300),  # not a photo this plugin made
        b"GIF89a" + SECRET,
    ],
    ids=["png-with-trailing-junk", "text", "wrong-size", "gif-header"],
)
def test_a_planted_file_never_reaches_the_output_as_it_is(site, requests, planted):
    _offline(site)
    (_photos_folder(site) / NELL).write_bytes(planted)
    site.build()
    published = _published(site)
    assert SECRET not in published and planted != published
    shown = _photos_on(site.page("post-1/index.html"))
    if published:  # only a real 96x96 PNG is shown, encoded anew
        assert list(shown) == ["Nell New"]
        with Image.open(io.BytesIO(published)) as photo:
            assert photo.format == "PNG" and photo.size == (96, 96)
    else:
        assert shown == {}


def test_a_kept_photo_is_shown_encoded_anew(site, requests):
    _offline(site)
    (_photos_folder(site) / NELL).write_bytes(_square())
    site.build()
    assert list(_photos_on(site.page("post-1/index.html"))) == ["Nell New"]
    with Image.open(site.output / "community" / "photos" / NELL) as photo:
        assert photo.getpixel((5, 5))[:3] == (10, 200, 30)


def test_a_symlinked_photos_folder_is_not_used(site, requests, tmp_path, caplog):
    _site_with_photos(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / NELL).write_bytes(_square())
    _photos_folder(site).parent.mkdir(parents=True)
    _photos_folder(site).symlink_to(elsewhere, target_is_directory=True)
    site.build()
    assert _photos_on(site.page("post-1/index.html")) == {}
    assert requests == []  # nothing fetched to be written there
    assert sorted(p.name for p in elsewhere.iterdir()) == [NELL]
    assert "not a folder of its own" in caplog.text


@pytest.mark.parametrize("planted", [f".{NELL}.tmp", NELL])
def test_a_planted_symlink_is_never_written_through(site, requests, planted, tmp_path):
    _site_with_photos(site)
    archive_file = tmp_path / "archive-file.jsonl"  # any file the build can write
    archive_file.write_text('{"keep": 1}\n', encoding="utf-8")
    _photos_folder(site).mkdir(parents=True)
    (_photos_folder(site) / planted).symlink_to(archive_file)
    site.build()
    assert archive_file.read_text(encoding="utf-8") == '{"keep": 1}\n'
    assert list(_photos_on(site.page("post-1/index.html"))) == ["Nell New"]
    with Image.open(_photos_folder(site) / NELL) as photo:
        assert photo.format == "PNG"


def test_a_dangling_gitignore_link_writes_nothing_through_it(site, tmp_path):
    site.article("post-1", "One", "2024-01-01")
    target = tmp_path / "outside" / "planted"
    target.parent.mkdir()
    folder = site.root / "cache" / "pelican-community"
    folder.mkdir(parents=True)
    (folder / ".gitignore").symlink_to(target)
    site.build()
    assert not target.exists()


@pytest.fixture
def deadline():
    """A build that waits on a planted FIFO or reads /dev/zero fails here
    instead of hanging the test run."""
    import signal

    waited: list[str] = []

    def stop(*_args):
        waited.append("the build waited on a planted cache file")
        raise TimeoutError(waited[0])

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield waited
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "name", ["community.snapshot", "snapshot.json", "source-digests.json"]
)
@pytest.mark.parametrize("plant", ["fifo", "dev-zero"])
def test_a_planted_cache_file_never_hangs_the_build(site, deadline, name, plant):
    from test_site_build import _scenario

    _scenario(site)
    site.build()
    folder = site.root / "cache" / "pelican-community"
    (folder / name).unlink(missing_ok=True)
    if plant == "fifo":
        os.mkfifo(folder / name)
    else:
        (folder / name).symlink_to("/dev/zero")
    site.build()
    assert deadline == []
    assert "Priya Nair" in site.page("community/index.html")
