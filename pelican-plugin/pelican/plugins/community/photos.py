"""People's photos, never hot-linked (``COMMUNITY_AVATARS``, off by default).

The photo a source names (a webmention author's, a Mastodon or Bluesky
avatar) is fetched once through the plugin's HTTP layer, as an untrusted
address (public hosts only, size-capped), checked to be an image, cut to a
small square PNG and kept under the cache folder; the build copies the ones
it shows into the output. Nothing of it goes into the archive. A photo that
cannot be had leaves that person's initials, and is tried again a week later.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from collections.abc import Iterable
from pathlib import Path

from .storage import write_atomically

logger = logging.getLogger(__name__)

PHOTOS_DIR = "photos"
#: Pixels a side: twice the largest size the stylesheet draws an avatar.
SIZE = 96
#: Larger images are refused before they are decoded.
MAX_PIXELS = 4096 * 4096
RETRY_AFTER = 7 * 24 * 3600
_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})


def photo_name(url: str) -> str:
    """The file a photo is kept as: named by its address, revealing nothing."""
    return hashlib.sha256(url.encode()).hexdigest()[:24] + ".png"


def local_photos(
    urls: Iterable[str],
    folder: Path,
    *,
    offline: bool,
    fetcher_factory: object = None,
    now: float | None = None,
    budget: float | None = None,
) -> dict[str, Path]:
    """url -> its small square PNG under ``folder``, for every photo that
    is there or could be fetched now (not when ``offline``), within
    ``budget`` seconds (None: no limit; 0: nothing fetched)."""
    offline = offline or budget == 0
    now = time.time() if now is None else now
    found: dict[str, Path] = {}
    wanted: list[str] = []
    for url in sorted(set(urls)):
        path = folder / photo_name(url)
        if path.exists():
            found[url] = path
        elif not offline and not _failed_recently(path, now):
            wanted.append(url)
    if not wanted:
        return found
    # The HTTP layer loads only when a photo is to be fetched.
    from .fetcher import BudgetSpent, Fetcher

    fetcher_factory = fetcher_factory or Fetcher
    with fetcher_factory() as fetcher:  # type: ignore[operator]
        if budget is not None:
            fetcher.limit_to(budget)
        results = fetcher.run_all(
            [_fetch_task(fetcher, url) for url in wanted], description="Photos"
        )
    failed = cut_short = 0
    for url, result in zip(wanted, results, strict=True):
        path = folder / photo_name(url)
        if isinstance(result, bytes):
            write_atomically_bytes(path, result)
            found[url] = path
        elif isinstance(result, BudgetSpent):
            cut_short += 1  # not a failure: tried again at the next build
        else:
            failed += 1
            logger.debug("community: photo %s: %s", url, result)
            write_atomically(_failure_marker(path), f"{int(now)}\n")
    if cut_short:
        logger.info(
            "community: the fetch budget ran out: %d photo(s) fetched at the next "
            "build; those people show their initials until then",
            cut_short,
        )
    if failed:
        logger.info(
            "community: %d of %d photo(s) could not be fetched or read; those "
            "people keep their initials (tried again in a week)",
            failed,
            len(wanted),
        )
    return found


def _fetch_task(fetcher: object, url: str):
    def task() -> bytes:
        response = fetcher.get(url, untrusted=True)  # type: ignore[attr-defined]
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


def write_atomically_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` whole or not at all (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_bytes(data)
    partial.replace(path)


def _failure_marker(path: Path) -> Path:
    return path.with_suffix(".failed")


def _failed_recently(path: Path, now: float) -> bool:
    marker = _failure_marker(path)
    try:
        when = float(marker.read_text().strip() or 0)
    except (OSError, ValueError):
        return False
    return now - when < RETRY_AFTER
