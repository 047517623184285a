"""Display names from strangers: cleaned for showing, keyed for matching."""

from __future__ import annotations

import re
import unicodedata

from .sanitize import mask_private

#: Longest name shown; longer ones are cut with an ellipsis.
MAX_NAME_LENGTH = 80

# Bidi overrides/isolates, zero-width characters and other invisible format
# characters: they spoof names ("evil" shown as "live") and hide differences.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_SPACE = re.compile(r"\s+")


def clean_name(name: str) -> str:
    """The name (or post title) as shown: invisible and control characters
    removed, spaces folded, email and IP addresses masked, cut to
    :data:`MAX_NAME_LENGTH` characters."""
    return _cut(mask_private(_visible(name)))


def name_key(name: str) -> str:
    """Key under which two names count as the same: case, accents' composed
    forms, spacing and invisible characters do not matter.

    Not masked: two names that are different addresses must not become the
    same "[email hidden]" (and merge two people, or a stranger into a friend
    whose alias is an address)."""
    return unicodedata.normalize("NFKC", _cut(_visible(name))).casefold()


def _visible(name: str) -> str:
    if not isinstance(name, str):
        return ""
    name = _INVISIBLE.sub("", name)
    name = "".join(
        ch for ch in name if unicodedata.category(ch)[0] != "C" or ch in "\t\n"
    )
    return _SPACE.sub(" ", name).strip()


def _cut(name: str) -> str:
    if len(name) > MAX_NAME_LENGTH:
        name = name[: MAX_NAME_LENGTH - 1].rstrip() + "…"
    return name


def initials(name: str) -> str:
    """Up to two initials for a generated avatar ("Karen Bell" -> "KB")."""
    words = [w for w in re.split(r"[\s\-_.]+", clean_name(name)) if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def slugify_name(name: str) -> str:
    """A URL- and id-safe slug of a name ("Zoë O'Brien" -> "zoe-obrien")."""
    text = unicodedata.normalize("NFKD", clean_name(name))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['’]", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].strip("-") or "person"
