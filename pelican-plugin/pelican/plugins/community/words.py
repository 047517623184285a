"""Counts as people write them: "1 comment", "2 comments", "7 people"."""

from __future__ import annotations

__all__ = [
    "counted",
]

#: plurals that are not the word and an "s"
_PLURALS = {"person": "people", "address": "addresses", "returning": "returning"}


def counted(count: int, word: str) -> str:
    """``count`` and ``word``, singular for exactly one, plural otherwise."""
    if count == 1:
        return f"1 {word}"
    return f"{count} {_PLURALS.get(word, word + 's')}"
