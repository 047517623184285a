"""Identity merging: one person under several names, emails, URLs and handles."""

from __future__ import annotations

import random
from dataclasses import replace

from pelican.plugins.community.model import Interaction
from pelican.plugins.community.people.hiding import hidden_interactions
from pelican.plugins.community.people.identity import (
    AUTHOR,
    merge_identities,
)
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


def test_an_email_key_merges_only_comments_signed_with_the_same_name():
    """An email seen under two names is no public link between them (the
    public pages show what the writer showed); under one name it is."""
    assert groups(
        [
            item("Liz", key="wp:email:1"),
            item("liz", key="wp:email:1"),
            item("Elizabeth Moss", key="wp:email:1"),
        ]
    ) == [["Elizabeth Moss"], ["Liz", "liz"]]


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
    # Two sites: two people who share a name.
    assert groups(
        [
            item("Sam Lee", url="https://a.example"),
            item("Sam Lee", url="https://b.example"),
        ]
    ) == [["Sam Lee"], ["Sam Lee"]]
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
        [item("Dora Maar", key="wp:email:1"), item("dora maar", key="disqus:email:7")]
    ) == [["Dora Maar", "dora maar"]]
    assert groups(
        [
            item("Dora Maar", key="wp:email:1"),
            item("Dora Maar", key="wp:email:2"),
            item("Dora Maar", key="disqus:email:7"),
        ]
    ) == [["Dora Maar"], ["Dora Maar"], ["Dora Maar"]]
    # A name-only comment between two contradicting namesakes joins neither.
    assert groups(
        [
            item("Sam Lee", key="wp:email:1"),
            item("Sam Lee", key="wp:email:2"),
            item("Sam Lee"),
        ]
    ) == [["Sam Lee"], ["Sam Lee"], ["Sam Lee"]]


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
        item("Sam Lee", key="wp:email:2"),
        item("Sam Lee", key="wp:email:3"),
        item("Sam Lee"),
        item("Eric Portis", url="https://ericportis.example"),
        item("Eric Portis", url="https://twitter.com/etportis"),
        item("E. Portis", url="https://x.com/etportis"),
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


def test_a_domain_rule_hides_its_subdomains_in_any_case_and_no_lookalike():
    """Where a mention was written counts, however its address is spelled."""
    pages = {
        "https://WWW.Buy-Followers.EXAMPLE/offer": True,
        "https://deep.shop.buy-followers.example:8443/x": True,
        "https://bücher.buy-followers.example/ü": True,
        "https://buy-followers.example.evil/x": False,
        "https://not-buy-followers.example/x": False,
        "https://fine.example/?via=buy-followers.example": False,
    }
    rules = (HideRule("domain", "buy-followers.example"),)
    for url, hidden in pages.items():
        mention = replace(item("Some Page", url="https://writer.example/"), url=url)
        (identity,) = merge_identities([mention], PeopleFile())
        assert bool(hidden_interactions(identity, rules)) is hidden, url


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


def test_a_site_and_platform_profiles_under_one_full_name_are_one_person():
    """Readers come from their own site and from their social accounts: a
    site does not contradict a profile on a platform, and the name seen with
    both bridges them."""
    assert groups(
        [
            item("Eric Portis", url="https://ericportis.example/"),
            item("Eric Portis", url="https://twitter.com/etportis"),
            item("E. Portis", url="https://x.com/ETPortis"),  # the same account
            item("Eric Portis", url="https://mastodon.example/@eric"),
            item("Eric Portis", url="https://github.com/eric"),
        ]
    ) == [["E. Portis", "Eric Portis", "Eric Portis", "Eric Portis", "Eric Portis"]]
    # A site's other pages are the same site.
    assert groups(
        [
            item("Aaron Gus", url="https://www.aaron.example/about"),
            item("Aaron Gus", url="https://aaron.example/"),
        ]
    ) == [["Aaron Gus", "Aaron Gus"]]


def test_two_accounts_on_one_platform_or_two_sites_are_two_people():
    assert groups(
        [
            item("Boris S", url="https://twitter.com/borisschapira"),
            item("Boris S", url="https://twitter.com/boostmarks"),
        ]
    ) == [["Boris S"], ["Boris S"]]
    assert groups(
        [
            item("Kim Lee", url="https://kim.example"),
            item("Kim Lee", url="https://kimlee.example"),
        ]
    ) == [["Kim Lee"], ["Kim Lee"]]
    # Two instances of the fediverse are two places: no contradiction.
    assert groups(
        [
            item("Kim Lee", handle="@kim@one.example"),
            item("Kim Lee", handle="@kim@two.example"),
        ]
    ) == [["Kim Lee", "Kim Lee"]]


def test_a_single_given_name_merges_only_with_other_evidence():
    """Three "Alex"es years apart with nothing else in common are three
    people; a shared URL, handle or email key is evidence."""
    assert groups([item("Alex"), item("Alex "), item("alex")]) == [
        ["Alex"],
        ["Alex "],
        ["alex"],
    ]
    assert groups(
        [
            item("Alex", url="https://alex.example"),
            item("Alex", url="https://alex.example/"),
        ]
    ) == [["Alex", "Alex"]]
    assert groups([item("Alex", key="wp:email:1"), item("alex", key="wp:email:1")]) == [
        ["Alex", "alex"]
    ]
    # A people-file entry is the author's word: its name claims them all.
    people = PeopleFile(people=(PersonEntry("Alex"),))
    assert groups([item("Alex"), item("alex")], people) == [["Alex", "alex"]]


