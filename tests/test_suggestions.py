"""What ``check`` suggests, computed from plain data: grouped, capped, each
group a YAML block the people file reads back."""

from __future__ import annotations

import yaml
from pelican.plugins.community.model import Interaction, PostRef
from pelican.plugins.community.people.people_file import PeopleFile, PersonEntry
from pelican.plugins.community.views.compute import compute_with_identities
from pelican.plugins.community.views.suggestions import suggest_edits

POSTS = [
    PostRef(slug=f"p{n}", url=f"https://blog.example/p{n}/", title=f"Post {n}")
    for n in range(8)
]


def _said(id: str, name: str, post: str, **fields: str) -> Interaction:
    fields.setdefault("kind", "comment")
    return Interaction(
        source="s",
        id=id,
        author_name=name,
        target_url=f"https://blog.example/{post}/",
        **fields,
    )


def _big_site() -> list[Interaction]:
    """2,000 people: 300 regulars, pairs of look-alikes, share accounts, a
    hundred unmatched addresses."""
    items = []
    for n in range(2000):
        url = f"https://reader{n}.example/"
        for p in range(3 if n < 300 else 1):
            items.append(
                _said(
                    f"{n}-{p}",
                    f"Reader Number{n}",
                    f"p{p}",
                    author_url=url,
                    published=f"2020-01-0{p + 1}T00:00:00+00:00",
                    content="A thought of my own about this post, and another.",
                )
            )
        if n < 100:
            items.append(
                _said(f"gone-{n}", f"Reader Number{n}", f"gone-{n}", author_url=url)
            )
    for n in range(40):  # "R. Twin{n}" next to "Reader Twin{n}"
        for name in (f"Reader Twin{n}", f"R. Twin{n}"):
            items.append(_said(f"twin-{name}", name, "p1"))
    for n in range(30):  # share-button accounts
        for p in range(3):
            items.append(
                _said(
                    f"share-{n}-{p}",
                    f"Sharer {n}",
                    f"p{p}",
                    kind="mention",
                    author_url=f"https://twitter.com/sharer{n}",
                    content=f"I want Post {p} blog.example/p{p}/ via @blog",
                )
            )
    return items


def test_check_on_a_big_site_is_grouped_capped_and_pastes_as_yaml():
    items = _big_site()
    computed = compute_with_identities(items, PeopleFile(), POSTS, 3, max_depth=6)
    lines = suggest_edits(computed, items, PeopleFile(), POSTS)
    text = "\n".join(lines)
    assert len(lines) <= 120
    assert "  # ... and 288 more (pelican-community report lists everyone)" in lines
    assert "  # ... and 18 more" in lines  # share accounts past the first 12
    assert "  # ... and 28 more" in lines  # look-alike pairs past the first 12
    assert (
        "100 interactions at 100 addresses match no post (they still count "
        "for their person)"
    ) in text
    assert computed.community.unmatched == 100
    # Each block reads back as the people file's YAML.
    for header in ("hide:", "friends:", "people:"):
        start = lines.index(header)
        block = [header]
        for line in lines[start + 1 :]:
            if not line.startswith("  "):
                break
            block.append(line)
        parsed = yaml.safe_load("\n".join(block))
        assert parsed[header[:-1]], header
    assert (
        '  - {name: "Reader Twin0", aliases: ["R. Twin0"]}  # one-off + one-off'
        in lines
    )


def test_check_says_this_looks_like_you_for_a_first_name_that_answers_readers():
    """The author replying from an account she never listed, signed with her
    first name: check offers the me: block; a stranger of that first name who
    only comments is left alone."""
    me = PeopleFile(me=PersonEntry(name="Nic Chan", urls=("https://nicchan.me",)))
    items = [
        _said("1", "Reader Person", "p1", author_url="https://reader.example/"),
        _said(
            "2",
            "Nic",
            "p1",
            parent="1",
            author_url="https://mastodon.social/@nicchan",
            content="Thank you so much!",
        ),
        _said("3", "Nic", "p2", author_url="https://twitter.com/othernic"),
    ]
    computed = compute_with_identities(items, me, POSTS, 3, max_depth=6)
    lines = suggest_edits(computed, items, me, POSTS)
    assert (
        'This looks like you: an account signed "Nic" (your first name) answers '
        "your readers, and is listed in the community as a reader."
    ) in lines
    block = lines[lines.index("me:") : lines.index("me:") + 3]
    assert (
        block[1] == '  urls: ["https://nicchan.me", "https://mastodon.social/@nicchan"]'
    )
    assert not any("othernic" in line for line in lines)
    # Pasted, the account is the author's: no longer in the community.
    pasted = PeopleFile(
        me=PersonEntry(
            name="Nic Chan",
            urls=("https://nicchan.me", "https://mastodon.social/@nicchan"),
        )
    )
    again = compute_with_identities(items, pasted, POSTS, 3, max_depth=6)
    assert "https://mastodon.social/@nicchan" not in {
        p.url for p in again.community.people
    }
    assert not any(
        line.startswith("This looks like you")
        for line in suggest_edits(again, items, pasted, POSTS)
    )
