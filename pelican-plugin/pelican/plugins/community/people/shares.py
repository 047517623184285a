"""Telling a share from conversation: a mention that adds no words of its own
(only the post's title, links, hashtags, @handles, "via @x", emoji, or
nothing) is someone passing the link on, counted like a repost.

Pure functions over one interaction and its post's title: the archive keeps
every mention as the source gave it; only how it counts is decided here."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from functools import lru_cache

from ..model import Interaction

#: ``extra`` key the view puts on a mention it counts as a share.
SHARE = "share"
#: ``extra`` key (``"true"``) of an account its platform flags as a bot.
BOT = "bot"

_TAG = re.compile(r"<[^>]*>")
# Links, with or without a scheme (tweets show "example.com/path…").
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w@.])(?:[\w\-]+\.)+[A-Za-z]{2,}(?:/\S*)?", re.I
)
# "via @x", "by @x", "From @x", "cc @x", "h/t @x", "RT @x:", "(via @x)".
_ATTRIBUTION = re.compile(
    r"(?<!\w)(?:via|by|from|cc|h/?t|rt|par|de|von|door)\s*:?\s*(?=@)", re.I
)
# @handles, fediverse ones too (@ann@social.example).
_HANDLE = re.compile(r"(?<!\w)@[\w.\-]+(?:@[\w.\-]+)?")
_HASHTAG = re.compile(r"#[^\W_][\w\-]*")
_WORD = re.compile(r"[^\W_]+")


#: What every link ``_LINK`` finds has (most words lack it: no scan then).
_MAYBE_LINK = re.compile(r"[\w\-]\.[A-Za-z]|://|www\.", re.I)


def words_of(text: str) -> list[str]:
    """The words of ``text``, case folded (no emoji, punctuation or digits
    apart from words)."""
    if text.isascii():
        # Lower case changes no ASCII word's bounds: one pass for all.
        return _WORD.findall(text.lower())
    return [word.casefold() for word in _WORD.findall(text)]


# A share button's text ends with the link and the site's account:
# "<the title> example.com/post/ via @site".
_SHARE_BUTTON_END = re.compile(
    r"(?:(?:https?://|www\.)\S+|(?:[\w\-]+\.)+[A-Za-z]{2,}/\S*)\s+via\s+@[\w.\-]+\s*$",
    re.I,
)
#: Characters of markup and links a share's text may have beyond its title.
_LONGEST_SHARE = 2000
_MARKS_IN_WORDS = re.compile(r"[^\w\s]+")


@lru_cache(maxsize=4096)
def _title_words(title: str, slug: str) -> frozenset[str]:
    # "`href`s" and "Cloudinary's" are "hrefs" and "cloudinarys" too.
    compact = _MARKS_IN_WORDS.sub("", title)
    return frozenset(
        words_of(title) + words_of(compact) + words_of(slug.replace("-", " "))
    )


def _text_of(content: str) -> str:
    return html.unescape(_TAG.sub(" ", content)).strip()


def _words_besides_links(text: str) -> list[str]:
    """Every word but links, @handles with their "via"/"by", and hashtags."""
    # Each pattern needs a character most words lack: no scan without it.
    if _MAYBE_LINK.search(text):
        text = _LINK.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", _ATTRIBUTION.sub(" ", text))
    if "#" in text:
        text = _HASHTAG.sub(" ", text)
    return words_of(text)


def own_words(content: str, title: str = "", slug: str = "") -> list[str]:
    """The words of a mention that are its author's own: what is left once
    markup, links, @handles with their "via"/"by", hashtags, emoji and the
    words of the post's title (or slug) are taken away."""
    known = _title_words(title, slug)
    return [w for w in _words_besides_links(_text_of(content)) if w not in known]


def is_share(item: Interaction, title: str = "", slug: str = "") -> bool:
    """A mention that adds no words of its own to the post it links. A
    share button's text ("<title> <link> via @site") whose words are
    mostly the post's title is one too: titles get edited after readers
    shared them."""
    if item.kind != "mention":
        return False
    if len(item.content) > _LONGEST_SHARE + 4 * len(title):
        return False  # an article, not a link passed on: no need to read it
    text = _text_of(item.content)
    known = _title_words(title, slug)
    words = _words_besides_links(text)
    own = [w for w in words if w not in known]
    if not own:
        return True
    # A share button's text ends "via @site".
    return (
        "@" in text
        and 3 * len(own) <= len(words)
        and bool(_SHARE_BUTTON_END.search(text))
    )


def counted_as_share(item: Interaction) -> Interaction:
    """How a share counts: as a reaction of its own kind, ``share`` (a copy
    for the views; the archived record stays a mention)."""
    return replace(item, kind=SHARE, extra={**item.extra, SHARE: "true"})


def is_counted_share(item: Interaction) -> bool:
    return item.kind == SHARE


def is_bot(item: Interaction) -> bool:
    """Written by an account its platform flags as automated."""
    return item.extra.get(BOT) == "true"
