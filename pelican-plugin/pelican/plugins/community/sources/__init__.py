"""The source registry: each source type is one module and one line here.

A local reader turns one file (or folder) into :class:`SourceResult`; a live
type's planner turns one ``COMMUNITY_SOURCES`` entry into network jobs that
bring :class:`SourceResult` back (see ``_live``). Both live in the type's
module, beside its parser, and know nothing of Pelican, people or roles.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import SourceResult

__all__ = [
    "FIELD_DEFAULTS",
    "REPLY_NUMBERING",
    "SOURCE_TYPES",
    "STATICMAN_OPTIONS",
    "FetchSchedule",
    "Reader",
    "SourceSpec",
    "SourceType",
]

#: ``reader(path, source_name) -> SourceResult``
Reader = Callable[[Path, str], SourceResult]

#: (post younger than N days, or None for any age; hours between live checks)
FetchSchedule = tuple[tuple[int | None, float], ...]

#: Staticman option key -> field names tried in order (comma-separated).
FIELD_DEFAULTS: dict[str, str] = {
    "id_field": "_id",
    "name_field": "name",
    "email_field": "email",
    "url_field": "url,website",
    "message_field": "message,comment",
    "date_field": "date",
    "parent_field": "replying_to_uid,parent",
    "parent_index_field": "replying_to",
    "slug_field": "slug",
}
#: Staticman option: what ``replying_to`` numbers (docs/import-formats.md).
REPLY_NUMBERING = ("auto", "top-level", "all")
STATICMAN_OPTIONS: dict[str, str] = {**FIELD_DEFAULTS, "replying_to_counts": "auto"}


@dataclass(frozen=True)
class SourceSpec:
    """One validated entry of ``COMMUNITY_SOURCES``."""

    type: str
    name: str
    path: Path | None = None
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_live(self) -> bool:
        """Fetched over the network: a type with a live planner, given no
        ``path`` (an entry with one reads that file instead)."""
        return self.path is None and bool(SOURCE_TYPES[self.type].fetch)


def _function(dotted: str) -> Any:
    module, function = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


@dataclass(frozen=True)
class SourceType:
    """What a ``COMMUNITY_SOURCES`` entry of one ``type`` may say, and the
    functions that read it. Functions are named "module.function" in this
    package and imported when first used, so a build whose files did not
    change loads none."""

    #: the local reader, or "" for a network-only type
    reader: str = ""
    #: the live planner (``plan_fetch(LiveRequest) -> LivePlan``), or ""
    fetch: str = ""
    #: keys that point at the data; exactly one must be given (none: no keys)
    location_keys: tuple[str, ...] = ("path",)
    #: further optional keys and their defaults
    option_keys: tuple[tuple[str, str], ...] = ()
    #: the reader takes the entry's options as keyword arguments
    reader_takes_options: bool = False

    @property
    def read_file(self) -> Reader | None:
        """The local reader function, or None for a network-only type."""
        return _function(self.reader) if self.reader else None

    @property
    def plan_fetch(self) -> Callable[..., Any] | None:
        """The live planner, or None for a local-only type."""
        return _function(self.fetch) if self.fetch else None


SOURCE_TYPES: dict[str, SourceType] = {
    "wordpress": SourceType(reader="wordpress.read_wxr"),
    "disqus": SourceType(reader="disqus.read_disqus"),
    "blogger": SourceType(reader="blogger.read_blogger"),
    "staticman": SourceType(
        reader="staticman.read_staticman",
        option_keys=tuple(STATICMAN_OPTIONS.items()),
        reader_takes_options=True,
    ),
    "pelican-comment-system": SourceType(
        reader="pelican_comment_system.read_pelican_comment_system"
    ),
    "commento": SourceType(reader="commento.read_commento"),
    "feed": SourceType(
        reader="feed.read_feed", fetch="feed.plan_fetch", location_keys=("path", "url")
    ),
    "webmention.io": SourceType(
        reader="webmention_io.read_webmentions",
        fetch="webmention_io.plan_fetch",
        location_keys=("path", "domain"),
        option_keys=(
            ("endpoint", "https://webmention.io"),
            ("token_env", "WEBMENTION_IO_TOKEN"),
        ),
    ),
    "mastodon": SourceType(fetch="mastodon.plan_fetch", location_keys=()),
    "bluesky": SourceType(
        fetch="bluesky.plan_fetch",
        location_keys=(),
        option_keys=(("appview", "https://public.api.bsky.app"),),
    ),
}
