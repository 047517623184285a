"""The contract holds on sites nobody in this project wrote: the posts and
comments of real WordPress exports from other projects' test suites."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html import escape

import pytest
from defusedxml.ElementTree import parse
from html_checks import executable_markup

PERSON_KEYS = {
    "id",
    "name",
    "url",
    "role",
    "pinned",
    "posts",
    "counts",
    "first_seen",
    "last_seen",
}
ROLES = {"friend", "regular", "returning", "one-off", "drive-by"}


def _child(element, name):
    """Text of the first child with this local name, whatever the WXR version's namespace."""
    for child in element:
        if child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip()
    return ""


def _read_export(export):
    """Posts with approved reader comments (slug, title, date), and how many
    approved comments (readers', the author's, nobody's) cannot match a post
    of the site (an item with no
    slug, or a page: the site is built from posts only).

    The blog's author is who the contract says: a ``comment_user_id`` that is
    a ``wp:author``'s id, or a ``wp:author``'s email."""
    posts, unmatchable = [], 0
    root = parse(export).getroot()
    authors = [a for a in root.iter() if a.tag.endswith("}author")]
    author_ids = {_child(a, "author_id") for a in authors} - {""}
    author_emails = {_child(a, "author_email").lower() for a in authors} - {""}
    for item in root.iter("item"):
        kind = _child(item, "post_type")
        if kind not in ("post", "page", ""):
            continue
        comments = [
            c
            for c in item
            if c.tag.endswith("}comment")
            and _child(c, "comment_approved") == "1"
            and _child(c, "comment_type") in ("", "comment")
            and _child(c, "comment_user_id") not in author_ids
            and _child(c, "comment_author_email").lower() not in author_emails
            # Signed "Anonymous" with no link: no one, whatever the email
            # (docs/recognising-people.md).
            and not (
                _child(c, "comment_author").strip().lower() in ("anonymous", "anon")
                and not _child(c, "comment_author_url").strip()
            )
        ]
        slug = _child(item, "post_name")
        # The site has an article only for a post with reader comments:
        # every approved comment elsewhere is told as unmatched, the
        # author's and those signed by nobody (where they say something) too.
        others = sum(
            1
            for c in item
            if c.tag.endswith("}comment")
            and c not in comments
            and _child(c, "comment_approved") == "1"
            and _child(c, "comment_type") in ("", "comment")
            and _child(c, "comment_content").strip()
        )
        if not slug or kind == "page" or not comments:
            unmatchable += len(comments) + others
            continue
        posts.append(
            (
                slug,
                _child(item, "title") or slug,
                (_child(item, "post_date") or "2010-01-01")[:10],
            )
        )
    return posts, unmatchable


@pytest.mark.parametrize(
    "name",
    [
        "wpi_theme-unit-test-data.xml",
        "pelican_wordpressexport.xml",
        "isso_wordpress.xml",
    ],
)
def test_the_contract_holds_on_a_real_wordpress_blog(site, real_world, name):
    export = site.root / "data" / "export.xml"
    export.parent.mkdir(parents=True)
    shutil.copy(real_world / name, export)
    posts, unmatchable = _read_export(export)
    assert posts
    for slug, title, date in posts:
        (site.content / f"{slug}.html").write_text(
            f'<html><head><title>{escape(title)}</title><meta name="date" content="{date}">'
            f'<meta name="slug" content="{escape(slug)}"></head><body><p>Imported.</p></body></html>',
            encoding="utf-8",
        )
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.build()
    published = site.page("community.json")
    report = json.loads(published)

    assert set(report) == {"people", "posts", "unmatched"}
    ids = [p["id"] for p in report["people"]]
    assert len(ids) == len(set(ids))
    for person in report["people"]:
        assert set(person) == PERSON_KEYS  # no reasons, no note: public
        assert person["role"] in ROLES
        assert set(person["counts"]) == {
            "comment",
            "mention",
            "like",
            "repost",
            "share",
            "bookmark",
        }
        assert person["url"] is None or person["url"].startswith(
            ("http://", "https://")
        )
    # Every post with approved reader comments thanks someone.
    by_slug = {p["slug"]: p for p in report["posts"]}
    for slug, _title, _date in posts:
        assert by_slug[slug]["thanks"], slug
        for thanked in by_slug[slug]["thanks"]:
            assert thanked["id"] in ids
    assert report["unmatched"] == unmatchable
    thanked_total = sum(len(p["thanks"]) for p in report["posts"])
    assert thanked_total >= len(
        [p for p in report["people"] if p["role"] != "drive-by" and p["posts"]]
    )

    raw = export.read_text(encoding="utf-8")
    emails = {
        e.strip()
        for e in re.findall(r"<wp:comment_author_email>(?:<!\[CDATA\[)?([^<\]]*)", raw)
    } - {""}
    for path in site.output.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert executable_markup(html) == [], path
        assert not any(email in html for email in emails), path
    assert not any(email in published for email in emails)

    # The CLI prints the same report; a second build changes nothing.
    conf = site.root / "pelicanconf.py"
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican.plugins.community.cli",
            "report",
            "--json",
            "-s",
            str(conf),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    for person in (authors := json.loads(cli.stdout))["people"]:
        assert person.pop("reasons"), person
        person.pop("note", None)
    assert authors == report
    before = {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    site.build()
    assert before == {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
