"""Shares, bots and nameless interactions (issue 10), and author URLs only
where the source vouches for them (issue 13): on real texts from the corpus
(tests/fixtures/real-world/) and on small sites built for the purpose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REAL_WORLD
from pelican.plugins.community.model import Interaction, PostRef
from pelican.plugins.community.people.people_file import PeopleFile
from pelican.plugins.community.people.shares import is_share
from pelican.plugins.community.sources.webmention_io import read_webmentions
from pelican.plugins.community.views.compute import compute_community


def _corpus(folder: str) -> dict[str, Interaction]:
    result = read_webmentions(REAL_WORLD / folder / "webmentions.json", "wm")
    return {item.id: item for item in result.interactions}


WEBWEWANT = _corpus("webwewant")
HOIZEY = _corpus("nicolas-hoizey")
WANT_TITLES = json.loads((REAL_WORLD / "webwewant" / "titles.json").read_text("utf-8"))


def _want(item: Interaction) -> tuple[str, str]:
    number = item.target_url.rstrip("/").rsplit("/", 1)[-1]
    return WANT_TITLES[number], f"want-{number}"


def _by(corpus: dict[str, Interaction], name: str) -> list[Interaction]:
    return [i for i in corpus.values() if i.author_name == name and i.kind == "mention"]


# -- which mentions are shares -----------------------------------------------


def test_share_button_tweets_are_shares():
    """ "I want <title> webwewant.fyi/wants/N/ via @webwewantfyi", the share
    button's text, and nothing else: Rhy Moore, 25 times."""
    shares = _by(WEBWEWANT, "Rhy Moore")
    assert len(shares) == 25
    assert sum(is_share(i, *_want(i)) for i in shares) >= 24


def test_a_share_whose_post_title_changed_since_is_still_a_share():
    # Shared as "... from 0 to auto using just CSS"; the title is now shorter.
    [item] = [
        i for i in _by(WEBWEWANT, "Mikko Rantalainen") if "using just CSS" in i.content
    ]
    assert is_share(item, *_want(item))


def test_link_bot_posts_are_shares_and_words_of_its_own_are_not():
    """Nice Web Links: '🔗 « title » From @x link' (the slug is the title);
    once it added "Great news! 👍", which is conversation."""
    posts = {i.id: i for i in _by(HOIZEY, "Nice Web Links 🔗")}
    slug = "intent-to-deprecate-and-freeze-the-user-agent-string"
    assert not is_share(posts["744436"], "", slug)  # "Great news! 👍"
    for wm_id in ("744649", "751063", "760918", "764842"):
        item = posts[wm_id]
        slug = item.target_url.rstrip("/").rsplit("/", 1)[-1]
        assert is_share(item, "", slug), item.content


def test_a_title_tweeted_with_hashtags_and_a_short_link_is_a_share():
    """Cloudinary tweeting "Using #Cloudinary's fetch API to convert an
    animated #GIF to a video via @nhoizey ow.ly/...": the post's title."""
    [item, *_] = _by(HOIZEY, "Cloudinary")
    slug = "using-cloudinary-s-fetch-api-to-convert-an-animated-gif-to-a-video"
    assert is_share(item, "", slug)


@pytest.mark.parametrize(
    "author",
    ["James Coyle", "Gavin McFarland", "hirsebirse", "Ed Rodley"],
)
def test_real_words_before_a_share_link_stay_conversation(author):
    """Readers who wrote their own words in the share box (their plain
    shares, the button's "I want ..." and nothing else, are shares)."""
    for item in _by(WEBWEWANT, author):
        if "/wants/" in item.target_url:
            plain = item.content.startswith("I want")
            assert is_share(item, *_want(item)) == plain, item.content


def test_replies_are_never_shares():
    replies = [i for i in WEBWEWANT.values() if i.kind == "comment"]
    assert replies and not any(is_share(i, "", "") for i in replies)


def test_a_mention_with_no_words_at_all_is_a_share():
    bare = Interaction(source="s", id="1", kind="mention", content="")
    assert is_share(bare)


# -- how they count ------------------------------------------------------------

POST = PostRef(
    slug="tide-tables",
    url="https://blog.example/tide-tables/",
    title="Reading the tide tables",
    date="2020-01-01T00:00:00+00:00",
)


def _item(n: int, kind: str, **fields) -> Interaction:
    return Interaction(
        source="wm",
        id=str(n),
        kind=kind,
        target_url=POST.url,
        published=f"2020-02-{n:02d}T00:00:00+00:00",
        **fields,
    )


