"""The source registry: each source type is one module and one line here.

A local reader turns one file (or folder) into :class:`SourceResult` and knows
nothing of Pelican, people or roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..records import SourceResult
from . import feed, webmention_io, wordpress

#: ``reader(path, source_name) -> SourceResult``
Reader = Callable[[Path, str], SourceResult]


@dataclass(frozen=True)
class SourceType:
    """What a ``COMMUNITY_SOURCES`` entry of one ``type`` may say."""

    read_file: Reader | None = None
    #: keys that point at the data; exactly one must be given (none: no keys)
    location_keys: tuple[str, ...] = ("path",)
    #: further optional keys and their defaults
    option_keys: tuple[tuple[str, str], ...] = ()


SOURCE_TYPES: dict[str, SourceType] = {
    "wordpress": SourceType(read_file=wordpress.read_wxr),
    "feed": SourceType(read_file=feed.read_feed),
    "webmention.io": SourceType(read_file=webmention_io.read_webmentions),
}
