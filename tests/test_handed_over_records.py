"""A build hands its records over to the computation: the words of each
comment are set aside by post and each like is let go once counted, so a
large archive is not held whole. What the pages show must not change: the
community computed that way is, field for field, the one computed from
records kept whole (as ``check`` and the desk compute it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pelican.plugins.community.pipeline import look
from pelican.plugins.community.settings import apply_defaults, load_settings
from pelican.plugins.community.views.community import Comment, Community
from pelican.plugins.community.views.compute import HandedOver, compute_community
from pelican.plugins.community.views.matching import PostMatcher

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import sitegen  # noqa: E402


def _thread_rows(roots: list[Comment]) -> list[tuple]:
    rows = []
    stack = [(comment, 0) for comment in reversed(roots)]
    while stack:
        comment, depth = stack.pop()
        rows.append(
            (
                depth,
                comment.id,
                comment.anchor,
                comment.kind,
                comment.name,
                comment.url,
                comment.permalink,
                comment.published,
                str(comment.content),
                comment.by_author,
                comment.person.id if comment.person else None,
                comment.summary,
                comment.sensitive,
                comment.in_reply_to,
            )
        )
        stack.extend((reply, depth + 1) for reply in reversed(comment.replies))
    return rows


def _everything_shown(community: Community) -> str:
    return json.dumps(
        {
            "community": community.to_json(for_author=True),
            "unmatched": community.unmatched_targets,
            "posts": {
                slug: {
                    "reactions": view.reactions,
                    "thanks": [(t.person.id, t.first_time) for t in view.thanks],
                    "reactors": [person.id for person in view.reactors],
                    "linked": [(page.host, page.url) for page in view.linked_from],
                    "conversation": _thread_rows(view.conversation),
                }
                for slug, view in community.posts.items()
            },
        },
        sort_keys=True,
    )


def _generated_and_looked_at(site: Path, monkeypatch, size: sitegen.SiteSize):
    """A generated site, and the community as ``check`` computes it."""
    from pelican.settings import read_settings

    sitegen.generate_site(site, size)
    monkeypatch.chdir(site)
    pelican_settings = read_settings(str(site / "pelicanconf.py"))
    apply_defaults(pelican_settings)
    settings = load_settings(pelican_settings, root=site)
    posts = sitegen.site_posts(site)
    return posts, look(settings, posts)


@pytest.mark.parametrize("seed", [3, 17])
def test_a_build_shows_what_records_kept_whole_show(tmp_path, monkeypatch, seed):
    posts, seen = _generated_and_looked_at(
        tmp_path / "site", monkeypatch, sitegen.SiteSize(25, 3000, seed=seed)
    )
    kept = list(seen.items)
    handed_over = list(seen.items)

    whole = compute_community(kept, seen.people_file, posts, 3, max_depth=2)
    consumed = compute_community(
        HandedOver(handed_over), seen.people_file, posts, 3, max_depth=2
    )

    assert handed_over == []  # the computation took every record
    assert len(kept) == len(seen.items)
    shown = _everything_shown(consumed)
    assert shown == _everything_shown(whole)
    # The comparison covers what matters: threads, words, likes, people.
    views = whole.posts.values()
    assert sum(len(_thread_rows(v.conversation)) for v in views) > 1000
    assert any(row[0] == 2 for v in views for row in _thread_rows(v.conversation))
    assert sum(len(v.reactors) for v in views) > 100
    assert sum(v.reactions["like"] for v in views) > 500
    assert any(person.role == "regular" for person in whole.people)


def test_reactors_are_listed_by_their_first_reaction_to_the_post(tmp_path, monkeypatch):
    posts, seen = _generated_and_looked_at(
        tmp_path / "site", monkeypatch, sitegen.SiteSize(10, 3000, seed=5)
    )
    matcher = PostMatcher(posts)
    listed = 0
    for slug, view in seen.community.posts.items():
        firsts = [
            min(
                (item.published or "9999", item.source, item.id)
                for item in seen.identities[person.id].items
                if not item.is_conversation and matcher.match(item) == slug
            )
            for person in view.reactors
        ]
        assert firsts == sorted(firsts)
        listed += len(firsts)
    assert listed > 100
