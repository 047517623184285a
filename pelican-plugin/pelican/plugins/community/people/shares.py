"""Telling a share from conversation: the one detector of mentions with no
words of their own, which count like a repost.

A mention's words that are not its author's own: words that come from the
post itself (its title and slug, phrases of its summary and body: a quoted
excerpt), its links, the site's name and the author's names and handles,
the mentioning account's own name, @handles with their "via"/"by",
hashtags, numbers and dates, and link boilerplate (a label before a link,
"L:", "C:", "Comments:", "Points:", aggregators' names, share widgets'
words). A mention left with none is a share. So is a headline that three
accounts or more gave the same post word for word (a title rewritten on
Hacker News, then copied by every bot that follows it), and the same few
words an account puts around the title of each of three posts or more (its
share button's "I want <title>").

Pure functions over interactions and posts: the archive keeps every mention
as the source gave it; only how it counts is decided here."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..memo import remembered
from ..model import Interaction, PostRef, RecordMap
from ..sanitize import markup_free
from .people_file import PersonEntry

__all__ = [
    "BOILERPLATE",
    "BOT",
    "SHARE",
    "ShareDetector",
    "counted_as_share",
    "is_bot",
    "is_counted_share",
    "is_share",
    "words_besides_links",
    "words_of",
]

#: ``extra`` key the view puts on a mention it counts as a share.
SHARE = "share"
#: ``extra`` key (``"true"``) of an account its platform flags as a bot.
BOT = "bot"

# Links, with or without a scheme (tweets show "example.com/path…").
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w@.])(?:[\w\-]+\.)+[A-Za-z]{2,}(?:/\S*)?", re.I
)
# A label before a link or a number: "L: <link>", "Comments: <link>",
# "Article URL: <link>", "Points: 101", "# Comments: 33".
_LABEL = re.compile(
    r"(?<![\w])#?\s*[^\W\d_]+(?:\s+[^\W\d_]+)?\s*:\s*"
    r"(?=(?:https?://|www\.|(?:[\w\-]+\.)+[A-Za-z]{2,}/|\d))",
    re.I,
)
# "via @x", "by @x", "From @x", "cc @x", "h/t @x", "RT @x:", "(via @x)".
_ATTRIBUTION = re.compile(
    r"(?<!\w)(?:via|by|from|cc|h/?t|rt|par|de|von|door)\s*:?\s*(?=@)", re.I
)
# @handles, fediverse ones too (@ann@social.example).
_HANDLE = re.compile(r"(?<!\w)@[\w.\-]+(?:@[\w.\-]+)?")
_HASHTAG = re.compile(r"#[^\W_][\w\-]*")
_WORD = re.compile(r"[^\W_]+")
# Letters of the scripts written without spaces between words.
_CJK_LETTERS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
_CJK_LETTER = re.compile(f"[{_CJK_LETTERS}]")
_WORD_OR_CJK = re.compile(rf"[{_CJK_LETTERS}]+|(?:(?![{_CJK_LETTERS}])[^\W_])+")
_DIGIT = re.compile(r"\d")
#: What every link ``_LINK`` finds has (most words
#: lack it: no scan then).
_MAYBE_LINK = re.compile(r"[\w\-]\.[A-Za-z]|://|www\.", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A scraper's dateline: "March 23, 2020 at 12:33AM", "23 Mar 2020".
_DATE = re.compile(
    rf"(?<!\w)(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})"
    r"(?:\s+at\s+\d{1,2}:\d{2}\s*[ap]\.?m\.?)?",
    re.I,
)

#: Link boilerplate: the words aggregators' bots and share widgets frame a
#: link with. Only a mention made of nothing else is a share ("Like this"
#: is one; "I like this" is not).
BOILERPLATE = frozenset(
    [
        "via",
        "by",
        "from",
        "cc",
        "ht",
        "rt",
        "l",
        "c",
        "link",
        "links",
        "url",
        "article",
        "comments",
        "comment",
        "points",
        "hacker",
        "news",
        "hn",
        "lobsters",
        "lobste",
        "rs",
        "pinboard",
        "popular",
        "reddit",
        "slashdot",
        "front",
        "page",
        "top",
        "story",
        "new",
        "post",
        "on",
        "read",
        "more",
        "share",
        "this",
        "like",
        "loading",
        "related",
        "advertisements",
        "tweet",
        "whatsapp",
        "facebook",
        "twitter",
        "telegram",
        "pocket",
        "email",
        "print",
        "linkedin",
        "pinterest",
        "mastodon",
    ]
)
#: Words of a post's body in a row that make a quotation of it.
_PHRASE = 3
#: A headline that this many accounts gave one post is the post's.
_HEADLINE_ACCOUNTS = 3
#: ... when it is at least this many words (not "Great read!").
_HEADLINE_WORDS = 3
#: A share button's own words, at most, on at least this many posts.
_BUTTON_WORDS = 3
_BUTTON_POSTS = 3
#: An account with this many shares, three for each mention in its own
#: words or more, and no reply, is a link passer: all its mentions share.
_PASSER_SHARES = 4
#: Characters of markup and links a share's text may have beyond its title.
_LONGEST_SHARE = 2000
_MARKS_IN_WORDS = re.compile(r"[^\w\s]+")
# A share button's text ends with the link and the site's account:
# "<the title> example.com/post/ via @site".
_SHARE_BUTTON_END = re.compile(
    r"(?:(?:https?://|www\.)\S+|(?:[\w\-]+\.)+[A-Za-z]{2,}/\S*)\s+via\s+@[\w.\-]+\s*$",
    re.I,
)


def words_of(text: str) -> list[str]:
    """The words of ``text``, case folded (no emoji or punctuation). Written
    without spaces (Chinese, Japanese, Korean), a run of such letters is one
    word apart from the Latin words and numbers inside it: "90年代のWebの
    リターン" is "90", "年代の", "web", "のリターン"."""
    if text.isascii():
        # Lower case changes no ASCII word's bounds: one pass for all.
        return _WORD.findall(text.lower())
    return [word.casefold() for word in _WORD_OR_CJK.findall(text)]


