"""The demo site builds offline and every sample person lands in the role
sample-site/README.md promises."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from html_checks import executable_markup

SAMPLE = Path(__file__).resolve().parent.parent / "sample-site"

EXPECTED = {
    "friend": {"Ruth Okafor", "Tom Wierzbicki", "Hattie Blackwood"},
    "regular": {"Jonah Pryce", "Dolores O'Brien", "Annika Strand", "Felix Marchetti"},
    "returning": {
        "Grace Lindqvist",
        "Sunniva Hale",
        "Kit Marlowe-Reyes",
        "Owen Tremlett",
    },
    "one-off": {
        "Idris Morgan",
        "Clementine Ashby",
        "Nadia Ferreira",
        "Pol Serrano",
        "Esme Whitlock",
        "Beatrix Coombe",
        "Lars Holm",
        "Yusuf Karaca",
        "Perpetua Lowe",
        "Tobias Fenn",
    },
}
NEVER = [
    "Derek Vane",
    "Growth Team",
    "Agnes Pike",
    "Colm Reddy",
    "Best Cat Food Deals",
    "SEO Expert",
    "The Slush Pile",
    "Writers' Circles Directory",
    "Marsh Light",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The sample site copied and built offline, as `make demo` does."""
    root = tmp_path_factory.mktemp("demo") / "sample-site"
    shutil.copytree(
        SAMPLE, root, ignore=shutil.ignore_patterns("output", "__pycache__")
    )
    shutil.copytree(SAMPLE.parent / "theme", root.parent / "theme")
    from pelican import Pelican
    from pelican.settings import read_settings

    cwd, offline = os.getcwd(), os.environ.get("PELICAN_COMMUNITY_OFFLINE")
    os.chdir(root)
    os.environ["PELICAN_COMMUNITY_OFFLINE"] = "1"
    try:
        Pelican(
            read_settings(
                "pelicanconf.py", override={"OUTPUT_PATH": str(root / "output")}
            )
        ).run()
    finally:
        os.chdir(cwd)
        if offline is None:
            os.environ.pop("PELICAN_COMMUNITY_OFFLINE")
    return root


def test_every_sample_person_lands_in_the_intended_role(demo):
    report = json.loads((demo / "output/community/community.json").read_text())
    by_role: dict[str, set[str]] = {}
    for person in report["people"]:
        by_role.setdefault(person["role"], set()).add(person["name"])
    for role, names in EXPECTED.items():
        assert by_role.get(role) == names, role
    assert len(by_role["drive-by"]) == 17
    assert report["unmatched"] == 0


def test_the_demo_pages_show_the_circle_and_nothing_private(demo):
    page = (demo / "output/community/index.html").read_text()
    for name in EXPECTED["friend"] | EXPECTED["regular"]:
        assert name.replace("'", "&#39;") in page or name in page, name
    assert "Idris Morgan" in re.search(r'id="welcome".*?</section>', page, re.S).group(
        0
    )
    # The author herself is never "community" (her replies are answers).
    assert "Maren Ashdown" not in "".join(
        re.findall(r'<li class="community-card".*?</li>', page, re.S)
    )
    report = json.loads((demo / "output/community/community.json").read_text())
    assert "Maren Ashdown" not in {p["name"] for p in report["people"]}
    export = (SAMPLE / "data/wordpress-export.xml").read_text()
    secrets = set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", export)) | set(
        re.findall(r"\b(?:\d{1,3}\.){3}\d{1,3}\b", export)
    )
    assert secrets
    for path in (demo / "output").rglob("*.html"):
        html = path.read_text()
        assert executable_markup(html) == [], path
        for name in NEVER:
            assert name not in html, (name, path)
        for secret in secrets:
            assert secret not in html, (secret, path)


def test_mastodon_and_bluesky_conversations_show_from_the_committed_archive(demo):
    page = (demo / "output/the-circle-counted/index.html").read_text()
    conversation = re.search(
        r'<section class="community-conversation".*?</section>', page, re.S
    ).group(0)
    for text in (
        "the room above the chip shop",  # Ruth, on Mastodon
        "very modern of us",  # Hattie, on Bluesky
        "The letters win, always.",  # Maren's answer on Bluesky
        "ring my old writing group",  # Tobias Fenn, new, on Bluesky
    ):
        assert text in conversation, text
    # Kit's reply came through Bridgy/webmention.io and from Mastodon: once.
    assert conversation.count("Under the warehouse comment") == 1
    # Perpetua's reply (and Maren's answer) stay behind their content warnings.
    warnings = re.findall(
        r'<details class="community-content-warning"><summary>(.*?)</summary>(.*?)</details>',
        conversation,
        re.S,
    )
    assert [w[0] for w in warnings] == ["grief, a parent", "re: grief, a parent"]
    assert "shoebox" in warnings[0][1]
    report = json.loads((demo / "output/community/community.json").read_text())
    [post] = [p for p in report["posts"] if p["slug"] == "the-circle-counted"]
    # Mastodon favourites and Bluesky likes, Bridgy's copies counted once.
    assert post["reactions"] == {"like": 11, "repost": 3, "bookmark": 0}


def test_the_committed_archive_matches_a_fresh_build(demo):
    """`make demo` must not leave the repository's archive changed."""
    for path in sorted((SAMPLE / "community-archive").iterdir()):
        assert (
            demo / "community-archive" / path.name
        ).read_bytes() == path.read_bytes(), path.name
