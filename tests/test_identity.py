"""Identity merging: one person under several names, emails, URLs and handles."""

from __future__ import annotations

import random

from pelican.plugins.community.model import Interaction
from pelican.plugins.community.people.hiding import hidden_interactions
from pelican.plugins.community.people.identity import merge_identities
from pelican.plugins.community.people.people_file import (
    HideRule,
    PeopleFile,
    PersonEntry,
)

_next = iter(range(10**6))


def item(
    name="", url="", key="", handle="", source="s", kind="comment", **extra
) -> Interaction:
    return Interaction(
        source=source,
        id=str(next(_next)),
        kind=kind,
        author_name=name,
        author_url=url,
        author_key=key,
        author_handle=handle,
        extra=extra,
    )


def groups(items, people=None):
    return sorted(
        sorted(i.author_name for i in identity.items)
        for identity in merge_identities(items, people or PeopleFile())
        if identity.items
    )


def test_same_email_key_merges_different_names():
    assert groups(
        [item("Liz", key="wp:email:1"), item("Elizabeth Moss", key="wp:email:1")]
    ) == [["Elizabeth Moss", "Liz"]]


def test_url_normalization_merges_scheme_www_case_and_slash():
    items = [
        item("A", url="http://www.Karen.example/"),
        item("B", url="https://karen.example"),
        item("C", url="HTTPS://KAREN.EXAMPLE/"),
    ]
    assert groups(items) == [["A", "B", "C"]]


def test_bare_shared_platform_homepages_identify_no_one():
    items = [
        item("Ann", url="https://twitter.com/"),
        item("Bo", url="https://twitter.com"),
    ]
    assert groups(items) == [["Ann"], ["Bo"]]
    # ... but a profile path on the platform does.
    assert groups(
        [
            item("Ann", url="https://twitter.com/ann"),
            item("A.", url="https://twitter.com/Ann/"),
        ]
    ) == [["A.", "Ann"]]


def test_handle_and_profile_url_are_one_person():
    items = [
        item("Karen", handle="@karen@mastodon.social"),
        item("KB", url="https://mastodon.social/@karen"),
        item("K", url="https://bsky.app/profile/karen.bsky.social"),
        item("K.", handle="karen.bsky.social"),
    ]
    assert groups(items) == [["K", "K."], ["KB", "Karen"]]


def test_same_name_merges_unless_contradicted():
    assert groups([item("Tom Reader", key="wp:email:1"), item("tom  reader")]) == [
        ["Tom Reader", "tom  reader"]
    ]
    # Two different emails: two people who share a name.
    assert groups([item("Bob", key="wp:email:1"), item("bob", key="wp:email:2")]) == [
        ["Bob"],
        ["bob"],
    ]
    # Two different URLs too.
    assert groups(
        [item("Sam", url="https://a.example"), item("Sam", url="https://b.example")]
    ) == [["Sam"], ["Sam"]]
    # Keys are opaque per export: the same name signed with an email in two
    # exports (a reader who followed the blog from WordPress to Disqus) is
    # one person; two emails within one export still mean two people.
    assert groups(
        [item("Dora", key="wp:email:1"), item("dora", key="disqus:email:7")]
    ) == [["Dora", "dora"]]
    assert groups(
        [
            item("Dora", key="wp:email:1"),
            item("Dora", key="wp:email:2"),
            item("Dora", key="disqus:email:7"),
        ]
    ) == [["Dora"], ["Dora"], ["Dora"]]
    # A name-only comment between two contradicting namesakes joins neither.
    assert groups(
        [item("Sam", key="wp:email:1"), item("Sam", key="wp:email:2"), item("Sam")]
    ) == [
        ["Sam"],
        ["Sam"],
        ["Sam"],
    ]


def test_placeholder_names_never_merge():
    assert groups(
        [
            item("Anonymous", url="https://a.example"),
            item("anonymous", url="https://b.example"),
        ]
    ) == [["Anonymous"], ["anonymous"]]
    assert groups([item("Anonymous"), item("")]) == []  # nobody in particular


def test_people_file_aliases_urls_and_handles_merge():
    karen = PersonEntry(
        name="Karen Bell",
        aliases=("K. Bell",),
        urls=("https://karenbell.example",),
        handles=("@karen@mastodon.social",),
        pinned=True,
    )
    people = PeopleFile(friends=(karen,))
    items = [
        item("K. Bell", key="wp:email:1"),
        item("Kay", url="https://mastodon.social/@karen"),
        item("KB", url="http://karenbell.example/"),
    ]
    (identity,) = [i for i in merge_identities(items, people) if i.items]
    assert identity.entry is karen
    assert sorted(i.author_name for i in identity.items) == ["K. Bell", "KB", "Kay"]


def test_a_stranger_using_a_friends_name_is_not_merged_into_the_friend():
    karen = PersonEntry(
        name="Karen Bell", urls=("https://karenbell.example",), pinned=True
    )
    people = PeopleFile(friends=(karen,))
    items = [
        item("Karen Bell", url="https://karenbell.example"),
        item("Karen Bell", url="https://impostor.example"),
    ]
    identities = [i for i in merge_identities(items, people) if i.items]
    friend = next(i for i in identities if i.entry is karen)
    assert [i.author_url for i in friend.items] == ["https://karenbell.example"]
    assert len(identities) == 2


def test_merging_does_not_depend_on_input_order():
    items = [
        item("Priya Nair", key="wp:email:1"),
        item("Priya N.", key="wp:email:1"),
        item("priya nair"),
        item("Sam", key="wp:email:2"),
        item("Sam", key="wp:email:3"),
        item("Sam"),
        item("Ann", url="https://ann.example"),
        item("ann", handle="@ann@m.example"),
        item("Ann", url="https://m.example/@ann"),
    ]
    expected = groups(items)
    for seed in range(20):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert groups(shuffled) == expected


def test_hide_rules_match_name_url_domain_and_handle():
    identities = merge_identities(
        [
            item("Spammer", url="https://shop.buy-followers.example/x"),
            item("Bot", handle="@bot@spam.social"),
            item("Eve", url="https://spam.example/page"),
            item("Some Name"),
            item("Fine Reader", url="https://fine.example"),
        ],
        PeopleFile(),
    )
    rules = (
        HideRule("domain", "buy-followers.example"),
        HideRule("handle", "@bot@spam.social"),
        HideRule("url", "https://spam.example/"),
        HideRule("name", "some name"),
    )
    shown = [
        i.items[0].author_name for i in identities if not hidden_interactions(i, rules)
    ]
    assert shown == ["Fine Reader"]


def test_the_hash_of_an_empty_email_identifies_no_one():
    """Staticman's md5 transform turns a blank email into the same hash for
    everyone: those commenters are not merged into one person."""
    from pelican.plugins.community.sources._emailkeys import email_keys

    blank_md5 = "d41d8cd98f00b204e9800998ecf8427e"
    keys = email_keys(
        "staticman",
        [
            (blank_md5, "2020-01-01", "a"),
            (blank_md5, "2020-01-02", "b"),
            ("x@mail.example", "2020-01-03", "c"),
        ],
    )
    assert keys == {"x@mail.example": "staticman:email:c"}
