"""The Eleventy peer of the benchmark builds the same site from the same data.

Only the generator is tested here (no Node.js, no network): Pelican and
Eleventy get the same posts at the same URLs and read the very same JF2 file.
`python bench/run.py --quick --only peer` is the smoke run of the builds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import sitegen  # noqa: E402


def _pelican_settings(site: Path) -> dict:
    settings: dict = {}
    exec((site / "pelicanconf.py").read_text(encoding="utf-8"), settings)
    return settings


def _front_matter(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("---\n")[1]
    return dict(line.split(": ", 1) for line in head.splitlines())


def test_both_tools_read_one_jf2_file_and_build_the_same_urls(tmp_path):
    stats = sitegen.generate_peer_sites(tmp_path, sitegen.SiteSize(12, 400))
    pelican, eleventy = tmp_path / "pelican", tmp_path / "eleventy"

    # One file, read by both: Eleventy's global data, the plugin's only source.
    jf2 = eleventy / "_data" / "webmentions.json"
    sources = _pelican_settings(pelican)["COMMUNITY_SOURCES"]
    assert [source["type"] for source in sources] == ["webmention.io"]
    assert (pelican / sources[0]["path"]).resolve() == jf2.resolve()
    mentions = json.loads(jf2.read_text(encoding="utf-8"))["children"]
    assert len(mentions) == stats["jf2"] == 400

    # The same posts, at the URLs the webmentions target.
    slugs = sorted(path.stem for path in (pelican / "content").glob("*.md"))
    assert slugs == sorted(path.stem for path in (eleventy / "posts").glob("*.md"))
    permalink = json.loads((eleventy / "posts" / "posts.json").read_text())
    assert permalink["permalink"] == "/{{ page.fileSlug }}.html"
    urls = {f"{sitegen.SITEURL}/{slug}.html" for slug in slugs}
    assert {mention["wm-target"] for mention in mentions} <= urls
    for slug in slugs:
        pelican_text = (pelican / "content" / f"{slug}.md").read_text()
        eleventy_post = eleventy / "posts" / f"{slug}.md"
        title = pelican_text.splitlines()[0].removeprefix("Title: ")
        assert json.loads(_front_matter(eleventy_post)["title"]) == title
        body = eleventy_post.read_text().split("---\n\n", 1)[1]
        assert pelican_text.split("\n\n", 1)[1] == body
