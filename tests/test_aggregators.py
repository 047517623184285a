"""Link aggregators and look-alike cards on a real blog (issue 24, items 5
and 7): mxb.dev's own webmention cache and posts (tests/fixtures/real-world/
mxb/), built as its author would on a first run, with no people file.

What is expected is counted here from the raw file with plain json, never
through the plugin."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import REAL_WORLD, Site

MXB = REAL_WORLD / "mxb"
CIRCLE = ("friend", "regular", "returning")
#: Accounts the file shows are aggregators' bots (their names say so).
AGGREGATOR = re.compile(r"lobste|hacker ?news|\bhn\b|hn\d|pinboard|hckrnews", re.I)
#: The aggregator that translates each title into Japanese, two posts:
#: its words are its own only in another script.
TRANSLATOR = "https://twitter.com/hackernewsj"
#: Japanese readers who wrote one line and a link, once each: readers.
JAPANESE_READERS = ("https://twitter.com/lero003", "https://twitter.com/yuuameroid")


def _entries() -> list[dict]:
    return json.loads((MXB / "webmentions.json").read_text("utf-8"))["children"]


def _slug(target: str) -> str:
    return [s for s in target.split("?")[0].split("#")[0].split("/") if s][3]


def _aggregators() -> dict[str, Counter]:
    """Aggregator account URL -> its mentions, by post."""
    found: dict[str, Counter] = defaultdict(Counter)
    for entry in _entries():
        author = entry["author"]
        if entry["wm-property"] == "mention-of" and AGGREGATOR.search(author["name"]):
            found[author["url"].rstrip("/")][_slug(entry["wm-target"])] += 1
    return found


@cache
def _built(root: Path) -> tuple[dict, str, dict[str, str], Site]:
    site = Site(root / "mxb")
    posts = json.loads((MXB / "posts.json").read_text("utf-8"))
    for slug, post in posts.items():
        site.article(slug, post["title"], post["date"], post["body"])
    site.write("data/webmentions.json", (MXB / "webmentions.json").read_bytes())
    site.settings.update(
        AUTHOR="Max Böck",
        SITEURL="https://mxb.dev",
        SITENAME="Max Böck",
        SITESUBTITLE="Frontend Web Developer",
        SOCIAL=(
            ("twitter", "https://twitter.com/mxbck"),
            ("github", "https://github.com/maxboeck"),
        ),
        ARTICLE_URL="blog/{slug}/",
        ARTICLE_SAVE_AS="blog/{slug}/index.html",
        COMMUNITY_SOURCES=[{"type": "webmention.io", "path": "data/webmentions.json"}],
        COMMUNITY_JSON_SAVE_AS="community.json",
        COMMUNITY_THANKS_IN_CONTENT=True,
    )
    site.build()
    pages = {slug: site.page(f"blog/{slug}/index.html") for slug in posts}
    report = json.loads(site.page("community.json"))
    return report, site.page("community/index.html"), pages, site


@pytest.fixture(scope="module")
def mxb(tmp_path_factory):
    return _built(tmp_path_factory.mktemp("aggregators"))


def _check(site: Site, command: str = "check", *args: str) -> str:
    from test_real_world_corpus_more import _check as run_in

    site.conf()
    done = run_in(site.root, command, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_fixture_is_what_its_provenance_says():
    kinds = Counter(entry["wm-property"] for entry in _entries())
    assert kinds == {
        "mention-of": 631,
        "in-reply-to": 125,
        "like-of": 4,
        "repost-of": 4,
    }
    assert len(_aggregators()) == 27


def test_no_aggregator_is_in_the_circle_yet_its_shares_count(mxb):
    report, community, _, _ = mxb
    by_url = {p["url"].rstrip("/"): p for p in report["people"] if p["url"]}
    assert TRANSLATOR in _aggregators()
    for url, mentions in _aggregators().items():
        person = by_url[url]
        assert person["role"] == "drive-by", person
        # Every one of its mentions is counted, as a share.
        assert person["counts"]["share"] == sum(mentions.values()), person
        assert person["counts"]["mention"] == 0
        assert f'href="{url}"' not in community.split('data-role="drive-by"')[0]
    circle = {p["url"].rstrip("/") for p in report["people"] if p["role"] in CIRCLE}
    assert circle & set(_aggregators()) == set()


def test_a_reader_writing_one_line_in_japanese_stays_a_reader(mxb):
    """The translator's shape (one line of Japanese, a link) from readers
    who wrote it once: their words are conversation."""
    report, _, pages, _ = mxb
    by_url = {p["url"]: p for p in report["people"] if p["url"]}
    for url in JAPANESE_READERS:
        assert by_url[url]["role"] == "one-off", by_url[url]
        assert by_url[url]["counts"]["mention"] == 1
    assert "おもしろげな雰囲気" in pages["the-return-of-the-90s-web"]


def test_the_title_hacker_news_gave_a_post_is_a_share_eighteen_times(mxb):
    """'A Starter Kit for Emergency Websites': the title Hacker News gave
    "The Emergency Website Kit", copied by eighteen bots."""
    report, _, pages, _ = mxb
    [post] = [p for p in report["posts"] if p["slug"] == "emergency-website-kit"]
    bots = sum(
        mentions["emergency-website-kit"]
        for url, mentions in _aggregators().items()
        if url != TRANSLATOR
    )
    assert bots == 18
    assert post["reactions"]["share"] >= bots
    assert "A Starter Kit for Emergency Websites" not in pages["emergency-website-kit"]


def test_readers_words_stay_conversation(mxb):
    """Words of their own beside the post's quoted words keep a mention in
    the conversation."""
    _, _, pages, _ = mxb
    assert "Wise words from" in pages["on-simplicity"]
    assert "Extremely rad!" in pages["indieweb-link-sharing"]


def test_check_proposes_hiding_each_aggregator_in_one_line(mxb):
    *_, site = mxb
    out = _check(site)
    lines = out.splitlines()
    assert len(lines) <= 120
    start = lines.index("hide:")
    block = ["hide:"]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    assert yaml.safe_load("\n".join(block))["hide"]
    front_page = sum(_aggregators()["https://twitter.com/hn_frontpage"].values())
    assert (
        '  - {url: "https://twitter.com/hn_frontpage"}  # HN Front Page '
        f"(drive-by): each of its {front_page} mentions only shares a link"
    ) in block
    # Accounts that only share are not offered as one person twice.
    assert '{name: "Hacker News"' not in out
    assert len(block) <= 14  # 12 lines and "... and N more"


def test_two_andy_bells_are_told_apart_and_check_offers_the_merge(mxb):
    """Two Twitter accounts under one name are two people for the rules (an
    account renamed): every page tells them apart; check puts the merge to
    the author in one line."""
    report, community, pages, site = mxb
    andys = [p for p in report["people"] if p["name"] == "Andy Bell"]
    assert sorted(p["url"] for p in andys) == [
        "https://twitter.com/andybelldesign",
        "https://twitter.com/hankchizljaw",
    ]
    for handle in ("@andybelldesign", "@hankchizljaw"):
        assert (
            f'<span class="community-aka" dir="auto"><span aria-hidden="true">· '
            f"</span>{handle}</span>"
        ) in community
    assert "@hankchizljaw</span>" in pages["using-webmentions-on-static-sites"]
    out = _check(site)
    people = out.splitlines()
    people = people[people.index("people:") + 1 :]
    assert (
        '  - {name: "Andy Bell", urls: ["https://twitter.com/hankchizljaw", '
        '"https://twitter.com/andybelldesign"]}  # regular + regular'
    ) in people
    desk = _check(site, "desk", "--now", "2020-07-01")
    assert "One name, two cards" in desk
    assert (
        desk.count('{name: "Andy Bell", urls: ["https://twitter.com/hankchizljaw"') == 1
    )


def test_the_author_is_not_in_the_community(mxb):
    report, *_ = mxb
    assert "Max Böck" not in {p["name"] for p in report["people"]}


# -- link passers on other real blogs: nearly every mention a share ----------


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("link-passers")


def _raw_mentions(folder: str, url: str) -> list[str]:
    data = json.loads((REAL_WORLD / folder / "webmentions.json").read_text("utf-8"))
    entries = data.get("webmentions") or data["children"]
    return [
        (e.get("content") or {}).get("text") or ""
        for e in entries
        if e["wm-property"] == "mention-of" and e["author"].get("url") == url
    ]


@pytest.mark.parametrize(
    ("folder", "url", "mentions"),
    [
        # The author's link blog's bot: "🔗 «title» From @x link", and twice
        # a few words ("Great news! 👍", "A poll for you:").
        ("nicolas-hoizey", "https://twitter.com/nice_links", 9),
        # Share-button tweets ("I want <title> via @site"), one of a title
        # edited since: 25 and 11 of them.
        ("webwewant", "https://twitter.com/morewry", 25),
        ("webwewant", "https://twitter.com/mtrantalainen", 11),
    ],
)
def test_an_account_that_nearly_only_passes_links_on_is_a_drive_by(
    corpus_root, folder, url, mentions
):
    from test_real_world_corpus import _build_webmentions

    assert len(_raw_mentions(folder, url)) == mentions
    report = _build_webmentions(folder, corpus_root, True).report
    [person] = [p for p in report["people"] if p["url"] == url]
    assert person["role"] == "drive-by", person
    assert person["counts"]["share"] == mentions
    assert person["counts"]["mention"] == 0


def test_check_proposes_hiding_the_link_bot(corpus_root):
    from test_real_world_corpus import _build_webmentions
    from test_real_world_corpus_more import _check as check_in

    _build_webmentions("nicolas-hoizey", corpus_root, True)
    out = check_in(corpus_root / "nicolas-hoizey-True").stdout
    assert (
        '  - {url: "https://twitter.com/nice_links"}  # Nice Web Links 🔗 '
        "(drive-by): each of its 9 mentions only shares a link"
    ) in out.splitlines()


def test_a_reader_who_shares_and_talks_stays_in_the_circle(corpus_root):
    """James Coyle shared one want and wrote on nine: a regular."""
    from test_real_world_corpus import _build_webmentions

    report = _build_webmentions("webwewant", corpus_root, True).report
    [james] = [
        p for p in report["people"] if p["url"] == "https://twitter.com/JamesCoyle95"
    ]
    assert james["role"] == "regular"


def test_the_authors_own_link_bot_under_me_is_not_proposed_for_hiding(
    tmp_path_factory,
):
    """docs/recognising-people.md: a link bot listed under ``me:`` is the
    author, never in check's ``hide:`` block nor in the community."""
    from test_real_world_corpus import _build_webmentions
    from test_real_world_corpus_more import _check as check_in

    root = tmp_path_factory.mktemp("own-link-bot")
    _build_webmentions("nicolas-hoizey", root, True)
    folder = root / "nicolas-hoizey-True"
    (folder / "community.yaml").write_text(
        'me:\n  urls: ["https://twitter.com/nice_links"]\n', encoding="utf-8"
    )
    done = check_in(folder)
    assert done.returncode == 0, done.stderr
    assert '{url: "https://twitter.com/nice_links"}' not in done.stdout
    report = check_in(folder, "report", "--json")
    people = json.loads(report.stdout)["people"]
    assert [p for p in people if p["url"] == "https://twitter.com/nice_links"] == []
