"""The author recognised from evidence: the account a Bridgy address names."""

from __future__ import annotations

from pelican.plugins.community.model import Interaction
from pelican.plugins.community.people.identity import AUTHOR, merge_identities
from pelican.plugins.community.people.people_file import PeopleFile, PersonEntry

ME = PeopleFile(me=PersonEntry(name="Nic Chan"))


def _reply(n: int, name: str, profile: str, bridgy_account: str = "nicchan"):
    return Interaction(
        source="wm",
        id=str(n),
        kind="comment",
        author_name=name,
        author_url=f"https://twitter.com/{profile}",
        url=f"https://brid.gy/comment/twitter/{bridgy_account}/1{n}/2{n}",
        target_url="https://nic.example/post/",
    )


def _authors(items) -> dict[str, str]:
    return {
        identity.items[0].author_name: identity.author
        for identity in merge_identities(items, ME)
        if identity.items
    }


def test_the_syndicating_account_signed_with_the_authors_first_name_is_her():
    items = [_reply(1, "Nic", "nicchan"), _reply(2, "Bob Reader", "bob")]
    roles = _authors(items)
    assert roles["Nic"] == AUTHOR
    assert roles["Bob Reader"] != AUTHOR


def test_the_first_name_alone_is_no_evidence():
    # "Nic" from another account, or with no Bridgy address naming hers.
    items = [_reply(1, "Nic", "nic_other"), _reply(2, "Bob Reader", "bob")]
    assert _authors(items)["Nic"] != AUTHOR


def test_the_syndicating_account_under_another_name_is_not_her():
    # A post syndicated by a colleague's account: her name is not on it.
    items = [_reply(1, "Mia", "terriblemia", "terriblemia")]
    assert _authors(items)["Mia"] != AUTHOR


def test_social_links_and_links_profiles_are_the_authors_blogroll_links_are_not():
    from pelican.plugins.community.settings import site_profiles

    settings = {
        "SOCIAL": [
            ("Mastodon", "https://mastodon.social/@nic"),
            ("Twitter", "https://twitter.com/nicchan"),
            # Her own other site: SOCIAL is the author's own links.
            ("Notes", "https://notes.nicchan.example/"),
            ("Twitter home", "https://twitter.com/"),  # names no one
            "not a pair",
        ],
        "LINKS": [
            ("Pelican", "https://getpelican.com/"),
            ("GitHub", "https://github.com/nicchan"),
            ("Bad", "javascript:alert(1)"),
        ],
    }
    profiles = site_profiles(settings)
    assert profiles == (
        "https://mastodon.social/@nic",
        "https://twitter.com/nicchan",
        "https://notes.nicchan.example/",
        "https://github.com/nicchan",
    )
    people = PeopleFile().with_site_author(("Nic Chan",), "", profiles)
    items = [
        Interaction(
            source="m",
            id="1",
            kind="comment",
            author_name="nic",
            author_url="https://mastodon.social/@nic",
        ),
        Interaction(
            source="m",
            id="2",
            kind="comment",
            author_name="Pelican fan",
            author_url="https://getpelican.com/",
        ),
    ]
    roles = {
        i.items[0].author_name: i.author
        for i in merge_identities(items, people)
        if i.items
    }
    assert roles == {"nic": AUTHOR, "Pelican fan": roles["Pelican fan"]}
    assert roles["Pelican fan"] != AUTHOR
