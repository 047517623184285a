"""Roles and reasons, computed from plain data (no site needed)."""

from __future__ import annotations

import pytest
from pelican.plugins.community.model import Interaction, PostRef
from pelican.plugins.community.people.people_file import PeopleFile, PersonEntry
from pelican.plugins.community.views.compute import compute_community

POSTS = [
    PostRef(
        slug=f"p{n}",
        url=f"https://blog.example/p{n}/",
        title=f"Post {n}",
        date=f"201{n}-01-01T00:00:00+00:00",
    )
    for n in range(1, 6)
]
_ids = iter(range(10**6))


def talk(name, post, when, kind="comment", **kw):
    return Interaction(
        source="s",
        id=str(next(_ids)),
        kind=kind,
        author_name=name,
        target_url=f"https://blog.example/p{post}/",
        published=when,
        **kw,
    )


def roles(items, people=None, min_posts=3):
    community = compute_community(
        items, people or PeopleFile(), POSTS, min_posts, max_depth=6
    )
    return {p.name: (p.role, list(p.reasons)) for p in community.people}


def test_role_thresholds_follow_distinct_posts_not_comment_counts():
    items = [
        *(
            talk("Chatty Cathy", 1, f"2020-01-0{d}T00:00:00+00:00") for d in range(1, 8)
        ),  # 7 comments, 1 post
        talk("Two Timer", 1, "2019-01-01T00:00:00+00:00"),
        talk("Two Timer", 2, "2019-02-01T00:00:00+00:00"),
        *(talk("Three Times", n, f"2013-0{n}-04T15:00:00+00:00") for n in (1, 2, 3)),
        talk("Lee Liker", 1, "2020-01-01T00:00:00+00:00", kind="like"),
        talk("Lee Liker", 2, "2020-01-01T00:00:00+00:00", kind="repost"),
    ]
    got = roles(items)
    assert got["Chatty Cathy"][0] == "one-off"
    assert got["Two Timer"] == (
        "returning",
        ["commented on 2 posts since January 2019", "last seen in February 2019"],
    )
    assert got["Three Times"] == (
        "regular",
        ["commented on 3 posts since January 2013", "last seen in March 2013"],
    )
    assert got["Lee Liker"] == (
        "drive-by",
        ["only reacted: 1 like, 1 repost, never a comment"],
    )
    # The bar is a setting.
    assert roles(items, min_posts=2)["Two Timer"][0] == "regular"


def test_mentions_are_conversation_and_friends_are_pinned_without_activity():
    people = PeopleFile(
        friends=(
            PersonEntry(name="Quiet Friend", pinned=True, note="Met at a reading"),
        )
    )
    mention = talk(
        "Blogger",
        4,
        "2016-05-01T00:00:00+00:00",
        kind="mention",
        content="Her fourth post made me rethink my own drafts.",
    )
    got = roles([mention], people)
    assert got["Blogger"] == ("one-off", ["mentioned “Post 4” in May 2016"])
    assert got["Quiet Friend"] == ("friend", ["pinned in community.yaml"])


def test_author_replies_are_not_community_but_count_as_answers():
    people = PeopleFile(me=PersonEntry(name="Jane Author"))
    question = talk("Reader", 1, "2020-01-01T00:00:00+00:00")
    answer = Interaction(
        source="s",
        id="answer",
        kind="comment",
        author_name="jane author",
        target_url="https://blog.example/p1/",
        published="2020-01-02T00:00:00+00:00",
        parent=question.id,
    )
    community = compute_community([question, answer], people, POSTS, 3, max_depth=6)
    assert [p.name for p in community.people] == ["Reader"]
    assert community.people[0].reasons[-1] == "you replied to them 1 time"
    (comment,) = community.for_post("p1").conversation
    assert comment.name == "Reader" and comment.replies[0].by_author


def test_thanks_follow_first_arrival_and_flag_first_timers():
    items = [
        talk("Early Bird", 1, "2020-01-01T00:00:00+00:00"),
        talk("Late Comer", 2, "2021-01-03T00:00:00+00:00"),
        talk("Early Bird", 2, "2021-01-02T00:00:00+00:00"),
        talk("Late Comer", 2, "2021-01-01T00:00:00+00:00", kind="like"),
    ]
    thanks = (
        compute_community(items, PeopleFile(), POSTS, 3, max_depth=6)
        .for_post("p2")
        .thanks
    )
    assert [(t.person.name, t.first_time) for t in thanks] == [
        ("Early Bird", False),
        ("Late Comer", True),
    ]


