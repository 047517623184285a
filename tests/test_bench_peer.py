"""The peers of the benchmark (Eleventy, Hugo) build the same site from the same data.

Pelican and Eleventy get the same posts at the same URLs and read the very
same JF2 file (only the generator is tested for Eleventy: no Node.js). Hugo,
where Debian's `hugo` is installed, is built at a tiny size with both of its
patterns and each post's page must list that post's mentions.
`python bench/run.py --quick --only peer` is the smoke run of the builds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402
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


#: One element per rendered mention: a face (like, repost) or an entry.
MENTION = re.compile(r'class="wm-(?:face|entry)\b')


def _hugo_site(tmp_path: Path) -> tuple[Path, Counter[str], set[str]]:
    sitegen.generate_peer_sites(tmp_path, sitegen.SiteSize(12, 400))
    jf2 = tmp_path / "eleventy" / "_data" / "webmentions.json"
    targets = Counter(
        entry["wm-target"] for entry in json.loads(jf2.read_text())["children"]
    )
    slugs = {path.stem for path in (tmp_path / "pelican" / "content").glob("*.md")}
    return tmp_path / "hugo", targets, slugs


def test_hugo_gets_the_same_posts_and_each_post_its_own_mentions(tmp_path):
    hugo, targets, slugs = _hugo_site(tmp_path)
    assert {path.stem for path in (hugo / "content" / "posts").glob("*.md")} == slugs
    per_slug = hugo / "data-slug" / "webmentions"
    files = {
        path.stem: json.loads(path.read_text()) for path in per_slug.glob("*.json")
    }
    assert {slug: len(entries) for slug, entries in files.items()} == {
        target.removeprefix(f"{sitegen.SITEURL}/").removesuffix(".html"): count
        for target, count in targets.items()
    }
    assert all(
        entry["wm-target"] == f"{sitegen.SITEURL}/{slug}.html"
        for slug, entries in files.items()
        for entry in entries
    )
    where = json.loads((hugo / "data-where" / "webmentions.json").read_text())
    assert len(where["children"]) == sum(targets.values()) == 400


@pytest.mark.skipif(
    shutil.which("hugo") is None,
    reason="hugo is not installed (Debian: apt-get install -y hugo)",
)
@pytest.mark.parametrize("pattern", ["", "slug", "where"])
def test_hugo_renders_every_posts_mentions_with_both_patterns(tmp_path, pattern):
    hugo, targets, slugs = _hugo_site(tmp_path)
    config = "hugo.toml" + (f",{pattern}.toml" if pattern else "")
    subprocess.run(
        ["hugo", "--quiet", "--config", config, "-d", "public"],
        cwd=hugo,
        check=True,
        capture_output=True,
    )
    for slug in slugs:
        page = (hugo / "public" / f"{slug}.html").read_text(encoding="utf-8")
        assert '<h1 class="p-name">' in page
        expected = targets[f"{sitegen.SITEURL}/{slug}.html"] if pattern else 0
        assert len(MENTION.findall(page)) == expected, slug
    # Some posts have mentions, so the counts above are not all zero.
    assert pattern == "" or any(targets[f"{sitegen.SITEURL}/{s}.html"] for s in slugs)


def _cpu(**added: float) -> dict[str, list[float]]:
    """Three rounds of CPU seconds: every base build 1 s, each build with
    webmentions 1 s more than ``added`` says (the fastest round 0.1 s less)."""
    cpu = {name: [1.0, 1.0, 1.0] for name in ("pelican", "eleventy")}
    pairs = {"warm": "warm", "ci": "ci", "first": "first", "eleventy": "eleventy+wm"}
    pairs |= {"ci_cached": "ci-cached"}
    pairs |= {"slug": "hugo+slug", "where": "hugo+where"}
    for key, seconds in added.items():
        cpu[pairs[key]] = [1 + seconds, 1 + seconds - 0.1, 1 + seconds + 0.1]
    if "slug" in added:
        cpu |= {"hugo-slug-base": [1.0] * 3, "hugo-where-base": [1.0] * 3}
    return cpu


def test_the_summary_says_which_builds_add_less_than_each_peer():
    cpu = _cpu(warm=1, ci=3, ci_cached=1.5, first=5, eleventy=2, slug=4, where=20)
    table = run.summary_table(cpu, {name: 100 * run.MIB for name in cpu})
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    # The deploying guide's CI recipe (cache/ restored): +1.5 s, under both.
    restored = rows["Pelican + plugin, CI with `cache/` restored"]
    assert restored.count("met (") == 4 and "**not met**" not in restored
    assert rows["Pelican + plugin, warm"].count("met (") == 4
    assert "**not met**" not in rows["Pelican + plugin, warm"]
    # CI: more than Eleventy's +2 s, less than Hugo per-slug's +4 s.
    ci = rows["Pelican + plugin, CI"].removesuffix(" |").split(" | ")
    assert ci[1:4] == ["+3.00 s", "+2.90 s", "+2.90 to +3.10 s"]
    assert ci[5:9] == [
        "**not met** (1.50x)",
        "**not met** (1.53x)",
        "met (0.75x)",
        "met (0.74x)",
    ]
    assert rows["Pelican + plugin, first build"].count("**not met**") == 4
    assert "+20.00 s" in rows["Hugo, `where` over one list"]


def test_the_summary_says_when_hugo_did_not_run():
    cpu = _cpu(warm=1, ci=3, first=5, eleventy=2)
    table = run.summary_table(cpu, dict.fromkeys(cpu, 1.0))
    assert "| Hugo, per-slug data files | skipped: hugo not installed" in table
    assert "apt-get install -y hugo" in table
    warm = next(line for line in table.splitlines() if "plugin, warm" in line)
    assert warm.count("not measured (Hugo skipped)") == 2
