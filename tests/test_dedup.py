"""One interaction counted once, though Bridgy and a direct source both bring it."""

from __future__ import annotations

import itertools
import json
import random

from builders import jf2_entry
from pelican.plugins.community.archive.dedup import dedupe_interactions, duplicate_key
from pelican.plugins.community.model import Interaction
from pelican.plugins.community.sources import bluesky, mastodon
from pelican.plugins.community.sources.webmention_io import parse_jf2_entries
from replay_server import LIVE_FIXTURES

TARGET = "https://jane.example/lighthouse/"
STATUS = mastodon.parse_status_url("https://writing.exchange/@jane/111500000000000001")
JANE = "did:plc:j4neauth0rxxxxxxxxxxxxxx"
KAREN = "did:plc:k4renbellxxxxxxxxxxxxxxx"


def _load(name: str):
    return json.loads((LIVE_FIXTURES / name).read_text())


def _bridgy_mentions() -> list[Interaction]:
    entries = _load("webmention_io_page0.json")["children"]
    entries += _load("webmention_io_page1.json")["children"]
    return list(parse_jf2_entries(entries, "webmention.io-jane.example").interactions)


def _direct_mastodon() -> list[Interaction]:
    context = mastodon.parse_context(
        _load("mastodon_context.json"), STATUS, "mastodon", TARGET
    )
    likes = mastodon.parse_accounts(
        _load("mastodon_favourited_by_1.json"), "like", STATUS, "mastodon", TARGET
    )
    return [*context.interactions, *likes.interactions]


def test_a_bridgy_reply_and_like_count_once_and_the_direct_copy_wins():
    bridgy = _bridgy_mentions()
    direct = _direct_mastodon()
    result = dedupe_interactions(bridgy + direct)
    # Bridgy's reply and like collapse into the direct copies; the two
    # replies that are not public are withheld and leave.
    assert len(result) == len(bridgy) + len(direct) - 2 - 2
    karen_replies = [i for i in result if i.kind == "comment" and "karen" in i.url]
    assert [i.source for i in karen_replies] == ["mastodon"]
    karen_likes = [
        i for i in result if i.kind == "like" and i.author_name == "Karen Bell"
    ]
    assert [i.source for i in karen_likes] == ["mastodon"]
    # The direct API gives no time for a like; Bridgy's received time is kept.
    assert karen_likes[0].published == "2024-03-05T10:20:11+00:00"
    # The native mention, with no direct twin, is untouched.
    assert any(i.author_name == "Marisol Ortega" for i in result)


def test_the_result_does_not_depend_on_order():
    items = _bridgy_mentions() + _direct_mastodon()
    expected = sorted(dedupe_interactions(items), key=lambda i: (i.source, i.id))
    rng = random.Random(7)
    for _ in range(20):
        shuffled = items[:]
        rng.shuffle(shuffled)
        got = sorted(dedupe_interactions(shuffled), key=lambda i: (i.source, i.id))
        assert got == expected


def test_bluesky_via_bridgy_names_handles_the_direct_source_dids():
    thread = bluesky.parse_thread(_load("bsky_getPostThread.json"), "bluesky", TARGET)
    root = f"at://{JANE}/app.bsky.feed.post/3kmroot2abc22"
    likes = bluesky.parse_actors(
        _load("bsky_getLikes_1.json"), "like", root, "bluesky", TARGET
    )
    via_bridgy = [
        Interaction(
            source="webmention.io-jane.example",
            id="1800001",
            kind="comment",
            author_name="Karen Bell",
            author_url="https://bsky.app/profile/karen.bsky.social",
            author_handle="karen.bsky.social",
            url="https://bsky.app/profile/karen.bsky.social/post/3kmkaren1xy22",
            target_url=TARGET,
            published="2024-03-04T10:00:00+00:00",
        ),
        Interaction(
            source="webmention.io-jane.example",
            id="1800002",
            kind="like",
            author_name="Karen Bell",
            url=f"https://bsky.app/profile/jane.example/post/3kmroot2abc22#liked_by_{KAREN}",
            target_url=TARGET,
            published="2024-03-04T09:31:00+00:00",
        ),
    ]
    direct = [*thread.interactions, *likes.interactions]
    result = dedupe_interactions(via_bridgy + direct)
    # The hidden account's reply and like are withheld and leave.
    assert len(result) == len(direct) - 2
    assert {i.source for i in result} == {"bluesky"}


def test_other_likes_by_the_same_person_stay_apart():
    like = Interaction(
        "wm", "1", "like", url="https://writing.exchange/@jane/1#favorited-by-9"
    )
    other_post = Interaction(
        "wm", "2", "like", url="https://writing.exchange/@jane/2#favorited-by-9"
    )
    repost = Interaction(
        "wm", "3", "repost", url="https://writing.exchange/@jane/1#reblogged-by-9"
    )
    assert len({duplicate_key(i) for i in (like, other_post, repost)}) == 3
    assert dedupe_interactions([like, other_post, repost]) == [like, other_post, repost]


def test_the_same_comment_from_an_export_and_a_live_feed_counts_once():
    permalink = "https://old.jane.example/2013/03/04/the-long-middle/#comment-7"
    post = "https://old.jane.example/2013/03/04/the-long-middle/"
    exported = Interaction(
        "wordpress-export", "7", "comment", url=permalink, target_url=post
    )
    fed = Interaction("old-blog", permalink, "comment", url=permalink, target_url=post)
    assert len(dedupe_interactions([exported, fed])) == 1
    # Within one source a shared URL may be the source's quirk: both stay.
    home = Interaction(
        "wm", "8", "comment", url="https://brainbaking.com/", target_url=post
    )
    again = Interaction(
        "wm", "9", "comment", url="https://brainbaking.com/", target_url=post
    )
    assert len(dedupe_interactions([home, again])) == 2