@remembered()  # a posting account's name, on each of its mentions (memo.py)
def _name_words(text: str) -> frozenset[str]:
    # "`href`s" and "Cloudinary's" are "hrefs" and "cloudinarys" too.
    compact = _MARKS_IN_WORDS.sub("", text)
    return frozenset(words_of(text) + words_of(compact))


def _text_of(content: str) -> str:
    return markup_free(content).strip()


def words_besides_links(text: str, *, shortcuts: bool = True) -> list[str]:
    """Every word but links and their labels, @handles with their
    "via"/"by", hashtags, dates and numbers.

    Each pattern needs a character most words lack: it is not run on a
    text without it. ``shortcuts=False`` runs every pattern on every text,
    the plain reading the shortcuts must never change."""
    every = not shortcuts
    if every or ":" in text:
        text = _LABEL.sub(" ", text)
    if every or _MAYBE_LINK.search(text):
        text = _LINK.sub(" ", text)
    if every or "@" in text:
        text = _HANDLE.sub(" ", _ATTRIBUTION.sub(" ", text))
    if every or "#" in text:
        text = _HASHTAG.sub(" ", text)
    if shortcuts and _DIGIT.search(text) is None:
        return words_of(text)
    return [w for w in words_of(_DATE.sub(" ", text)) if not _DIGIT.search(w)]


@dataclass(frozen=True)
class _PostWords:
    """What a share of one post may repeat: words and phrases of the post."""

    words: frozenset[str]  #: title, slug and site name, one by one
    phrases: frozenset[tuple[str, ...]]  #: summary and body, ``_PHRASE`` at a time


def _post_words(title: str, slug: str, site: str, text: str) -> _PostWords:
    body = words_of(_text_of(text)) if text else []
    phrases = frozenset(
        tuple(body[at : at + _PHRASE]) for at in range(len(body) - _PHRASE + 1)
    )
    words = _name_words(title) | frozenset(words_of(slug.replace("-", " ")))
    return _PostWords(words | _name_words(site), phrases)


def _quoted(words: list[str], phrases: frozenset[tuple[str, ...]]) -> list[bool]:
    """For each word, whether it is in a phrase of the post's body."""
    covered = [False] * len(words)
    for at in range(len(words) - _PHRASE + 1):
        if tuple(words[at : at + _PHRASE]) in phrases:
            for inside in range(at, at + _PHRASE):
                covered[inside] = True
    return covered


