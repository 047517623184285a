"""From settings to a computed community: sources into the archive, then the
pure steps after it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .archive.dedup import dedupe_interactions
from .archive.local import ingest_local_sources, read_changed_local_sources
from .archive.lock import ArchiveBusy, hold_archive
from .archive.store import Archive
from .cache import CACHE_DIR, CommunityCache, inputs_digest
from .errors import PeopleFileError
from .fingerprints import DigestMemo
from .memo import Memo
from .model import Interaction, PostRef
from .people.identity import Identity
from .people.people_file import PeopleFile, load_people_file, parse_people_file
from .progress import ProgressWanted
from .settings import CommunitySettings
from .storage import paused_gc
from .views.community import Community
from .views.compute import (
    Computed,
    HandedOver,
    compute_community,
    compute_with_identities,
)
from .words import counted

__all__ = [
    "Look",
    "build_community",
    "community_from",
    "load_people",
    "look",
    "update_archive",
    "warn_unconfigured_sources",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Look:
    """What the commands that only look (report, check, the desk) see."""

    people_file: PeopleFile
    #: every interaction, each reply once however many sources brought it
    items: list[Interaction]
    #: the community, with the merged identities behind it (for ``check``)
    computed: Computed

    @property
    def community(self) -> Community:
        return self.computed.community

    @property
    def identities(self) -> dict[str, Identity]:
        """Person id -> their merged interactions (every name and address)."""
        return self.computed.identity_of


def look(
    settings: CommunitySettings, posts: list[PostRef], progress: ProgressWanted = False
) -> Look:
    """The community as the next build would compute it, touching nothing:
    local sources that changed are merged in memory, nothing is fetched,
    nothing is written (the archive, the cache and the pages stay as they
    are). ``progress``: a bar while a large export is read, on a terminal."""
    people_file = load_people(settings)
    archive = Archive(settings.archive_path)
    warn_unconfigured_sources(archive, settings)
    pending = read_changed_local_sources(archive, settings.sources, progress)
    with Memo():  # the duplicates' addresses, read apart once each
        items = dedupe_interactions(archive.load_with(pending))
    computed = compute_with_identities(
        items,
        people_file,
        posts,
        settings.regular_min_posts,
        max_depth=settings.max_depth,
    )
    return Look(people_file, items, computed)


def warn_unconfigured_sources(archive: Archive, settings: CommunitySettings) -> None:
    """One warning per archived source no longer in ``COMMUNITY_SOURCES``
    (nor kept as history in ``COMMUNITY_KEEP_SOURCES``). Its interactions
    still count: the archive never drops what it holds on its own."""
    configured = {spec.name for spec in settings.sources}
    for name in archive.source_names():
        if name not in configured and name not in settings.keep_sources:
            logger.warning(
                "community: %s: source %r is not in COMMUNITY_SOURCES; its "
                "archived interactions still count. Add %r to "
                "COMMUNITY_KEEP_SOURCES to keep them as history, or erase them "
                "with `pelican-community forget --source %s`",
                archive.source_file(name),
                name,
                name,
                name,
            )


def _say_read_only(busy: ArchiveBusy) -> None:
    logger.warning(
        "community: %s; this build shows the archive as it is (with changed "
        "exports read in memory), fetches nothing and writes nothing to it",
        busy,
    )


def update_archive(
    archive: Archive,
    settings: CommunitySettings,
    posts: list[PostRef],
    memo: DigestMemo | None = None,
    progress: ProgressWanted = False,
) -> None:
    """Merge changed local sources and due live sources into ``archive``
    (``progress``: a bar for long imports and fetches, on a terminal)."""
    ingest_local_sources(archive, settings.sources, memo, progress)
    live = [spec.name for spec in settings.sources if spec.is_live]
    if settings.offline or not live:
        return
    if settings.fetch_budget == 0:
        logger.info(
            "community: COMMUNITY_FETCH_BUDGET is 0: %s not fetched by the build "
            "(pelican-community fetch does it)",
            ", ".join(live),
        )
        return
    # The HTTP layer (httpx and friends) is loaded only when a build fetches:
    # offline and file-only builds do not pay for it.
    from .archive.live import sync_live_sources

    sync_live_sources(
        archive, settings, posts, progress=progress, budget=settings.fetch_budget
    )


def load_people(settings: CommunitySettings) -> PeopleFile:
    """The people file, with the site's ``AUTHOR`` and ``SITEURL`` as ``me``."""
    return _with_site_author(load_people_file(settings.people_file), settings)


def _with_site_author(people: PeopleFile, settings: CommunitySettings) -> PeopleFile:
    return people.with_site_author(
        settings.author_names, settings.site_url, settings.author_profiles
    )