def test_names_compare_without_emoji_case_or_invisible_characters():
    assert groups(
        [
            item("Arnaud Ligny 👨\u200d💻 💡", url="https://twitter.com/nhoizey_fan"),
            item("arnaud ligny", url="https://arnaud.example"),
        ]
    ) == [["Arnaud Ligny 👨\u200d💻 💡", "arnaud ligny"]]


def test_placeholder_names_merge_by_neither_name_nor_email():
    """Comments signed "Jane Doe", "Anonymous" and "SecretCritic" from one
    email are three: only Jane showed who she is."""
    identities = merge_identities(
        [
            item("Jane Doe", url="https://jane.example", key="wp:email:1"),
            item("Anonymous", key="wp:email:1"),
            item("SecretCritic", key="wp:email:1"),
            item("Guest", key="wp:email:1"),
        ],
        PeopleFile(),
    )
    assert sorted(sorted(i.author_name for i in x.items) for x in identities) == [
        ["Jane Doe"],
        ["SecretCritic"],
    ]


def test_a_people_file_entry_merges_what_only_emails_kept_apart():
    """Lynn Mason signed with two emails on consecutive days: two people,
    until the author says they are one (check's snippet)."""
    items = [
        item("Lynn Mason", key="sm:email:1", url="https://instagram.com/lynn"),
        item("Lynn Mason", key="sm:email:2"),
    ]
    assert len(groups(items)) == 2
    entry = PersonEntry("Lynn Mason", urls=("https://instagram.com/lynn",))
    assert groups(items, PeopleFile(people=(entry,))) == [["Lynn Mason", "Lynn Mason"]]


def _authorship(items, people):
    return sorted(
        (
            identity.author,
            sorted(i.author_name + " " + i.author_url for i in identity.items),
        )
        for identity in merge_identities(items, people)
        if identity.items
    )


def test_the_site_author_is_known_by_site_keys_and_by_an_uncontradicted_name():
    from pelican.plugins.community.people.identity import (
        AUTHOR,
        AUTHOR_BY_NAME,
        LOOKS_LIKE_AUTHOR,
    )

    people = PeopleFile().with_site_author(
        ("Maren Holt",), "https://maren.example/blog"
    )
    got = _authorship(
        [
            item("Maren Holt"),  # a name, nothing else: the author by name
            item("M.", url="https://www.maren.example/about"),  # their site
            item(
                "Maren",
                handle="@maren@social.example",
                verified_url="https://maren.example/",
            ),
            item("Mh", url="https://social.example/@maren"),  # that account again
            item("maren holt", handle="maren.example"),  # a Bluesky domain handle
            item("Maren Holt", url="https://evil.example/"),  # someone else's site
            item("Maren Holt", url="https://twitter.com/maren"),  # unproven
            item("Reader One", url="https://reader.example"),
        ],
        people,
    )
    assert got == [
        ("", ["Reader One https://reader.example"]),
        (
            AUTHOR,
            [
                "M. https://www.maren.example/about",
                "Maren ",
                "Mh https://social.example/@maren",
                "maren holt ",
            ],
        ),
        (AUTHOR_BY_NAME, ["Maren Holt "]),
        (
            LOOKS_LIKE_AUTHOR,
            [
                "Maren Holt https://evil.example/",
                "Maren Holt https://twitter.com/maren",
            ],
        ),
    ]


def test_hide_reaches_everyone_but_the_proven_author():
    people = PeopleFile().with_site_author(("Maren Holt",), "https://maren.example")
    identities = merge_identities(
        [
            item("Maren Holt", url="https://maren.example"),
            item("Maren Holt", url="https://evil.example/x"),
        ],
        people,
    )
    rules = (HideRule("name", "Maren Holt"), HideRule("domain", "evil.example"))
    # The build never applies hide rules to the proven author (views.compute).
    [proven] = [i for i in identities if i.author == AUTHOR]
    assert [i.author_url for i in proven.items] == ["https://maren.example"]
    hidden = sorted(
        item.author_url
        for identity in identities
        if identity is not proven
        for item in hidden_interactions(identity, rules)
    )
    assert hidden == ["https://evil.example/x"]


def test_names_are_shown_as_written_and_compared_without_their_emoji():
    from pelican.plugins.community.names import clean_name, name_key

    for name in (
        "Arnaud Ligny 👨\u200d💻",
        "VickyTM 🏳️\u200d🌈",
        "Chris 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
        "We ❤️ Speed",
    ):
        assert clean_name(name) == name
    # Spoofing characters still go: a direction override, a stray joiner,
    # a zero-width space, a tag character outside a flag.
    assert clean_name("e\u202evil \u200dx\u200b\U000e0041") == "evil x"
    assert (
        name_key("Arnaud Ligny 👨\u200d💻 💡")
        == name_key("ARNAUD  LIGNY")
        == "arnaud ligny"
    )