def test_real_bridgy_data_loses_nothing_that_is_not_a_copy(real_world):
    for name in ("oddbird_webmentions.json", "mia_webmentions.json"):
        entries = json.loads((real_world / name).read_text())["children"]
        items = list(parse_jf2_entries(entries, "wm").interactions)
        assert dedupe_interactions(items) == items
        # Merged with itself under another source name, every entry pairs up.
        copies = [
            Interaction.from_dict({**i.to_dict(), "source": "wm2"}) for i in items
        ]
        assert len(dedupe_interactions(items + copies)) == len(items)


def test_every_permutation_of_a_small_group_keeps_the_direct_record():
    direct = _direct_mastodon()[0]
    bridgy = next(i for i in _bridgy_mentions() if i.kind == "comment")
    twin = Interaction.from_dict({**bridgy.to_dict(), "source": "another", "id": "x"})
    for order in itertools.permutations([bridgy, direct, twin]):
        assert dedupe_interactions(list(order)) == [direct]


def test_mastodon_web_interface_status_urls_count_once():
    """A post announced with its ``/web/...`` address: Bridgy's copies of its
    likes still meet the direct source's."""
    for address in (
        "https://writing.exchange/web/@jane/111500000000000001",
        "https://writing.exchange/web/statuses/111500000000000001",
    ):
        status = mastodon.parse_status_url(address)
        assert status is not None, address
        likes = mastodon.parse_accounts(
            _load("mastodon_favourited_by_1.json"), "like", status, "mastodon", TARGET
        ).interactions
        bridgy = [
            i
            for i in _bridgy_mentions()
            if i.kind == "like" and "Karen" in i.author_name
        ]
        assert bridgy, "the fixture has Karen's like through Bridgy"
        result = dedupe_interactions([*bridgy, *likes])
        karen = [i for i in result if i.author_name == "Karen Bell"]
        assert [i.source for i in karen] == ["mastodon"], address


# -- withheld by the platform -------------------------------------------------

QUIET = "https://mastodon.social/@quietly/111500020000000005"  # unlisted
HIDDEN = "did:plc:h1ddenreaderxxxxxxxxxxx"  # labelled !no-unauthenticated
HIDDEN_REPLY = "https://bsky.app/profile/hidden.bsky.social/post/3kmhidden0022"
ROOT_POST = "https://bsky.app/profile/jane.example/post/3kmroot2abc22"


def _bridgy_copies_of_withheld() -> list[Interaction]:
    """What Bridgy backfeeds though the platform says not to show it."""
    entries = [
        jf2_entry(
            1900001,
            "in-reply-to",
            TARGET,
            "Quiet Reader",
            "https://mastodon.social/@quietly",
            content="unlisted aside",
            source=QUIET,
        ),
        jf2_entry(
            1900002,
            "in-reply-to",
            TARGET,
            "Hidden Reader",
            "https://bsky.app/profile/hidden.bsky.social",
            content="please don't show me to logged-out people",
            source=HIDDEN_REPLY,
        ),
        jf2_entry(
            1900003,
            "like-of",
            TARGET,
            "Hidden Reader",
            "https://bsky.app/profile/hidden.bsky.social",
            source=f"{ROOT_POST}#liked_by_{HIDDEN}",
        ),
    ]
    return list(parse_jf2_entries(entries, "webmention.io-jane.example").interactions)


def _direct_bluesky() -> list[Interaction]:
    thread = bluesky.parse_thread(_load("bsky_getPostThread.json"), "bluesky", TARGET)
    likes = bluesky.parse_actors(
        _load("bsky_getLikes_1.json"),
        "like",
        f"at://{JANE}/app.bsky.feed.post/3kmroot2abc22",
        "bluesky",
        TARGET,
    )
    return [*thread.interactions, *likes.interactions]


def test_a_withheld_reply_takes_bridgys_copy_with_it():
    withheld = _bridgy_copies_of_withheld()
    assert len(withheld) == 3
    items = withheld + _bridgy_mentions() + _direct_mastodon() + _direct_bluesky()
    rng = random.Random(11)
    for _ in range(10):
        rng.shuffle(items)
        result = dedupe_interactions(items)
        names = {i.author_name for i in result}
        assert "Quiet Reader" not in names and "Hidden Reader" not in names
        assert not any(i.extra.get("withheld") for i in result)
        # A public reply still collapses into the direct copy, as before.
        karen = [i for i in result if i.url.endswith("/111499990000000001")]
        assert [i.source for i in karen] == ["mastodon"]


def test_a_withheld_record_names_the_status_and_nothing_else():
    quiet = [i for i in _direct_mastodon() if "quietly" in i.id]
    hidden = [i for i in _direct_bluesky() if HIDDEN in i.id]
    assert [i.kind for i in quiet] == ["comment", "comment"]
    assert sorted(i.kind for i in hidden) == ["comment", "like"]
    for item in quiet + hidden:
        assert item.extra.get("withheld") == "true"
        assert set(item.to_dict()) == {
            "source",
            "id",
            "kind",
            "target_url",
            "url",
            "extra",
        }
        assert set(item.extra) == {"platform", "withheld"}
    # The same status or post as Bridgy's copy: one key for both.
    bridgy = {duplicate_key(i) for i in _bridgy_copies_of_withheld()}
    assert bridgy <= {duplicate_key(i) for i in quiet + hidden}
