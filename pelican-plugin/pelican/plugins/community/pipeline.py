"""From settings to a computed community: sources into the archive, then the
pure steps after it."""

from __future__ import annotations

import logging

from .archive import Archive
from .dedup import dedupe_interactions
from .ingest import ingest_local_sources, read_changed_local_sources
from .live import sync_live_sources
from .people_file import PeopleFile, load_people_file
from .posts import PostRef
from .records import Interaction
from .report import Community, compute_community
from .settings import CommunitySettings

logger = logging.getLogger(__name__)


def collect_interactions(
    settings: CommunitySettings,
    posts: list[PostRef],
    *,
    read_only: bool = False,
) -> list[Interaction]:
    """Read every local source and every live source that is due (unless
    offline) into the archive; return all it holds, each reply counted once
    however many sources brought it.

    ``read_only`` (for commands that only look) merges changed local sources
    in memory, fetches nothing and writes nothing.
    """
    archive = Archive(settings.archive_path)
    if read_only:
        pending = read_changed_local_sources(archive, settings.sources)
        return dedupe_interactions(archive.load_with(pending))
    ingest_local_sources(archive, settings.sources)
    sync_live_sources(archive, settings, posts)
    return dedupe_interactions(archive.load())


def community_from(
    settings: CommunitySettings,
    items: list[Interaction],
    people_file: PeopleFile,
    posts: list[PostRef],
) -> Community:
    """The community computed from interactions (pure), with one log line
    for interactions that match no post."""
    community = compute_community(items, people_file, posts, settings.regular_min_posts)
    if community.unmatched:
        logger.info(
            "community: %d interaction(s) matched no post "
            "(they still count for their person; `pelican-community check` lists them)",
            community.unmatched,
            extra={"limit_msg": "community: more unmatched interactions"},
        )
    return community


def build_community(
    settings: CommunitySettings, posts: list[PostRef], *, read_only: bool = False
) -> Community:
    """Everything at once: people file, sources, archive, community."""
    people_file = load_people_file(settings.people_file)
    items = collect_interactions(settings, posts, read_only=read_only)
    return community_from(settings, items, people_file, posts)
