"""People's photos, never hot-linked (``COMMUNITY_AVATARS``, off by default).

The photo a source names (a webmention author's, a Mastodon or Bluesky
avatar) is fetched once through the plugin's HTTP layer, as an untrusted
address (public hosts only, size-capped), checked to be an image, cut to a
small square PNG and kept under the cache folder; the build copies the ones
it shows into the output. Nothing of it goes into the archive. A photo that
cannot be had leaves that person's initials, and is tried again a week later.

The cache folder is untrusted input (a CI cache may be restored from another
branch's job): a kept photo is read without following symlinks, only if it
is a plain file, and decoded and encoded again before it reaches the output,
so nothing but a small PNG of pixels can be published from it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .storage import is_real_folder, read_untrusted_file, write_atomically
from .words import counted

if TYPE_CHECKING:
    from .fetcher import Fetcher

__all__ = [
    "MAX_KEPT_BYTES",
    "MAX_PIXELS",
    "PHOTOS_DIR",
    "PHOTO_NAME",
    "RETRY_AFTER",
    "SIZE",
    "forget_photos",
    "kept_photo",
    "local_photos",
    "photo_name",
    "small_square_png",
]

logger = logging.getLogger(__name__)

PHOTOS_DIR = "photos"
#: Pixels a side: twice the largest size the stylesheet draws an avatar.
SIZE = 96
#: Larger images are refused before they are decoded.
MAX_PIXELS = 4096 * 4096
RETRY_AFTER = 7 * 24 * 3600
_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
#: A kept photo larger than this is not one this module wrote.
MAX_KEPT_BYTES = 256 * 1024
#: The names :func:`photo_name` gives.
PHOTO_NAME = re.compile(r"^[0-9a-f]{24}\.png$")


def photo_name(url: str) -> str:
    """The file a photo is kept as: named by its address, revealing nothing."""
    return hashlib.sha256(url.encode()).hexdigest()[:24] + ".png"


def local_photos(
    urls: Iterable[str],
    folder: Path,
    *,
    offline: bool,
    fetcher_factory: Callable[[], Fetcher] | None = None,
    now: float | None = None,
    budget: float | None = None,
) -> dict[str, bytes]:
    """url -> its small square PNG (checked bytes), for every photo kept
    under ``folder`` or that could be fetched now (not when ``offline``),
    within ``budget`` seconds (None: no limit; 0: nothing fetched). A kept
    file that is not such a PNG (a symlink, a planted file) is removed and
    fetched again; a ``folder`` that is a symlink is not used at all."""
    offline = offline or budget == 0
    now = time.time() if now is None else now
    found: dict[str, bytes] = {}
    wanted: list[str] = []
    if os.path.lexists(folder) and not is_real_folder(folder):
        logger.warning(
            "community: %s is not a folder of its own (a symlink?): no photos "
            "are read from it or written to it",
            folder,
        )
        return found
    for url in sorted(set(urls)):
        path = folder / photo_name(url)
        kept = kept_photo(path)
        if kept is not None:
            found[url] = kept
        elif not offline and not _failed_recently(path, now):
            wanted.append(url)
    if not wanted:
        return found
    # The HTTP layer loads only when a photo is to be fetched.
    from .fetcher import BudgetSpent, Fetcher

    fetcher_factory = fetcher_factory or Fetcher
    with fetcher_factory() as fetcher:
        if budget is not None:
            fetcher.limit_to(budget)
        results = fetcher.run_all(
            [_fetch_task(fetcher, url) for url in wanted], description="Photos"
        )
    failed = cut_short = 0
    for url, result in zip(wanted, results, strict=True):
        path = folder / photo_name(url)
        if isinstance(result, bytes):
            write_atomically(path, result)
            found[url] = result
        elif isinstance(result, BudgetSpent):
            cut_short += 1  # not a failure: tried again at the next build
        else:
            failed += 1
            logger.debug("community: photo %s: %s", url, result)
            write_atomically(_failure_marker(path), f"{int(now)}\n")
    if cut_short:
        logger.info(
            "community: the fetch budget ran out: %s fetched at the next "
            "build; those people show their initials until then",
            counted(cut_short, "photo"),
        )
    if failed:
        logger.info(
            "community: %d of %s could not be fetched or read; those "
            "people keep their initials (tried again in a week)",
            failed,
            counted(len(wanted), "photo"),
        )
    return found


def _fetch_task(fetcher: Fetcher, url: str) -> Callable[[], bytes]:
    def task() -> bytes:
        response = fetcher.get(url, untrusted=True)
        return small_square_png(response.body)

    return task


def small_square_png(data: bytes) -> bytes:
    """``data`` checked to be a JPEG, PNG, GIF or WebP image, as a
    ``SIZE`` x ``SIZE`` PNG; ValueError if it is not one."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in _FORMATS:
                raise ValueError(f"not a photo ({probe.format})")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValueError(f"too large ({width}x{height})")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            square = ImageOps.fit(
                image.convert("RGBA"), (SIZE, SIZE), Image.Resampling.LANCZOS
            )
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not an image ({exc})") from None
    out = io.BytesIO()
    square.save(out, "PNG", optimize=True)
    return out.getvalue()


def kept_photo(path: Path) -> bytes | None:
    """The photo kept at ``path``, checked again as a ``SIZE`` x ``SIZE``
    PNG and encoded anew (trailing bytes, other chunks dropped); None if
    there is none. A file that is not one is removed (a symlink itself,
    never what it points to), so that it is fetched again."""
    data = read_untrusted_file(path, MAX_KEPT_BYTES)
    if data is None:
        if os.path.lexists(path):
            _remove_planted(path)
        return None
    try:
        return _checked_png(data)
    except ValueError as exc:
        logger.debug("community: kept photo %s: %s", path, exc)
        _remove_planted(path)
        return None


def _checked_png(data: bytes) -> bytes:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if image.size != (SIZE, SIZE):
                raise ValueError(f"not {SIZE}x{SIZE} ({image.size})")
            pixels = image.convert("RGBA")
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not a PNG ({exc})") from None
    out = io.BytesIO()
    pixels.save(out, "PNG", optimize=True)
    return out.getvalue()


def _remove_planted(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def forget_photos(urls: Iterable[str], folder: Path) -> int:
    """Remove the kept photos of ``urls`` (and their failure marks) from
    ``folder``: how many photos were there."""
    removed = 0
    for url in set(urls):
        path = folder / photo_name(url)
        if os.path.lexists(path):
            _remove_planted(path)
            removed += 1
        if os.path.lexists(_failure_marker(path)):
            _remove_planted(_failure_marker(path))
    return removed


def _failure_marker(path: Path) -> Path:
    return path.with_suffix(".failed")


def _failed_recently(path: Path, now: float) -> bool:
    data = read_untrusted_file(_failure_marker(path), 64)
    try:
        when = float((data or b"").decode("ascii").strip() or 0)
    except ValueError:
        return False
    return now - when < RETRY_AFTER
