"""The plugin's settings: one declaration each, validated once into a frozen object."""

from __future__ import annotations

import copy
import difflib
import importlib.util
import logging
import os
import posixpath
import re
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from .errors import SettingsError
from .sources import SOURCE_TYPES, FetchSchedule, SourceSpec

__all__ = [
    "DECLARED",
    "DEFAULTS",
    "OFFLINE_ENV",
    "SETTINGS",
    "CommunitySettings",
    "Setting",
    "apply_defaults",
    "closest_setting",
    "load_settings",
    "offline_by_environment",
    "site_authors",
    "site_profiles",
    "site_root",
]

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,79}$")


def _load_fetch_schedule(entries: Sequence[object]) -> FetchSchedule:
    """``[[days, hours], ...]``: posts younger than ``days`` (``None``: any
    age) are checked at most every ``hours``; older posts are not checked."""
    schedule: list[tuple[int | None, float]] = []
    for entry in entries:
        days, hours = _schedule_entry(entry)
        last = schedule[-1][0] if schedule else 0
        if last is None or (days is not None and days <= last):
            raise SettingsError(
                "COMMUNITY_FETCH_SCHEDULE: list entries by growing age, None last"
            )
        schedule.append((days, hours))
    return tuple(schedule)


def _schedule_entry(entry: object) -> tuple[int | None, float]:
    """One ``[days, hours]`` of ``COMMUNITY_FETCH_SCHEDULE``, checked."""
    if isinstance(entry, list | tuple) and len(entry) == 2:
        days, hours = entry
        if _whole_above_zero_or_none(days) and _number_from_zero(hours):
            return days, float(hours)
    raise SettingsError(
        "COMMUNITY_FETCH_SCHEDULE: each entry must be [days, hours] (days a "
        "whole number above 0 or None for any age, hours 0 or more), not "
        f"{entry!r}"
    )


def _whole_above_zero_or_none(value: object) -> TypeGuard[int | None]:
    return value is None or (_is_whole(value) and value > 0)