def test_a_share_is_its_own_reaction_not_a_repost_nor_conversation():
    items = [
        _item(
            1,
            "mention",
            author_name="Sharer",
            author_url="https://twitter.com/s",
            content="Reading the tide tables https://blog.example/tide-tables/ via @jane",
        ),
        _item(
            2,
            "mention",
            author_name="Talker",
            author_url="https://twitter.com/t",
            content="Reading the tide tables: I never knew about the moon.",
        ),
    ]
    community = compute_community(items, PeopleFile(), [POST], 3, max_depth=6)
    people = {p.name: p for p in community.people}
    assert people["Sharer"].role == "drive-by"
    assert (people["Sharer"].shares, people["Sharer"].conversation_count) == (1, 0)
    assert (people["Sharer"].counts["share"], people["Sharer"].counts["repost"]) == (
        1,
        0,
    )
    assert "only reacted: 1 share, never a comment" in people["Sharer"].reasons
    assert people["Talker"].role == "one-off"
    view = community.for_post(POST.slug)
    assert [t.person.name for t in view.thanks] == ["Talker"]
    assert (view.reactions["share"], view.reactions["repost"]) == (1, 0)
    assert [c.name for c in view.conversation] == ["Talker"]


def test_bots_are_never_in_the_community_but_their_taps_count():
    bot = {
        "author_name": "Link Bot",
        "author_url": "https://bots.example/@links",
        "extra": {"bot": "true"},
    }
    items = [
        _item(1, "comment", content="New post!", **bot),
        _item(2, "like", **bot),
        _item(3, "comment", author_name="Reader", content="Lovely."),
    ]
    community = compute_community(items, PeopleFile(), [POST], 3, max_depth=6)
    assert [p.name for p in community.people] == ["Reader"]
    view = community.for_post(POST.slug)
    assert view.reactions["like"] == 1
    assert [c.name for c in view.conversation] == ["Reader"]


def test_nameless_mentions_fold_into_one_line_and_nameless_taps_count():
    items = [
        _item(1, "mention", url="https://scraper.example/copy-1"),
        _item(2, "mention", url="https://www.aggregator.example/p/9"),
        _item(3, "mention", url="javascript:alert(1)"),
        _item(4, "like", url="https://likes.example/1"),
        _item(5, "bookmark", url="https://marks.example/2"),
    ]
    community = compute_community(items, PeopleFile(), [POST], 3, max_depth=6)
    assert community.people == []
    view = community.for_post(POST.slug)
    assert view.conversation == []
    assert [(p.site, p.url) for p in view.linked_from] == [
        ("scraper.example", "https://scraper.example/copy-1"),
        ("aggregator.example", "https://www.aggregator.example/p/9"),
    ]
    assert view.reactions == {"like": 1, "repost": 0, "share": 0, "bookmark": 1}


def _site_with_mentions(site, entries, people: str = "") -> dict:
    site.article("tide-tables", "Reading the tide tables", "2020-01-01")
    site.write("data/wm.json", json.dumps(entries))
    if people:
        site.write("community.yaml", people)
    site.settings.update(
        COMMUNITY_SOURCES=[{"type": "webmention.io", "path": "data/wm.json"}],
        COMMUNITY_JSON_SAVE_AS="community.json",
        COMMUNITY_THANKS_IN_CONTENT=True,
    )
    site.build()
    return json.loads(site.page("community.json"))


def _jf2(n: int, source: str, author: dict | None, prop="mention-of", text="") -> dict:
    return {
        "type": "entry",
        "wm-id": n,
        "wm-property": prop,
        "wm-source": source,
        "url": source,
        "wm-target": "https://blog.example/tide-tables/",
        "published": f"2020-02-{n:02d}T00:00:00+00:00",
        "author": author or {"type": "card", "name": "", "url": ""},
        "content": {"text": text} if text else None,
    }


def test_the_page_shows_nameless_pages_as_one_linked_line(site):
    _site_with_mentions(
        site,
        [
            _jf2(1, "https://scraper.example/copy", None),
            _jf2(2, "https://blog.reader.example/notes/1", None),
            _jf2(
                3,
                "https://reader.example/hi",
                {"name": "Ria", "url": "https://reader.example/"},
                "in-reply-to",
                "Good one.",
            ),
        ],
    )
    page = site.page("tide-tables/index.html")
    assert ">Someone<" not in page
    assert "Also linked from 2 pages:" in page
    assert (
        '<a href="https://scraper.example/copy" rel="nofollow ugc noopener">scraper.example</a>'
        in page
    )
    # The meta line reads "Ria · 2 February 2020", the dot hidden from screen readers.
    assert '<span class="community-sep" aria-hidden="true">·</span> <' in page