class ShareDetector:
    """Decides which mentions are shares, for the posts of one computation
    (built once; each post's words are gathered the first time a mention of
    it asks)."""

    def __init__(self, posts: Iterable[PostRef] = (), me: PersonEntry | None = None):
        self._posts = {post.slug: post for post in posts}
        self._of_post: dict[str, _PostWords] = {}
        self._mine = _author_words(me)
        self._scripts: dict[str, frozenset[str]] = {}

    def _words_for(self, item: Interaction, slug: str) -> _PostWords:
        known = self._of_post.get(slug) if slug else None
        if known is None:
            post = self._posts.get(slug) if slug else None
            if post is None:
                known = _post_words(item.target_title, slug, "", "")
            else:
                known = _post_words(post.title, slug, post.site, post.text)
            if slug:
                self._of_post[slug] = known
        return known

    def _read(self, item: Interaction, slug: str) -> tuple[list[str], list[str], str]:
        """The mention's own words, its words besides links, and its text."""
        known = self._words_for(item, slug)
        text = _text_of(item.content)
        words = words_besides_links(text)
        said = words
        if known.phrases and len(words) >= _PHRASE:
            quoted = _quoted(words, known.phrases)
            said = [w for w, q in zip(words, quoted, strict=True) if not q]
        signed = _name_words(item.author_name) if item.author_name else frozenset()
        own = [
            w
            for w in said
            if w not in known.words
            and w not in BOILERPLATE
            and w not in self._mine
            and w not in signed
        ]
        return own, words, text

    def is_share(self, item: Interaction, slug: str = "") -> bool:
        """A mention that adds no words of its own to the post it links.
        Titles get edited after readers shared them: one word left inside
        the title's words is still a share, and so is a share button's text
        ("<title> <link> via @site") whose words are mostly the post's."""
        return self._decide(item, slug)[0]

    def _decide(self, item: Interaction, slug: str) -> tuple[bool, list[str]]:
        if item.kind != "mention":
            return False, []
        post = self._posts.get(slug) if slug else None
        title = post.title if post is not None else item.target_title
        if len(item.content) > _LONGEST_SHARE + 4 * len(title):
            return False, []  # an article, not a link passed on: not read
        own, words, text = self._read(item, slug)
        if not own or (len(own) == 1 and self._edited(own[0], words, slug)):
            return True, own
        # A share button's text ends "via @site".
        button = (
            "@" in text
            and 3 * len(own) <= len(words)
            and bool(_SHARE_BUTTON_END.search(text))
        )
        return button, own

    def _edited(self, word: str, words: list[str], slug: str) -> bool:
        """One word inside the post's title as the mention gives it, beside
        three of its words or more: a title edited since it was shared."""
        title = self._of_post[slug].words if slug in self._of_post else frozenset()
        at = words.index(word)
        beside = [words[at - 1]] if at else []
        beside += words[at + 1 : at + 2]
        return (
            len(words) >= 4
            and all(w in title for w in beside)
            and sum(w in title for w in words) >= 3
        )

    def shares_among(
        self, items: Iterable[Interaction], slug_of: RecordMap[str]
    ) -> set[tuple[str, str]]:
        """The (source, id) of every share among ``items``: each mention
        alone; then the headlines several accounts gave one post, and an
        account's share button (the same few words around the title of
        every post it mentions)."""
        shares: set[tuple[str, str]] = set()
        #: (post, the words left) -> the accounts that wrote them
        headlines: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        #: account -> (the mention, its post, the words left) of each
        left: dict[str, list[tuple[tuple[str, str], str, tuple[str, ...]]]] = (
            defaultdict(list)
        )
        #: account -> how many of its mentions are shares, alone
        passed_on: Counter[str] = Counter()
        #: accounts that replied, translated headlines by account
        replied: set[str] = set()
        translated: Counter[str] = Counter()
        posts: dict[str, set[str]] = defaultdict(set)
        for item in items:
            account = item.author_url or item.author_handle or item.author_name
            if item.kind != "mention":
                if item.kind == "comment":
                    replied.add(account)
                continue
            slug = slug_of[item]
            posts[account].add(slug)
            share, words = self._decide(item, slug)
            if share:
                shares.add((item.source, item.id))
                passed_on[account] += 1
            elif slug and words:
                own = tuple(words)
                if len(own) >= _HEADLINE_WORDS:
                    headlines[slug, own].add(account)
                left[account].append(((item.source, item.id), slug, own))
                translated[account] += self._translated_headline(item, slug, own)
        for account, said in left.items():
            repeated = {
                key
                for key, slug, own in said
                if len(headlines.get((slug, own), ())) >= _HEADLINE_ACCOUNTS
            }
            shares |= repeated
            if _one_button(said):
                shares |= {key for key, _, _ in said}
            elif account in replied:
                continue  # an account that answers is someone
            elif _link_passer(passed_on[account] + len(repeated), len(said)) or (
                translated[account] == len(said) and len(posts[account]) >= 2
            ):
                shares |= {key for key, _, _ in said}
        return shares

    def _translated_headline(
        self, item: Interaction, slug: str, own: tuple[str, ...]
    ) -> bool:
        """One line, then only links, its own words in a script the post
        never uses (a headline translated: "緊急Webサイトのスターターキット
        mxb.dev/blog/emergency…" of "A Starter Kit for Emergency Websites")."""
        post = self._posts.get(slug)
        if post is None:
            return False
        text = _text_of(item.content)
        said = text if not _MAYBE_LINK.search(text) else _LINK.sub(" ", text)
        said = said.strip()
        if not said or "\n" in said or len(said) > 2 * len(post.title) + 10:
            return False
        known = self._scripts.get(slug)
        if known is None:
            known = self._scripts[slug] = _scripts_of(
                post.title + " " + _text_of(post.text)
            )
        letters = [ch for ch in "".join(own) if ch.isalpha()]
        foreign = sum(1 for ch in letters if _script(ch) not in known)
        return bool(letters) and 2 * foreign > len(letters)