def _number_from_zero(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _is_whole(value: object) -> TypeGuard[int]:
    """A whole number (``True`` is not one, though Python counts it as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _load_keep_sources(names: Sequence[object]) -> tuple[str, ...]:
    kept: list[str] = []
    for name in names:
        if not isinstance(name, str) or not _NAME.match(name):
            raise SettingsError(
                f"COMMUNITY_KEEP_SOURCES: {name!r} is not a source name (the name "
                "of a file in the archive, without .jsonl)"
            )
        kept.append(name)
    return tuple(kept)


@dataclass(frozen=True)
class Setting:
    """One ``COMMUNITY_*`` setting: its default, what it accepts, what it
    means (the line the settings reference shows) and the
    :class:`CommunitySettings` field it fills."""

    name: str
    #: as ``pelicanconf.py`` would write it (a value of ``kind``)
    default: object
    kind: type
    doc: str
    #: the :class:`CommunitySettings` field it fills ("": templates read the
    #: Pelican setting, or :func:`load_settings` fills it from the site root)
    field: str = ""
    #: the smallest whole number allowed
    minimum: int | None = None
    #: ``None`` is allowed (for "no limit")
    none_allowed: bool = False
    #: a path that must stay inside the output folder
    inside_output: bool = False
    #: (module, why): the library the setting needs when it is on
    needs: tuple[str, str] | None = None
    #: the checked value (a list) -> the field's value (checks its entries)
    convert: Callable[[Sequence[object]], object] | None = None

    # What a setting holds once checked is a value of its ``kind``: typed
    # ``Any`` on the way out, as each setting's type is its own and the
    # fields of :class:`CommunitySettings` say which.
    def check(self, value: object) -> Any:
        """``value`` if this setting allows it (a tuple for a list made a
        list, a number of seconds a float); else :class:`SettingsError`
        naming the setting, what it allows and the value."""
        if value is None and self.none_allowed:
            return None
        checked = _CHECK_KIND.get(self.kind, _check_instance)(self, value)
        self._check_bounds(checked)
        return checked

    def _check_bounds(self, value: object) -> None:
        """The checks beyond the type: a range, a path inside the output,
        the library the setting needs."""
        if self.minimum is not None and _is_whole(value) and value < self.minimum:
            raise SettingsError(
                f"{self.name}: must be {self.minimum} or more, not {value}"
            )
        outside = isinstance(value, str) and (
            value.startswith("/") or ".." in Path(value).parts
        )
        if self.inside_output and outside:
            raise SettingsError(
                f"{self.name}: must be a path inside the output folder, not {value!r}"
            )
        if self.needs and value and importlib.util.find_spec(self.needs[0]) is None:
            raise SettingsError(f"{self.name}: {self.needs[1]}")

    def field_value(self, value: Any) -> Any:
        """The checked ``value`` as its :class:`CommunitySettings` field holds it."""
        return self.convert(value) if self.convert else value

    @property
    def default_value(self) -> Any:
        """The default as its :class:`CommunitySettings` field holds it."""
        return self.field_value(copy.deepcopy(self.default))


def _check_seconds(setting: Setting, value: object) -> float:
    if not _number_from_zero(value) or value == float("inf"):
        raise SettingsError(
            f"{setting.name}: must be a number of seconds, 0 or more (or None for "
            f"no limit), not {value!r}"
        )
    return float(value)


def _check_whole(setting: Setting, value: object) -> int:
    if not _is_whole(value):
        raise SettingsError(f"{setting.name}: must be a whole number, not {value!r}")
    return value


def _check_instance(setting: Setting, value: object) -> object:
    if setting.kind is list and isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, setting.kind):
        raise SettingsError(
            f"{setting.name}: must be a {setting.kind.__name__}, not "
            f"{type(value).__name__} {value!r}"
        )
    return value


_CHECK_KIND: Mapping[type, Callable[[Setting, object], object]] = MappingProxyType(
    {float: _check_seconds, int: _check_whole}
)

#: the stylesheet is linked where it is written, unless told otherwise
_CSS_PATH = "community/community.css"

#: Every setting the plugin reads, in the order the settings reference shows.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "COMMUNITY_SOURCES",
        [],
        list,
        "the sources to read, each a dict with a `type` (see Sources and import "
        "formats, and Live sources)",
    ),
    Setting(
        "COMMUNITY_PEOPLE_FILE",
        "community.yaml",
        str,
        "the people file; the default one may be missing (no people file yet), "
        "a file you name must exist",
    ),
    Setting(
        "COMMUNITY_ARCHIVE_PATH",
        "community-archive",
        str,
        "the archive folder (commit it)",
    ),
    Setting(
        "COMMUNITY_OFFLINE",
        False,
        bool,
        "never touch the network; the environment variable "
        "`PELICAN_COMMUNITY_OFFLINE=1` (or `true`, `yes`, `on`) forces it",
    ),
    Setting(
        "COMMUNITY_URL", "community/", str, "the community page's address", field="url"
    ),
    Setting(
        "COMMUNITY_SAVE_AS",
        "community/index.html",
        str,
        'where the community page is written; `""` turns it off',
        field="save_as",
        inside_output=True,
    ),
    Setting(
        "COMMUNITY_JSON_SAVE_AS",
        "",
        str,
        "also publish the JSON report there (off by default)",
        field="json_save_as",
        inside_output=True,
    ),
    Setting(
        "COMMUNITY_CSS_URL",
        _CSS_PATH,
        str,
        "the default templates' stylesheet, as linked",
        field="css_url",
    ),
    Setting(
        "COMMUNITY_CSS_SAVE_AS",
        _CSS_PATH,
        str,
        'where the stylesheet is written; `""` leaves it out (no file, no link)',
        field="css_save_as",
        inside_output=True,
    ),
    Setting(
        "COMMUNITY_CONCENTRATION",
        True,
        bool,
        "the community page says how few people wrote most of the conversation "
        '("13 people wrote 82% of the conversation since 2013")',
        field="concentration",
    ),
    Setting(
        "COMMUNITY_CIRCLE_CHART",
        True,
        bool,
        "the community page shows the circle over the years: a small bar chart "
        "drawn into the page in the theme's colours (wide, and for phones so "
        "its words stay legible) of the people in conversation each year, new "
        "and returning, with a text alternative and the numbers as a table",
        field="circle_chart",
    ),
    Setting(
        "COMMUNITY_PAGE_HEADING",
        True,
        bool,
        'the community page opens with its own "Community" heading; `False` '
        "where the theme already shows the page's title as its heading (a "
        "banner, as smallweb's)",
    ),
    Setting(
        "COMMUNITY_AVATARS",
        False,
        bool,
        "show people's photos: the photo a source gives (a webmention author's, "
        "a Mastodon or Bluesky avatar) is fetched once, checked, cut to a small "
        "square and served from your site (`community/photos/`); needs Pillow "
        "(`pip install 'pelican-community[avatars]'`)",
        field="avatars",
        needs=(
            "PIL",
            "photos are resized with Pillow, which is not installed: "
            "pip install 'pelican-community[avatars]'",
        ),
    ),
    Setting(
        "COMMUNITY_REGULAR_MIN_POSTS",
        3,
        int,
        "distinct posts of conversation that make a regular (2 or more)",
        field="regular_min_posts",
        minimum=2,
    ),
    Setting(
        "COMMUNITY_THANKS_IN_CONTENT",
        False,
        bool,
        "add the thank-you list and conversation after each article's content, "
        "on the article's own page (not in feeds or listings)",
        field="thanks_in_content",
    ),
    Setting(
        "COMMUNITY_REPLY",
        True,
        bool,
        'show the "Write back" block under each post (Mastodon, Bluesky, '
        "webmention form, e-mail, whichever apply)",
    ),
    Setting(
        "COMMUNITY_REPLY_EMAIL",
        "",
        str,
        'an address for a "Reply by email" link under each post (in that link only)',
    ),
    Setting(
        "COMMUNITY_AUTHOR_BADGE",
        "",
        str,
        'the badge beside your own comments, in your words (e.g. "autrice"); '
        '"" says "author" in the site\'s language',
    ),
    Setting(
        "COMMUNITY_FETCH_SCHEDULE",
        [[7, 0], [60, 6], [365, 24], [None, 168]],
        list,
        "`[post age in days (None: any), hours between checks]` for Mastodon and "
        "Bluesky",
        field="fetch_schedule",
        convert=_load_fetch_schedule,
    ),
    Setting(
        "COMMUNITY_KEEP_SOURCES",
        [],
        list,
        "names of archived sources no longer in `COMMUNITY_SOURCES` to keep as "
        "history, without a warning",
        field="keep_sources",
        convert=_load_keep_sources,
    ),
    Setting(
        "COMMUNITY_FETCH_BUDGET",
        15.0,
        float,
        "seconds a `pelican content` may spend fetching live sources (and "
        "photos); what is not fetched by then is fetched at the next build. `0`: "
        "the build fetches nothing (run `pelican-community fetch`); `None`: no "
        "limit",
        field="fetch_budget",
        none_allowed=True,
    ),
    Setting(
        "COMMUNITY_MAX_DEPTH",
        6,
        int,
        "how many levels replies nest in a post's conversation (1 or more); a "
        "reply deeper than that is listed right after its parent, at the last "
        "level, and says whom it answers",
        field="max_depth",
        minimum=1,
    ),
    Setting(
        "COMMUNITY_DESK_WAITING_MONTHS",
        12,
        int,
        "the desk lists unanswered conversation this recent (1 or more)",
        field="desk_waiting_months",
        minimum=1,
    ),
    Setting(
        "COMMUNITY_DESK_QUIET_MONTHS",
        6,
        int,
        'on the desk, "gone quiet" needs at least this long a silence (1 or more)',
        field="desk_quiet_months",
        minimum=1,
    ),
)

#: setting name -> its declaration
DECLARED: Mapping[str, Setting] = MappingProxyType({s.name: s for s in SETTINGS})
#: setting name -> its default, as ``pelicanconf.py`` would write it
DEFAULTS: Mapping[str, object] = MappingProxyType({s.name: s.default for s in SETTINGS})

OFFLINE_ENV = "PELICAN_COMMUNITY_OFFLINE"
_OFFLINE_YES = frozenset({"1", "true", "yes", "on"})
_OFFLINE_NO = frozenset({"", "0", "false", "no", "off"})
_offline_values_warned: set[str] = set()  # settings are read again on autoreload


@dataclass(frozen=True)
class CommunitySettings:
    """Every ``COMMUNITY_*`` setting, checked, with paths made absolute."""

    root: Path
    sources: tuple[SourceSpec, ...]
    people_file: Path
    archive_path: Path
    offline: bool
    url: str
    save_as: str
    json_save_as: str
    regular_min_posts: int
    thanks_in_content: bool
    fetch_schedule: FetchSchedule
    #: the desk lists unanswered conversation this recent
    desk_waiting_months: int
    #: the desk's "gone quiet" needs at least this long a silence
    desk_quiet_months: int
    #: archived sources no longer configured, kept as history without a warning
    keep_sources: tuple[str, ...]
    #: the default templates' stylesheet, as linked
    css_url: str
    css_save_as: str
    #: the community page says how few people wrote most of the conversation
    concentration: bool
    circle_chart: bool
    #: reply levels shown nested; deeper replies are listed flat
    max_depth: int
    #: seconds a build may spend fetching (None: no limit, 0: nothing fetched)
    fetch_budget: float | None
    avatars: bool

    @property
    def photos_folder(self) -> str:
        """Where the output keeps the photos: beside the stylesheet."""
        return posixpath.join(
            posixpath.dirname(self.css_save_as or _CSS_PATH),
            "photos",
        )

    #: Pelican's ``AUTHOR`` (and ``AUTHORS``, if set): the blog's own author
    author_names: tuple[str, ...] = ()
    #: Pelican's ``SITEURL``: whoever writes from this site is the author
    site_url: str = ""
    #: profiles on platforms listed in Pelican's ``SOCIAL`` and ``LINKS``:
    #: the author's own accounts
    author_profiles: tuple[str, ...] = ()

    @property
    def local_inputs(self) -> tuple[Path, ...]:
        """The files and folders a build reads the community from: the
        people file, each source read from a file or folder, the archive
        folder (what ``pelican --autoreload`` must watch)."""
        sources = (spec.path for spec in self.sources if spec.path is not None)
        return (self.people_file, *sources, self.archive_path)


def apply_defaults(settings: MutableMapping[str, object]) -> None:
    """Give every ``COMMUNITY_*`` setting its default (templates see them)."""
    for setting in SETTINGS:
        settings.setdefault(setting.name, copy.deepcopy(setting.default))


def site_root(settings: Mapping[str, object]) -> Path:
    """The folder relative paths resolve against: the settings file's.

    Pelican does not record where its settings file was, but it keeps the
    module it loaded it as (``sys.modules``), and makes a relative ``PATH``
    absolute against that file's folder: the module whose own ``PATH`` gives
    this absolute ``PATH`` is the settings file. Failing that, the folder
    ``pelican content`` runs in if it holds pelicanconf.py, else the content
    folder's parent.
    """
    content = settings.get("PATH")
    found = _settings_file_folder(str(content)) if content else None
    if found is not None:
        return found
    cwd = Path.cwd()
    if (cwd / "pelicanconf.py").exists() or not content:
        return cwd
    return Path(str(content)).resolve().parent


def _settings_file_folder(content: str) -> Path | None:
    folders = set()
    for module in list(sys.modules.values()):
        own = getattr(module, "PATH", None)
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if not isinstance(own, str) or not isinstance(origin, str):
            continue
        if not origin.endswith(".py") or "site-packages" in origin:
            continue
        folder = os.path.dirname(os.path.abspath(origin))
        if os.path.normpath(os.path.join(folder, own)) == os.path.normpath(content):
            folders.add(folder)
    # Two settings files in two folders naming this one content folder: the
    # match proves nothing.
    return Path(folders.pop()) if len(folders) == 1 else None


def closest_setting(name: str) -> str:
    """The known ``COMMUNITY_*`` setting ``name`` most likely misspells, or "".

    Without the prefix a stray name must be very close (``COMMUNTY_URL``), as
    other plugins' settings live beside ours."""
    prefix = "COMMUNITY_"
    if not name.startswith(prefix):
        found = difflib.get_close_matches(name, DEFAULTS, n=1, cutoff=0.9)
        return found[0] if found else ""
    tails = [known.removeprefix(prefix) for known in DEFAULTS]
    found = difflib.get_close_matches(name.removeprefix(prefix), tails, n=1)
    return prefix + found[0] if found else ""


def load_settings(
    settings: Mapping[str, object], root: Path | None = None
) -> CommunitySettings:
    """Validate the ``COMMUNITY_*`` settings once; raise :class:`SettingsError`
    naming the first bad setting."""
    _refuse_unknown(settings)
    _warn_near_misses(settings)
    values = {s.name: s.check(settings.get(s.name, s.default)) for s in SETTINGS}
    fields = {s.field: s.field_value(values[s.name]) for s in SETTINGS if s.field}
    root = root or site_root(settings)
    return CommunitySettings(
        root=root,
        sources=_load_sources(values["COMMUNITY_SOURCES"], root),
        people_file=_people_file(values["COMMUNITY_PEOPLE_FILE"], root),
        archive_path=root / values["COMMUNITY_ARCHIVE_PATH"],
        offline=values["COMMUNITY_OFFLINE"] or offline_by_environment(os.environ),
        author_names=site_authors(settings),
        site_url=str(settings.get("SITEURL") or "").strip(),
        author_profiles=site_profiles(settings),
        **fields,
    )


def _refuse_unknown(settings: Mapping[str, object]) -> None:
    unknown = sorted(
        k for k in settings if k.startswith("COMMUNITY_") and k not in DEFAULTS
    )
    if unknown:
        closest = closest_setting(unknown[0])
        raise SettingsError(
            f"{unknown[0]}: unknown setting; did you mean {closest}?"
            if closest
            else f"{unknown[0]}: unknown setting (known: {', '.join(sorted(DEFAULTS))})"
        )


def _warn_near_misses(settings: Mapping[str, object]) -> None:
    """A warning for a setting without the prefix that looks like one of ours."""
    for key in sorted(settings):
        closest = "" if key in DEFAULTS or not key.isupper() else closest_setting(key)
        if closest and not key.startswith("COMMUNITY_"):
            logger.warning(
                "community: %s is not a setting of the plugin; did you mean %s?",
                key,
                closest,
            )


def _people_file(name: str, root: Path) -> Path:
    people_file = root / name
    if name != DEFAULTS["COMMUNITY_PEOPLE_FILE"] and not people_file.exists():
        # The default file may be missing (no people file yet); one named on
        # purpose is surely mistyped or misplaced.
        raise SettingsError(
            f"COMMUNITY_PEOPLE_FILE: {people_file} not found (leave the setting "
            "out to build without a people file)"
        )
    return people_file


def site_authors(settings: Mapping[str, object]) -> tuple[str, ...]:
    """The blog's author names from Pelican's ``AUTHOR`` (a name) and
    ``AUTHORS`` (a list some multi-author sites set); anything else ignored."""
    names: list[str] = []
    for value in (settings.get("AUTHOR"), settings.get("AUTHORS")):
        values = value if isinstance(value, list | tuple) else [value]
        names += [v.strip() for v in values if isinstance(v, str) and v.strip()]
    return tuple(dict.fromkeys(names))


def site_profiles(settings: Mapping[str, object]) -> tuple[str, ...]:
    """The author's own addresses in Pelican's ``SOCIAL`` and ``LINKS``
    (lists of ``(label, url)``). ``SOCIAL`` is the author's social links by
    Pelican's convention: each of its addresses that names someone (a
    profile on a platform, or a site of their own) is the author's.
    ``LINKS`` is a blogroll as often as not: only its profiles on platforms
    (twitter.com/x, a Mastodon account, Bluesky, GitHub...) are taken.
    Malformed entries and addresses that name no one (a platform's home
    page) are ignored."""
    urls: list[str] = []
    for setting in ("SOCIAL", "LINKS"):
        entries = settings.get(setting)
        for entry in entries if isinstance(entries, list | tuple) else ():
            url = _profile_url(entry, any_site=setting == "SOCIAL")
            if url:
                urls.append(url)
    return tuple(dict.fromkeys(urls))


def _profile_url(entry: object, any_site: bool) -> str:
    """The address of a ``(label, url)`` entry if it is a profile on a
    platform (or, ``any_site``, names anyone at all), else ""."""
    from .urls import account_of, identity_keys

    if not isinstance(entry, list | tuple) or len(entry) < 2:
        return ""
    url = entry[1]
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return ""
    keys = identity_keys(url)
    on_platform = any(account_of(key)[0].startswith("on:") for key in keys)
    return url.strip() if on_platform or (any_site and keys) else ""


def offline_by_environment(environ: Mapping[str, str]) -> bool:
    """Whether ``PELICAN_COMMUNITY_OFFLINE`` asks for an offline build.

    1/true/yes/on (any case) mean offline; 0/false/no/off or empty mean
    online. Anything else was surely meant to switch the network off: it
    does, with one warning per value.
    """
    value = environ.get(OFFLINE_ENV, "").strip().lower()
    if value in _OFFLINE_YES:
        return True
    if value in _OFFLINE_NO:
        return False
    if value not in _offline_values_warned:
        _offline_values_warned.add(value)
        logger.warning(
            "community: %s=%r is neither 1, true, yes, on nor 0, false, no, "
            "off: building offline",
            OFFLINE_ENV,
            environ[OFFLINE_ENV],
        )
    return True


def _load_sources(entries: Sequence[object], root: Path) -> tuple[SourceSpec, ...]:
    specs: list[SourceSpec] = []
    for index, entry in enumerate(entries):
        spec = _source_spec(f"COMMUNITY_SOURCES[{index}]", entry, root)
        if any(known.name == spec.name for known in specs):
            raise SettingsError(
                f"COMMUNITY_SOURCES[{index}]: two sources are named {spec.name!r}; "
                "give each a distinct 'name'"
            )
        specs.append(spec)
    return tuple(specs)


def _source_spec(where: str, entry: object, root: Path) -> SourceSpec:
    """One entry of ``COMMUNITY_SOURCES`` (``where`` names it), checked."""
    if not isinstance(entry, Mapping):
        raise SettingsError(
            f"{where}: must be a dict such as {{'type': ..., 'path': ...}}"
        )
    kind = entry.get("type")
    if kind not in SOURCE_TYPES:
        raise SettingsError(
            f"{where}: 'type' must be one of {', '.join(sorted(SOURCE_TYPES))}, "
            f"not {kind!r}"
        )
    source_type = SOURCE_TYPES[kind]
    _check_source_keys(where, entry, kind)
    given = _location_key(where, entry, kind)
    options = {key: default for key, default in source_type.option_keys}
    options.update(
        {k: v.strip() for k, v in entry.items() if k not in ("type", "name")}
    )
    path = root / options.pop("path") if given == "path" else None
    name = entry.get("name") or _default_name(kind, path, options)
    if not _NAME.match(name):
        raise SettingsError(
            f"{where}: 'name' {name!r} must be letters, digits, '.', '_' or '-'"
        )
    return SourceSpec(kind, name, path, MappingProxyType(options))


def _location_key(where: str, entry: Mapping[str, object], kind: str) -> str:
    """The one location key (``path``, ``url``...) the entry gives, if its
    type takes one; "" for a type without (Mastodon, Bluesky)."""
    keys = SOURCE_TYPES[kind].location_keys
    given = [key for key in keys if key in entry]
    if keys and len(given) != 1:
        raise SettingsError(
            f"{where}: give exactly one of {', '.join(keys)} for type {kind!r}"
        )
    return given[0] if given else ""


def _check_source_keys(where: str, entry: Mapping[str, object], kind: str) -> None:
    """Every key of the entry is one its type knows, each a non-empty string."""
    source_type = SOURCE_TYPES[kind]
    allowed = {"type", "name", *source_type.location_keys}
    allowed |= {key for key, _ in source_type.option_keys}
    for key, value in entry.items():
        if key not in allowed:
            raise SettingsError(
                f"{where}: unknown key {key!r} for type {kind!r} "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f"{where}: {key!r} must be a non-empty string")


def _default_name(kind: str, path: Path | None, options: Mapping[str, str]) -> str:
    if path is not None:
        stem = path.name.split(".")[0] or path.name
        base = f"{kind}-{stem}"
    elif "url" in options or "domain" in options:
        from urllib.parse import urlsplit

        host = options.get("domain") or urlsplit(options["url"]).hostname or "live"
        base = f"{kind}-{host}"
    else:
        base = kind
    return re.sub(r"[^A-Za-z0-9._\-]+", "-", base).strip("-.")[:80] or kind
