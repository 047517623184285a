"""Display names from strangers: cleaned for showing, keyed for matching."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

from .sanitize import mask_private

__all__ = [
    "MAX_NAME_LENGTH",
    "PLACEHOLDER_NAMES",
    "clean_name",
    "initials",
    "is_placeholder_email",
    "is_placeholder_name",
    "is_sample_comment",
    "name_key",
    "slugify_name",
]

#: Longest name shown; longer ones are cut with an ellipsis.
MAX_NAME_LENGTH = 80

#: Names that say nobody in particular (as :func:`name_key` makes them):
#: never merged into anyone, by name or by email.
PLACEHOLDER_NAMES = frozenset(
    {
        "",
        "anonymous",
        "anon",
        "anonymous coward",
        "guest",
        "visitor",
        "unknown",
        "a reader",
        "someone",
        "somebody",
        "nobody",
        "admin",
        "(no name)",
        "no name",
        "noname",
        "user",
        "deleted",
        "[deleted]",
        # The same in the languages blogs are most often written in.
        "anonyme",
        "invité",
        "visiteur",
        "quelqu'un",
        "anonym",
        "gast",
        "jemand",
        "anónimo",
        "anonimo",
        "invitado",
        "alguien",
        "ospite",
        "qualcuno",
        "anônimo",
        "convidado",
        "anoniem",
        "аноним",
        "гость",
        "匿名",
        "名無し",
        "名無しさん",
        "익명",
        # What the archive makes of an address typed as a name.
        "[email hidden]",
        "[address hidden]",
    }
)

# Bidi overrides/isolates, zero-width characters and other invisible format
# characters: they spoof names ("evil" shown as "live") and hide differences.
# Joiners, variation selectors and tag characters are handled apart: inside
# an emoji they are part of it (👨‍💻, 🏳️‍🌈, 🏴󠁧󠁢󠁳󠁣󠁴󠁿).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
# What an emoji is made of besides its pictures: a joiner between two
# visible characters, a variation selector after one, and a subdivision flag
# (the black flag, tag letters, the cancel tag).
_EMOJI_GLUE = re.compile(
    "(?<=[^\\s\u200c\u200d])[\u200c\u200d](?=[^\\s\u200c\u200d\ufe00-\ufe0f])"
    "|(?<=[^\\s\ufe00-\ufe0f\u200c\u200d])[\ufe00-\ufe0f\U000e0100-\U000e01ef]"
    "|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
)
_SPACE = re.compile(r"\s+")
# Emoji and other pictures: a name with or without them is the same name.
_PICTURE_CATEGORIES = frozenset({"So", "Sk", "Me"})
_ASCII_PICTURES = str.maketrans("", "", "^`")


def clean_name(name: str) -> str:
    """The name (or post title) as shown: as written, but for invisible and
    control characters (an emoji's own joiners, variation selectors and flag
    tags are kept), spaces folded, email and IP addresses masked, cut to
    :data:`MAX_NAME_LENGTH` characters."""
    return _cut(mask_private(_visible(name, keep_emoji=True)))


def name_key(name: str) -> str:
    """Key under which two names count as the same: case, accents' composed
    forms, spacing, invisible characters and emoji do not matter ("Arnaud
    Ligny 👨‍💻" is "arnaud ligny").

    Not masked: two names that are different addresses must not become the
    same "[email hidden]" (and merge two people, or a stranger into a friend
    whose alias is an address)."""
    text = _cut(_visible(name))
    if text.isascii():
        # NFKC leaves ASCII as it is; its only "pictures" are ^ and `.
        text = text.translate(_ASCII_PICTURES)
    else:
        text = "".join(
            ch
            for ch in unicodedata.normalize("NFKC", text)
            if unicodedata.category(ch) not in _PICTURE_CATEGORIES
        )
    return _SPACE.sub(" ", text).strip().casefold()


#: The local part of an address that reaches no one: platforms' no-reply
#: senders (``noreply@blogger.com``, ``no-reply@…``, ``do-not-reply@…``).
_NO_REPLY_LOCAL = re.compile(
    r"^(?:no-?reply|do-?not-?reply|donotreply|nobody|mailer-daemon|notifications?)"
    r"(?:[+._-].*)?$",
    re.I,
)
#: Domains that stand for no one: no-reply hosts (``users.noreply.github.com``).
_NO_ONE_DOMAIN = re.compile(r"(?:^|\.)no-?reply\.", re.I)


def is_placeholder_email(email: str) -> bool:
    """Whether ``email`` identifies no one: blank, a no-reply sender
    (``noreply@blogger.com``, ``no-reply@…``) or a no-reply host. Every
    reader's email key goes through this one rule."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local:
        return True
    return bool(_NO_REPLY_LOCAL.match(local) or _NO_ONE_DOMAIN.search(domain))


#: Names blog engines sign their sample comment with (as :func:`name_key`
#: makes them), and the addresses it links to.
_SAMPLE_NAMES = frozenset({"mr wordpress", "a wordpress commenter", "wordpress"})
_SAMPLE_URL = re.compile(
    r"^https?://(?:www\.)?(?:wordpress\.org|wordpress\.com|[^/]*wapuu[^/]*)(?:/.*)?$",
    re.I,
)


def is_sample_comment(name: str, url: str, content: str) -> bool:
    """Whether a comment is the sample a blog engine ships ("Mr WordPress",
    "A WordPress Commenter", linking to wordpress.org or a wapuu page, or
    saying so): nobody wrote it, so it is neither counted nor archived."""
    if name_key(name) not in _SAMPLE_NAMES:
        return False
    text = content.lower()
    return (
        not url
        or bool(_SAMPLE_URL.match(url.strip()))
        or "this is a comment" in text
        or "gravatar" in text
    )


def is_placeholder_name(name: str) -> bool:
    """Whether ``name`` says nobody in particular ("Anonymous", "Guest", "")."""
    return name_key(name) in PLACEHOLDER_NAMES


def _visible(name: str, keep_emoji: bool = False) -> str:
    if not isinstance(name, str):
        return ""
    if name.isascii() and name.isprintable():
        # No control, invisible or emoji character can be there.
        return _SPACE.sub(" ", name).strip()
    kept: list[str] = []
    if keep_emoji:
        # Each piece of emoji glue is set aside (as a private-use character,
        # removed from the name first) while the rest is cleaned.
        name = name.replace("\ue000", "")

        def set_aside(match: re.Match[str]) -> str:
            kept.append(match.group())
            return "\ue000"

        name = _EMOJI_GLUE.sub(set_aside, name)
    name = _INVISIBLE.sub("", name)
    keep = "\t\n\ue000" if kept else "\t\n"
    name = "".join(
        ch for ch in name if unicodedata.category(ch)[0] != "C" or ch in keep
    )
    name = _SPACE.sub(" ", name).strip()
    if kept:
        pieces = iter(kept)
        name = re.sub("\ue000", lambda _m: next(pieces), name)
    return name


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
    """A URL- and id-safe slug of a name ("Zoë O'Brien" -> "zoe-obrien").

    A name with no Latin letter or digit is transliterated by Unidecode
    ("Иван Петров" -> "ivan-petrov", "张伟" -> "zhang-wei"), so that its
    anchor reads and stays put as others arrive. Only those: a slug made
    from a name's Latin letters is kept exactly as earlier versions made
    it, for the links to it that are out there.
    """
    shown = clean_name(name)
    text = unicodedata.normalize("NFKD", shown)
    return _slug(text.encode("ascii", "ignore").decode("ascii")) or (
        _slug(unidecode(shown)) or "person"
    )


def _slug(ascii_text: str) -> str:
    text = re.sub(r"['’]", "", ascii_text.lower())
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].strip("-")
