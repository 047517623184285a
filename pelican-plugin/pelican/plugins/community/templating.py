"""The plugin's default templates, added behind the theme's, with their words
and dates in the site's language (``DEFAULT_LANG``).

The plugin keeps a catalogue of its own (``locale/<lang>/LC_MESSAGES/
pelican-community.mo``) and gives its templates their own functions, ``_c``
and ``_cn``, instead of Jinja's ``gettext``: a theme translated with
i18n_subsites keeps its translations, and the plugin's words are translated
whatever the theme does. Without a catalogue for the language, English.
"""

from __future__ import annotations

import gettext
from datetime import date as calendar_day
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from markupsafe import Markup

if TYPE_CHECKING:
    from babel.core import Locale

__all__ = [
    "DOMAIN",
    "LOCALES",
    "PAGE_TEMPLATES",
    "STYLESHEET",
    "TEMPLATES",
    "Words",
    "add_community_templates",
    "catalogue",
    "dates_need_babel",
    "english_date",
]

TEMPLATES = Path(__file__).parent / "templates"
PAGE_TEMPLATES = ("community.html", "community/community.html")
#: The default templates' stylesheet, copied to COMMUNITY_CSS_SAVE_AS.
STYLESHEET = Path(__file__).parent / "static" / "community.css"

DOMAIN = "pelican-community"
LOCALES = Path(__file__).parent / "locale"


@lru_cache(maxsize=16)
def catalogue(lang: str) -> gettext.NullTranslations:
    """The catalogue for ``lang`` ("fr", "fr_FR", "de-AT"...), its base
    language's, or none (English)."""
    code = (lang or "en").replace("-", "_")
    languages = [code, code.split("_")[0]]
    return gettext.translation(DOMAIN, LOCALES, languages=languages, fallback=True)


class Words:
    """What a template says, in one language. Translations are trusted
    markup; every value put into them is escaped unless it is markup."""

    def __init__(self, lang: str) -> None:
        self._catalogue = catalogue(lang)
        # Dates speak the words' language: no "Wrote in março de 2013".
        translated = type(self._catalogue) is not gettext.NullTranslations
        self.lang = (lang or "en").replace("-", "_") if translated else "en"
        # A conversation shows a date per comment, and many share a day:
        # each day is spelled once (babel's formatting is the dear part).
        self._spelled = lru_cache(maxsize=4096)(self._spell)
        self._locale: Locale | None = None

    def text(self, message: str, **values: object) -> Markup:
        """``_c("On %(posts)s", posts=...)``"""
        translated = Markup(self._catalogue.gettext(message))
        return translated % values if values else translated

    def plural(self, singular: str, plural: str, num: int, **values: object) -> Markup:
        """``_cn("%(num)d person", "%(num)d people", n)``: the form the
        language uses for ``num``, which is also given to the text."""
        translated = Markup(self._catalogue.ngettext(singular, plural, num))
        return translated % {"num": num, **values}

    def date(self, value: str, form: str = "day") -> str:
        """An ISO time as "4 March 2013" (``form="day"``) or "March 2013"
        (``form="month"``), in the site's language; a strftime pattern
        (with ``%``) is used as it is."""
        if not value:
            return ""
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return ""
        if "%" in form:
            return when.strftime(form)
        # The day as written (babel reads a time's date without moving it).
        return self._spelled(when.date(), form)

    def _spell(self, day: calendar_day, form: str) -> str:
        if self.lang == "en":
            return english_date(day, form)
        try:
            from babel.core import Locale, UnknownLocaleError
            from babel.dates import format_date, format_skeleton
        except ImportError:  # see dates_need_babel: warned once a build
            return english_date(day, form)
        try:
            # Parsed once: babel would read the language's name on each call.
            if self._locale is None:
                self._locale = Locale.parse(self.lang)
            if form == "month":
                return format_skeleton("yMMMM", day, locale=self._locale)
            return format_date(day, "long", locale=self._locale)
        except (ValueError, LookupError, UnknownLocaleError):  # unknown language
            return english_date(day, form)


#: English needs no locale data, only its month names (not calendar.month_name:
#: that follows the machine's locale).
_ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def english_date(day: calendar_day, form: str = "day") -> str:
    """ "4 March 2013" (``form="day"``) or "March 2013" (``"month"``): what
    Babel writes for English, without Babel."""
    month = f"{_ENGLISH_MONTHS[day.month - 1]} {day.year}"
    return month if form == "month" else f"{day.day} {month}"


def dates_need_babel(lang: str) -> bool:
    """Whether the site's language, which the plugin speaks, writes its
    dates with Babel (CLDR's month names and patterns) and Babel is not
    installed (``pip install "pelican-community[i18n]"``). English, and
    every language the plugin has no words for, need no Babel."""
    if Words(lang).lang == "en":
        return False
    try:
        import babel.dates  # noqa: F401
    except ImportError:
        return True
    return False


def add_community_templates(
    env: Environment, lang: str = "en", settings: object | None = None
) -> None:
    """Let ``env`` find ``community/*.html`` after the theme's own templates
    (so the theme wins) and ``!community/*.html`` for explicit extension;
    give them their words and dates in ``lang``, and the checked
    settings (a ``CommunitySettings``) as ``community_settings``."""
    loader = env.loader
    ours = FileSystemLoader(str(TEMPLATES))
    prefixed = PrefixLoader(
        {"!community": FileSystemLoader(str(TEMPLATES / "community"))}
    )
    if isinstance(loader, ChoiceLoader):
        if not any(
            getattr(item, "searchpath", None) == ours.searchpath
            for item in loader.loaders
        ):
            loader.loaders = [*loader.loaders, ours, prefixed]
    else:
        env.loader = ChoiceLoader(
            [loader, ours, prefixed] if loader else [ours, prefixed]
        )
    words = Words(lang)
    env.globals["_c"] = words.text
    env.globals["_cn"] = words.plural
    env.filters["community_date"] = words.date
    if settings is not None:
        env.globals["community_settings"] = settings
