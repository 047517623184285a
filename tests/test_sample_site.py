"""The demo site builds offline and every sample person lands in the role
sample-site/README.md promises."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from html_checks import executable_markup

SAMPLE = Path(__file__).resolve().parent.parent / "sample-site"

EXPECTED = {
    "friend": {"Ruth Okafor", "Tom Wierzbicki", "Hattie Blackwood"},
    "regular": {
        "Jonah Pryce",
        "Dolores O'Brien",
        "Annika Strand",
        "Felix Marchetti",
        # Two WXR posts in 2013, then a Staticman comment in 2022.
        "Grace Lindqvist",
    },
    "returning": {
        "Sunniva Hale",
        "Kit Marlowe-Reyes",
        "Owen Tremlett",
        # A WXR comment in 2017, a Staticman comment in 2022.
        "Lars Holm",
    },
    "one-off": {
        "Idris Morgan",
        "Clementine Ashby",
        "Nadia Ferreira",
        "Pol Serrano",
        "Esme Whitlock",
        "Beatrix Coombe",
        "Yusuf Karaca",
        "Perpetua Lowe",
        "Tobias Fenn",
        "Morwenna Trease",  # Blogger
        "Signe Rask",  # Disqus
        "Femi Okafor",  # pelican-comment-system
        "Priscilla Hartnell",  # Commento
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
    "Essay Writing Service",  # Blogger spam
    "Book Launch Boost",  # Disqus spam
    "Hollyhock Bakes",  # a deleted Disqus post
    "Five Star Readers Club",  # a flagged Commento comment
]
#: Files that hold email addresses, IP addresses or email hashes: none of
#: them may reach a page or the archive.
PRIVATE_INPUTS = (
    "data/wordpress-export.xml",
    "data/blogger-takeout.atom",
    "data/disqus-export.xml",
    "data/commento-export.json",
    "data/staticman",
    "data/pelican-comments",
)


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
    secrets = _private_values()
    assert {"noreply@blogger.com", "192.0.2.147"} <= secrets
    for path in (demo / "output").rglob("*.html"):
        html = path.read_text()
        assert executable_markup(html) == [], path
        for name in NEVER:
            assert name not in html, (name, path)
        for secret in secrets:
            assert secret not in html, (secret, path)
    for path in (demo / "community-archive").iterdir():
        archived = path.read_text()
        for secret in secrets:
            assert secret not in archived, (secret, path.name)


def _private_values() -> set[str]:
    """Every email address, IP address and 32-digit hex hash (Staticman's and
    Gravatar's MD5 of an email) in the sample's private inputs."""
    texts = []
    for name in PRIVATE_INPUTS:
        path = SAMPLE / name
        files = sorted(path.rglob("*.*")) if path.is_dir() else [path]
        texts += [file.read_text() for file in files]
    text = "\n".join(texts)
    return (
        set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text))
        | set(re.findall(r"\b(?:\d{1,3}\.){3}\d{1,3}\b", text))
        | set(re.findall(r"\b[0-9a-f]{32}\b", text))
    )


def _conversation(demo: Path, slug: str) -> str:
    page = (demo / "output" / slug / "index.html").read_text()
    return re.search(
        r'<section class="community-conversation".*?</section>', page, re.S
    ).group(0)


@dataclass
class _Comment:
    classes: str
    parent: _Comment | None
    text: str = ""


def _comments(conversation: str) -> list[_Comment]:
    """The conversation's comments, each with its own text (not its
    replies') and the comment it is nested under."""

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.comments: list[_Comment] = []
            self.open: list[_Comment | None] = []

        def handle_starttag(self, tag, attrs):
            if tag == "li":
                classes = dict(attrs).get("class") or ""
                comment = None
                if "community-comment" in classes.split():
                    parents = [c for c in self.open if c is not None]
                    comment = _Comment(classes, parents[-1] if parents else None)
                    self.comments.append(comment)
                self.open.append(comment)

        def handle_endtag(self, tag):
            if tag == "li" and self.open:
                self.open.pop()

        def handle_data(self, data):
            inner = [c for c in self.open if c is not None]
            if inner:
                inner[-1].text += data

    reader = Reader()
    reader.feed(conversation)
    return reader.comments


def test_every_bundled_source_reaches_its_post(demo):
    """One sentence from each saved export or folder shows under the post it
    was written on, matched the way that source matches posts."""
    for slug, text in (
        # Blogger (Takeout): the post's filename is the slug.
        ("the-tuesday-group", "report on casualties"),
        # Disqus: a thread link that is the post's pre-rename permalink...
        ("cutting-chapter-nine", "a drawer of orphans of my own"),
        # ...and one under the current permalink.
        ("the-letter-drawer", "two hundred and twelve so far"),
        # pelican-comment-system: the folder is the slug; Markdown rendered.
        ("moving-house", "That is the <em>whole</em> system."),
        # Staticman: the folder is the slug.
        ("second-novel-problem", "off the end of a pier"),
        # Commento: https://<domain><url>.
        ("launch-night", "Green coat, third row"),
    ):
        assert text in _conversation(demo, slug), (slug, text)
    # Replies stay threaded under what they answer, and the author's own
    # answers are hers: Staticman by replying_to_uid, pelican-comment-system
    # by `replyto: 2md`, Blogger by inReplyTo (signed "M. Ashdown", known by
    # the Blogger profile that wrote the posts), Disqus and Commento by parent.
    for slug, parent, reply in (
        ("second-novel-problem", "off the end of a pier", "by teatime"),
        ("moving-house", "quietest house move", "I only carried the boxes"),
        ("the-tuesday-group", "report on casualties", "No casualties, I promise"),
        ("cutting-chapter-nine", "a drawer of orphans", "keeping an eye on her"),
        ("launch-night", "Green coat, third row", "it steadied me"),
    ):
        comments = _comments(_conversation(demo, slug))
        [answer] = [c for c in comments if reply in c.text]
        assert "community-by-author" in answer.classes, (slug, reply)
        assert answer.parent is not None and parent in answer.parent.text, slug
    report = json.loads((demo / "output/community/community.json").read_text())
    assert "M. Ashdown" not in {p["name"] for p in report["people"]}


def test_what_the_sources_flag_never_reaches_a_page(demo):
    gone = (
        "verified reader reviews",  # Disqus isSpam
        "two eggs, not three",  # Disqus isDeleted
        "plagiarism free",  # Blogger SPAM
        "five-star ratings",  # Commento flagged
        "Is the lectern for sale",  # Commento unapproved
    )
    for path in (demo / "output").rglob("*.html"):
        html = path.read_text()
        for text in gone:
            assert text not in html, (text, path)
    for path in (demo / "community-archive").iterdir():
        for text in gone:
            assert text not in path.read_text(), (text, path.name)


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
    assert [re.sub(r"<[^>]+>", "", w[0]) for w in warnings] == [
        "Content warning: grief, a parent",
        "Content warning: re: grief, a parent",
    ]
    assert "shoebox" in warnings[0][1]
    report = json.loads((demo / "output/community/community.json").read_text())
    [post] = [p for p in report["posts"] if p["slug"] == "the-circle-counted"]
    # Mastodon favourites and Bluesky likes, Bridgy's copies counted once.
    assert post["reactions"] == {"like": 11, "repost": 3, "share": 0, "bookmark": 0}


def test_the_committed_archive_matches_a_fresh_build(demo):
    """`make demo` must not leave the repository's archive changed."""
    for path in sorted((SAMPLE / "community-archive").iterdir()):
        assert (
            demo / "community-archive" / path.name
        ).read_bytes() == path.read_bytes(), path.name


def test_the_community_page_tells_thirteen_years_in_one_glance(demo):
    page = (demo / "output/community/index.html").read_text()
    assert "13 people wrote 82% of the conversation since 2013." in page
    assert '<div class="community-chart-wide"><svg viewBox="0 0 640 240"' in page
    assert (
        "A bar chart of the people in conversation here each year, 2013 to 2026" in page
    )
    years = re.findall(r'<tr><th scope="row">(\d+)</th>', page)
    assert years == [str(year) for year in range(2013, 2027)]
    wide = page[page.index('<svg viewBox="0 0 640') :]
    wide = wide[: wide.index("</svg>")]
    assert wide.count("<text") > 14 and "<script" not in page
