"""The conversation's words, set aside by post while the people are computed.

A build hands its records over to the computation (``compute_community``
of ``HandedOver`` records). Only the post views show what people wrote, and
only for comments and mentions that reached a post: their words are kept here, by
post, packed (pickled and compressed at once), and each record goes on
without them. A large archive's words are then not held, as text, beside
every record while the people are merged and described.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Interaction
from ..storage import packed, unpacked

__all__ = [
    "PostWords",
    "Words",
]

#: (source, id) -> the record's words
Words = dict[tuple[str, str], str]


class PostWords:
    """What comments and mentions said, by the slug of their post."""

    def __init__(self) -> None:
        self._loose: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self._packed: dict[str, bytes] = {}

    def set_aside(self, slug: str, item: Interaction) -> Interaction:
        """Keep ``item``'s words under ``slug``; the record without them."""
        self._loose[slug].append((item.source, item.id, item.content))
        return item.without_content()

    def pack(self) -> None:
        """Pack what was set aside, post by post (its text is let go)."""
        while self._loose:
            slug, said = self._loose.popitem()
            self._packed[slug] = packed(said)

    def take(self, slug: str) -> Words:
        """The words set aside for the post ``slug``, by record (given
        once: they are let go here)."""
        data = self._packed.pop(slug, None)
        said = unpacked(data) if data else []
        said += self._loose.pop(slug, [])
        return {(source, id): content for source, id, content in said}