def test_the_same_inputs_in_any_order_give_the_same_report():
    items = [
        talk(n, p, f"2020-0{p}-0{p}T00:00:00+00:00")
        for n in ("Ann A", "Bo B", "Cy C")
        for p in (1, 2, 3)
    ]
    first = compute_community(items, PeopleFile(), POSTS, 3, max_depth=6)
    again = compute_community(items[::-1], PeopleFile(), POSTS, 3, max_depth=6)
    assert again.json_text(for_author=True) == first.json_text(for_author=True)


def test_plain_text_comments_keep_their_paragraphs():
    item = talk(
        "Para Graph",
        1,
        "2020-01-01T00:00:00+00:00",
        content="First thought.\n\nSecond one,\non two lines.",
    )
    (comment,) = (
        compute_community([item], PeopleFile(), POSTS, 3, max_depth=6)
        .for_post("p1")
        .conversation
    )
    assert comment.content == "<p>First thought.</p><p>Second one,<br>on two lines.</p>"


def test_a_persons_photo_is_the_newest_safe_one():
    """The newest photo a source gave; an unsafe newest one (not http(s))
    leaves the one before; of two given at once, the last alphabetically."""

    def photos(*given):
        items = [
            talk(
                "Ines Ro",
                1,
                when,
                author_url="https://ines.example/",
                author_photo=photo,
            )
            for when, photo in given
        ]
        (ines,) = compute_community(items, PeopleFile(), POSTS, 3, max_depth=6).people
        return ines.photo

    old, new = "https://ines.example/old.png", "https://ines.example/new.png"
    assert photos(("2014-01-01", old), ("2020-01-01", new), ("2021-01-01", "")) == new
    assert photos(("2014-01-01", old), ("2020-01-01", "javascript:alert(1)")) == old
    assert photos(("2020-01-01", new), ("2020-01-01", old), ("2010-01-01", "")) == old
    assert photos(("2020-01-01", "data:x"), ("", old)) == old


def test_a_persons_link_is_the_newest_form_of_the_site_they_use_most():
    items = [
        talk(
            "Felix Ng",
            1,
            "2014-01-01T00:00:00+00:00",
            author_url="http://www.felix.example",
        ),
        talk(
            "Felix Ng",
            2,
            "2015-01-01T00:00:00+00:00",
            author_url="http://felix.example/",
        ),
        talk(
            "Felix Ng",
            3,
            "2022-01-01T00:00:00+00:00",
            author_url="https://felix.example/",
        ),
        talk("Felix Ng", 4, "2023-01-01T00:00:00+00:00", kind="like"),
    ]
    (felix,) = compute_community(items, PeopleFile(), POSTS, 3, max_depth=6).people
    assert felix.url == "https://felix.example/"


def test_what_people_share_alike_cannot_be_changed_through_one_of_them():
    """Two one-off visitors with the same counts, posts and reasons hold one
    shared value each: it is read-only, so no one's page can change another's."""
    items = [
        talk("Ann Once", 1, "2020-01-01T00:00:00+00:00"),
        talk("Bob Once", 1, "2020-01-01T00:00:00+00:00"),
    ]
    ann, bob = compute_community(items, PeopleFile(), POSTS, 3, max_depth=6).people
    assert ann.counts is bob.counts and ann.posts is bob.posts
    with pytest.raises(TypeError):
        ann.counts["comment"] += 1
    with pytest.raises(AttributeError):
        ann.posts.append("p2")  # type: ignore[attr-defined]
    assert bob.counts["comment"] == 1 and bob.posts == ("p1",)
    record = Interaction.from_dict({"source": "s", "id": "1", "kind": "like"})
    with pytest.raises(TypeError):
        record.extra["platform"] = "x"  # type: ignore[index]
    assert Interaction.from_dict({"source": "s", "id": "2", "kind": "like"}).extra == {}