FRIEND = """\
friends:
  - name: Anna Lind
    urls: [https://anna.example/]
"""


def test_a_mention_claiming_a_friends_url_from_another_site_is_not_the_friend(site):
    report = _site_with_mentions(
        site,
        [
            _jf2(
                1,
                "https://anna.example/notes/tides",
                {"name": "Anna Lind", "url": "https://anna.example/"},
                text="My notes on the tide tables.",
            ),
            _jf2(
                2,
                "https://attacker.example/post",
                {"name": "Mallory", "url": "https://anna.example/"},
                text="Buy cheap watches at attacker.example.",
            ),
        ],
        FRIEND,
    )
    people = {p["name"]: p for p in report["people"]}
    assert people["Anna Lind"]["counts"]["mention"] == 1
    # Known by the page it came from, not the address it claimed.
    assert people["Mallory"]["url"] == "https://attacker.example/post"
    assert people["Mallory"]["role"] != "friend"


def test_a_friends_name_from_another_site_is_not_the_friend(site):
    """The name alone is not enough either: the mention is the other site's."""
    report = _site_with_mentions(
        site,
        [
            _jf2(
                1,
                "https://attacker.example/post",
                {"name": "Anna Lind", "url": "https://anna.example/"},
                text="It is me, Anna: send the manuscript here.",
            )
        ],
        FRIEND,
    )
    [friend] = [p for p in report["people"] if p["role"] == "friend"]
    assert friend["url"] == "https://anna.example/"
    assert friend["posts"] == [] and sum(friend["counts"].values()) == 0


def test_hiding_the_attackers_domain_leaves_the_friend_alone(site):
    report = _site_with_mentions(
        site,
        [
            _jf2(
                1,
                "https://anna.example/notes/tides",
                {"name": "Anna Lind", "url": "https://anna.example/"},
                text="My notes on the tide tables.",
            ),
            _jf2(
                2,
                "https://attacker.example/post",
                {"name": "Mallory", "url": "https://anna.example/"},
                text="Buy cheap watches at attacker.example.",
            ),
        ],
        FRIEND + "hide:\n  - domain: attacker.example\n",
    )
    assert [p["name"] for p in report["people"]] == ["Anna Lind"]
    assert report["people"][0]["counts"]["mention"] == 1


def test_a_bridgy_copy_keeps_the_silo_profile_not_the_website_typed_on_it():
    """Bridgy's author URL for a tweet is the website the account typed on
    its profile (anyone can type a friend's): the tweet's account it is."""
    result = read_webmentions(
        REAL_WORLD / "jekyll-webmention_io" / "webmention_io_received.yml", "wm"
    )
    boris = {i.id: i for i in result.interactions}["431259"]
    assert boris.author_url == "https://twitter.com/borisschapira"


def test_corpus_author_urls_are_kept_where_their_source_vouches():
    """On the real caches only a page of the blog itself (republishing a
    tweet with the tweet author's h-card) loses its claimed URL."""
    raw = json.loads(
        (REAL_WORLD / "nicolas-hoizey" / "webmentions.json").read_text("utf-8")
    )
    claimed = {
        str(e["wm-id"]): e["author"].get("url") or "" for e in raw["webmentions"]
    }
    lost = [i.id for i in HOIZEY.values() if claimed[i.id] and not i.author_url]
    assert len(lost) == 1
    assert Path(HOIZEY[lost[0]].url).parts[1] == "twitter.com"


def test_bridgy_replies_show_without_empty_links_or_blank_lines(site):
    """webwewant's real Bridgy reply ends with four empty u-mention links,
    one per line."""
    raw = json.loads((REAL_WORLD / "webwewant" / "webmentions.json").read_text("utf-8"))
    [entry] = [
        e
        for e in raw["children"]
        if (e.get("content") or {}).get("text", "").startswith("Ace. Thanks.")
    ]
    entry = {**entry, "wm-target": "https://blog.example/tide-tables/"}
    _site_with_mentions(site, [entry])
    page = site.page("tide-tables/index.html")
    reply = page[page.index("Ace. Thanks.") :]
    reply = reply[: reply.index("</div>")]
    assert (
        reply
        == "Ace. Thanks. Broken build process or does my name now flag all the filters?"
    )
