"""The community page's concentration line and the desk's "80% written by" count alike."""

from __future__ import annotations

from datetime import UTC, datetime

from pelican.plugins.community.model import Interaction, PostRef
from pelican.plugins.community.people.people_file import PeopleFile
from pelican.plugins.community.views.compute import compute_with_identities
from pelican.plugins.community.views.desk import compute_desk

POST = PostRef("p", "https://blog.example/p/", "P", "2020-01-01T00:00:00+00:00")


def _comments(written: dict[str, int]) -> list[Interaction]:
    return [
        Interaction(
            source="wp",
            id=f"{name}-{n}",
            kind="comment",
            published=f"2020-03-{n % 28 + 1:02d}T10:00:00+00:00",
            author_name=f"{name} Person",
            author_url=f"https://{name.lower()}.example/",
            target_url=POST.url,
            content="Thanks.",
        )
        for name, count in written.items()
        for n in range(count)
    ]


def _both(written: dict[str, int]) -> tuple[int, int, int]:
    """(the page's people, its percent, the desk's "written by") for one year."""
    computed = compute_with_identities(
        _comments(written), PeopleFile(), [POST], 3, max_depth=6
    )
    few = computed.community.concentration
    assert few is not None
    desk = compute_desk(
        computed.community,
        computed.identity_of,
        [POST],
        PeopleFile(),
        datetime(2021, 1, 1, tzinfo=UTC),
        regular_min_posts=3,
        waiting_months=12,
        quiet_months=6,
    )
    (year,) = desk.years
    return few.people, few.share, year.top_people


def test_the_page_and_the_desk_name_the_same_few():
    # 10 + 6 + 4 = 20 of 25 comments: exactly 80% by three people.
    assert _both({"Ann": 10, "Bo": 6, "Cy": 4, "Di": 3, "Ed": 2}) == (3, 80, 3)


def test_just_short_of_the_share_takes_one_more_person():
    # 10 + 6 + 3 = 19 of 25 (76%): a fourth is needed, 22 of 25 (88%).
    assert _both({"Ann": 10, "Bo": 6, "Cy": 3, "Di": 3, "Ed": 3}) == (4, 88, 4)
