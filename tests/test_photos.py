"""People's photos with COMMUNITY_AVATARS: fetched once through the plugin's
HTTP layer, checked, resized, kept in the cache and served from the site
itself; initials whenever a photo cannot be had; off by default."""

from __future__ import annotations

import hashlib
import io
import re

import httpx
import pytest
from builders import jf2, jf2_entry
from pelican.plugins.community import fetcher as fetcher_module
from pelican.plugins.community.photos import SIZE, small_square_png
from PIL import Image


def _png(width: int, height: int, colour=(200, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


PHOTOS = {
    "https://photos.example/nell.png": (200, _png(300, 200), "image/png"),
    "https://photos.example/page.png": (200, b"<html>not an image</html>", "text/html"),
    "https://photos.example/tiny.svg": (
        200,
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
    ),
    "https://photos.example/gone.png": (404, b"", "text/plain"),
}
PEOPLE = {
    "Nell New": "https://photos.example/nell.png",
    "Pat Page": "https://photos.example/page.png",
    "Sam Svg": "https://photos.example/tiny.svg",
    "Gil Gone": "https://photos.example/gone.png",
    "Ivy Inside": "https://intranet.example/ivy.png",  # resolves to 10.0.0.7
}


@pytest.fixture
def requests(monkeypatch) -> list[str]:
    """Every photo request the build makes, answered from ``PHOTOS`` by the
    plugin's own Fetcher (its address checks included), with no network."""
    made: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        made.append(str(request.url))
        status, body, kind = PHOTOS.get(str(request.url), (404, b"", "text/plain"))
        return httpx.Response(status, content=body, headers={"Content-Type": kind})

    def resolve(host: str, port: int) -> list[str]:
        return ["10.0.0.7"] if host == "intranet.example" else ["93.184.215.14"]

    real = fetcher_module.Fetcher

    class OfflineFetcher(real):
        def __init__(self, *args, **kwargs):
            kwargs.update(transport=httpx.MockTransport(answer), resolver=resolve)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(fetcher_module, "Fetcher", OfflineFetcher)
    return made


def _site_with_photos(site, avatars: bool = True):
    site.article("post-1", "One", "2024-01-01")
    entries = [
        jf2_entry(
            n,
            "in-reply-to",
            "https://blog.example/post-1/",
            name,
            f"https://{name.split()[0].lower()}.example/",
            content=f"<p>Words from {name}.</p>",
        )
        for n, name in enumerate(PEOPLE, 1)
    ]
    for entry, photo in zip(entries, PEOPLE.values(), strict=True):
        entry["author"]["photo"] = photo
    site.write("data/wm.json", jf2(entries))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "webmention.io", "path": "data/wm.json"}
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["COMMUNITY_AVATARS"] = avatars


def _photos_on(page: str) -> dict[str, str]:
    """name -> the photo shown beside it in the thank-you list."""
    return dict(
        (name, src)
        for src, name in re.findall(
            r'<img class="community-avatar community-photo" src="([^"]+)"[^>]*>\s*'
            r'<a class="community-name"[^>]*>([^<]+)</a>',
            page,
        )
    )


def test_a_photo_is_fetched_once_resized_and_served_by_the_site(site, requests):
    _site_with_photos(site)
    site.build()
    page = site.page("post-1/index.html")
    name = hashlib.sha256(PEOPLE["Nell New"].encode()).hexdigest()[:24] + ".png"
    assert _photos_on(page) == {
        "Nell New": f"https://blog.example/community/photos/{name}"
    }
    with Image.open(site.output / "community" / "photos" / name) as photo:
        assert photo.format == "PNG" and photo.size == (SIZE, SIZE)
    # Everyone else keeps their initials; nothing is hot-linked.
    assert "photos.example" not in page and "intranet.example" not in page
    assert page.count('class="community-avatar"') >= 4
    # The private address was never asked; the others once each.
    assert sorted(requests) == sorted(u for u in PEOPLE.values() if "intranet" not in u)
    # Nothing of the photos in the archive.
    archived = b"".join(
        p.read_bytes() for p in (site.root / "community-archive").iterdir()
    )
    assert b"\x89PNG" not in archived
    # The next build asks for nothing: kept photos, and failures wait a week.
    requests.clear()
    site.build()
    assert requests == []
    assert _photos_on(site.page("post-1/index.html")) == _photos_on(page)


def test_offline_builds_use_the_photos_kept_and_fetch_none(site, requests):
    _site_with_photos(site)
    site.settings["COMMUNITY_OFFLINE"] = True
    site.build()
    assert requests == []
    assert _photos_on(site.page("post-1/index.html")) == {}


def test_photos_are_off_by_default(site, requests):
    _site_with_photos(site, avatars=False)
    site.build()
    assert requests == []
    assert "community-photo" not in site.page("post-1/index.html")
    assert not (site.output / "community" / "photos").exists()


@pytest.mark.parametrize(
    "data",
    [
        b"<html>hello</html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"",
        _png(10, 10)[:40],  # cut off
    ],
)
def test_only_real_images_become_photos(data):
    with pytest.raises(ValueError):
        small_square_png(data)


def test_a_photo_is_cropped_to_a_small_square():
    with Image.open(io.BytesIO(small_square_png(_png(1200, 300)))) as photo:
        assert photo.size == (SIZE, SIZE) and photo.format == "PNG"