def _link_passer(shares: int, others: int) -> bool:
    """An account that passed links on ``_PASSER_SHARES`` times or more
    with no words of its own, and said something in at most one mention in
    four (a link bot that now and then adds "Great news!"): every mention
    of it is a share."""
    return shares >= _PASSER_SHARES and shares >= 3 * others


def _script(letter: str) -> str:
    """The script of a letter, as Unicode names it ("LATIN", "CYRILLIC");
    Chinese, Japanese and Korean letters are one, ``"CJK"``."""
    if _CJK_LETTER.match(letter):
        return "CJK"
    return unicodedata.name(letter, "").split(" ", 1)[0]


def _scripts_of(text: str) -> frozenset[str]:
    text = unicodedata.normalize("NFKC", text)
    return frozenset(_script(ch) for ch in set(text) if ch.isalpha())


def _one_button(said: list[tuple[tuple[str, str], str, tuple[str, ...]]]) -> bool:
    """One account's mentions are a share button's text: the same few words
    (``"i", "want"``) on ``_BUTTON_POSTS`` posts or more, and nothing else."""
    words = {own for _, _, own in said}
    posts = {slug for _, slug, _ in said}
    return (
        len(words) == 1
        and len(next(iter(words))) <= _BUTTON_WORDS
        and len(posts) >= _BUTTON_POSTS
    )


def _author_words(me: PersonEntry | None) -> frozenset[str]:
    """The author's names, and the accounts their handles and profile
    addresses name ("mxbck" of ``https://twitter.com/mxbck``)."""
    if me is None:
        return frozenset()
    words: set[str] = set()
    for name in me.names:
        words |= _name_words(name)
    for handle in me.handles:
        words |= set(words_of(handle.lstrip("@").split("@")[0]))
    for url in me.urls:
        path = url.split("://", 1)[-1].rstrip("/").split("/")
        if len(path) > 1:
            words |= set(words_of(path[-1].lstrip("@")))
    return frozenset(words)


def is_share(item: Interaction, title: str = "", slug: str = "") -> bool:
    """Whether one mention of the post titled ``title`` is a share (for a
    whole computation, :class:`ShareDetector` knows every post)."""
    post = PostRef(slug=slug or "?", url="", title=title)
    return ShareDetector([post]).is_share(item, post.slug)


def counted_as_share(item: Interaction) -> Interaction:
    """How a share counts: as a reaction of its own kind, ``share`` (a copy
    for the views; the archived record stays a mention)."""
    return replace(item, kind=SHARE, extra={**item.extra, SHARE: "true"})


def is_counted_share(item: Interaction) -> bool:
    return item.kind == SHARE


def is_bot(item: Interaction) -> bool:
    """Written by an account its platform flags as automated."""
    return item.extra.get(BOT) == "true"