def community_from(
    settings: CommunitySettings,
    items: list[Interaction],
    people_file: PeopleFile,
    posts: list[PostRef],
    *,
    building: bool = False,
) -> Community:
    """The community computed from interactions, with one log line for
    interactions that match no post. ``items`` is handed over: emptied
    once read, each record let go when the computation is done with it."""
    community = compute_community(
        HandedOver(items),
        people_file,
        posts,
        settings.regular_min_posts,
        max_depth=settings.max_depth,
    )
    _log_unmatched(community, building)
    return community


def _log_unmatched(community: Community, building: bool) -> None:
    """One line for what matches no article: a warning for comments (words
    people wrote on a post that no page shows), INFO for the rest (a like
    of the home page is no loss)."""
    comments = sum(community.unmatched_comments.values())
    if building and community.unmatched and not community.posts:
        # Nothing reached any post: the first build of a new setup, whose
        # old addresses Pelican's posts do not answer to yet. (The commands
        # that only look say it their own way: `check` lists them.)
        logger.warning(
            "community: none of the %s matched a post, so no "
            "article shows a thank-you list or a conversation. Next step: "
            "`pelican-community check` names the article each old post most "
            "likely is, with the Old_urls line to paste into it, or set SITEURL "
            "to the blog's address",
            counted(community.unmatched, "interaction"),
        )
    elif building and comments:
        logger.warning(
            "community: no article matches %s on %s, so no page shows them (they "
            "still count for their person). Next step: `pelican-community check` "
            "names the article each old post most likely is, with the Old_urls "
            "line to paste into it",
            counted(comments, "comment"),
            counted(len(community.unmatched_comments), "old post"),
            extra={"limit_msg": "community: more unmatched comments"},
        )
    elif community.unmatched:
        logger.info(
            "community: %s matched no post "
            "(they still count for their person; `pelican-community check` lists them)",
            counted(community.unmatched, "interaction"),
            extra={"limit_msg": "community: more unmatched interactions"},
        )


def build_community(
    settings: CommunitySettings,
    posts: list[PostRef],
    *,
    cache_path: Path | None = None,
    progress: ProgressWanted = False,
) -> Community:
    """Everything at once: people file, sources, archive, community.

    A build whose archive, people file, posts and settings are those of an
    earlier build gets that build's community from the cache (cache.py) in
    ``cache_path`` (Pelican's ``CACHE_PATH``; by default ``cache/`` in the
    site's folder) instead of reading the archive again.
    """
    try:
        # What the build remembers (memo.py: each address read apart once)
        # dies with it; each read and the computation have their own.
        with hold_archive(settings.archive_path), Memo():
            return _build_and_cache(settings, posts, cache_path, progress)
    except ArchiveBusy as busy:
        # Another writer is at work: its cache and archive are not ours
        # to write; show what the archive holds now.
        _say_read_only(busy)
    return look(settings, posts, progress).community


def _build_and_cache(
    settings: CommunitySettings,
    posts: list[PostRef],
    cache_path: Path | None,
    progress: ProgressWanted,
) -> Community:
    """The build of :func:`build_community`, holding the archive's lock."""
    people_bytes = _read_bytes(settings.people_file)
    # Reading exports and the archive makes hundreds of thousands of records
    # and no garbage cycles worth collecting: the cycle collector would only
    # rescan a growing heap (see paused_gc).
    with paused_gc():
        archive = Archive(settings.archive_path)
        warn_unconfigured_sources(archive, settings)
        cache_folder = (cache_path or settings.root / "cache") / CACHE_DIR
        memo = DigestMemo(cache_folder)
        update_archive(archive, settings, posts, memo, progress)
        memo.save()
        cache = CommunityCache(settings.archive_path, cache_folder)
        inputs = inputs_digest(
            people_bytes,
            posts,
            settings.regular_min_posts,
            (
                settings.author_names,
                settings.site_url,
                settings.author_profiles,
                settings.max_depth,
            ),
        )
        community = cache.load(inputs)
        if community is not None:
            # These exact people-file bytes were read without error before.
            _log_unmatched(community, building=True)
            return community
        people_file = _with_site_author(
            parse_people_file(settings.people_file, people_bytes), settings
        )
        # The records are dropped before the result is pickled.
        community = community_from(
            settings,
            dedupe_interactions(archive.load(purge=True)),
            people_file,
            posts,
            building=True,
        )
    cache.store(inputs, community)
    return community


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
    except OSError as exc:
        raise PeopleFileError(f"{path}: cannot be read ({exc})") from None
