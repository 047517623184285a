"""The author's people file (community.yaml): me, friends, people and hide rules,
read from YAML node by node so that every error names its line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PeopleFileError
from ..names import name_key
from ..urls import handle_key, identity_keys, safe_http_url

if TYPE_CHECKING:
    from yaml.nodes import Node

__all__ = [
    "LIST_FIELDS",
    "HideRule",
    "PeopleFile",
    "PersonEntry",
    "load_people_file",
    "parse_people_file",
    "read_people_yaml",
]

#: The lists an entry of ``friends`` or ``people`` may hold.
LIST_FIELDS = ("aliases", "urls", "handles")


@dataclass(frozen=True)
class PersonEntry:
    """A ``friends`` or ``people`` entry: one person under several identities."""

    name: str
    aliases: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    note: str = ""
    pinned: bool = False
    line: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def identity_keys(self) -> set[str]:
        keys: set[str] = set()
        for url in self.urls:
            keys |= identity_keys(url)
        for handle in self.handles:
            keys |= identity_keys("", handle)
        return keys


@dataclass(frozen=True)
class HideRule:
    """Never show, never count whoever matches: by name, url, domain or handle."""

    field: str
    value: str
    line: int = 0


@dataclass(frozen=True)
class PeopleFile:
    """The parsed people file; empty when the file does not exist."""

    me: PersonEntry | None = None
    friends: tuple[PersonEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
    hide: tuple[HideRule, ...] = ()
    #: The list fields (aliases, urls, handles) the file writes on one line,
    #: ``[a, b]``: what ``pin`` and the desk write the same way.
    flow_lists: frozenset[str] = frozenset()

    @property
    def entries(self) -> tuple[PersonEntry, ...]:
        return self.friends + self.people

    def with_site_author(
        self,
        author_names: tuple[str, ...],
        site_url: str,
        profiles: tuple[str, ...] = (),
    ) -> PeopleFile:
        """The people file with the site's ``AUTHOR`` (or ``AUTHORS``),
        ``SITEURL`` and the profiles of ``SOCIAL``/``LINKS`` added to ``me``:
        the author is known without a people file, and ``me`` only needs
        what Pelican does not know."""
        me = self.me or PersonEntry(name="")
        names = tuple(dict.fromkeys(n for n in (*me.names, *author_names) if n))
        site = (site_url,) if safe_http_url(site_url) else ()
        profiles = tuple(url for url in profiles if safe_http_url(url))
        urls = tuple(dict.fromkeys((*me.urls, *site, *profiles)))
        if not names and not urls and not me.handles:
            return self
        author = replace(
            me, name=names[0] if names else "", aliases=names[1:], urls=urls
        )
        return replace(self, me=author)


def load_people_file(path: Path) -> PeopleFile:
    """Read and validate ``path``; a missing file is an empty people file.

    Raises :class:`PeopleFileError` with the file, line and what is wrong.
    """
    if not path.exists():
        return PeopleFile()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PeopleFileError(f"{path}: cannot be read ({exc})") from None
    return parse_people_file(path, data)


def parse_people_file(path: Path, data: bytes) -> PeopleFile:
    """The people file ``path`` from its bytes (empty: an empty file)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PeopleFileError(f"{path}: cannot be read ({exc})") from None
    return read_people_yaml(path, text)


_ENTRY_KEYS = {"name", "aliases", "urls", "handles", "note"}
_ME_KEYS = {"names", "urls", "handles"}
_HIDE_KEYS = ("name", "url", "domain", "handle")


def read_people_yaml(path: Path, text: str) -> PeopleFile:
    """Parse and validate the people file ``path`` holding ``text``.

    Raises :class:`PeopleFileError` with the file, line and what is wrong.
    """
    # YAML is imported only here: a warm build, which knows these bytes
    # already, does not pay for it.
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise PeopleFileError(f"{where}: not valid YAML ({problem})") from None
    return _Reader(path).people_file(root)


class _Reader:
    """Walks the YAML node tree so every error can name its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.claimed_names: dict[str, int] = {}
        #: (field, written on one line) -> how many lists are written so
        self.list_styles: Counter[tuple[str, bool]] = Counter()

    def fail(self, node: Node | None, message: str) -> PeopleFileError:
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        return PeopleFileError(f"{self.path}{line}: {message}")

    def mapping(
        self, node: Node, allowed: set[str] | tuple[str, ...], what: str
    ) -> dict[str, Node]:
        if not _is(node, "mapping"):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if _is(key_node, "scalar") else ""
            if key not in allowed:
                raise self.fail(
                    key_node,
                    f"unknown key {key!r} in {what} "
                    f"(allowed: {', '.join(sorted(allowed))})",
                )
            if key in result:
                raise self.fail(key_node, f"{key!r} is given twice in {what}")
            result[key] = value_node
        return result

    def text(self, node: Node, what: str) -> str:
        if not _is(node, "scalar") or node.tag.endswith(("null", "bool")):
            raise self.fail(node, f"{what} must be text")
        value = str(node.value).strip()
        if not value:
            raise self.fail(node, f"{what} must not be empty")
        return value

    def texts(self, node: Node, what: str) -> tuple[str, ...]:
        if _is(node, "scalar") and node.tag.endswith("null"):
            return ()
        if not _is(node, "sequence"):
            raise self.fail(node, f"{what} must be a list, e.g. [first, second]")
        if node.value:
            field = what.rpartition(".")[2]
            self.list_styles[field, bool(getattr(node, "flow_style", False))] += 1
        return tuple(self.text(item, f"each of {what}") for item in node.value)

    def urls(self, node: Node, what: str) -> tuple[str, ...]:
        values = self.texts(node, what)
        for item, value in zip(node.value, values, strict=True):
            if not safe_http_url(value):
                raise self.fail(item, f"{value!r} in {what} is not an http(s) URL")
        return values

    def handles(self, node: Node, what: str) -> tuple[str, ...]:
        values = self.texts(node, what)
        for item, value in zip(node.value, values, strict=True):
            if not handle_key(value):
                raise self.fail(
                    item,
                    f"{value!r} in {what} is not a handle such as @user@instance, "
                    "name.bsky.social or did:plc:...",
                )
        return values

    def people_file(self, root: Node | None) -> PeopleFile:
        if root is None:
            return PeopleFile()
        top = self.mapping(root, {"me", "friends", "people", "hide"}, "the people file")
        me = self.me(top["me"]) if "me" in top else None
        friends = self.entries(top.get("friends"), "friends", pinned=True)
        people = self.entries(top.get("people"), "people", pinned=False)
        hide = self.hide(top.get("hide"))
        return PeopleFile(
            me=me,
            friends=friends,
            people=people,
            hide=hide,
            flow_lists=self.flow_lists(),
        )

    def flow_lists(self) -> frozenset[str]:
        """The list fields the file mostly writes on one line; a field it
        never writes follows the file's lists as a whole."""
        styles = self.list_styles
        overall = Counter(flow for _, flow in styles.elements())
        flow = set()
        for field in LIST_FIELDS:
            one_line, block = styles[field, True], styles[field, False]
            if not one_line + block:
                one_line, block = overall[True], overall[False]
            if one_line > block:
                flow.add(field)
        return frozenset(flow)

    def me(self, node: Node) -> PersonEntry:
        fields = self.mapping(node, _ME_KEYS, "me")
        names = self.texts(fields["names"], "me.names") if "names" in fields else ()
        return PersonEntry(
            name=names[0] if names else "",
            aliases=names[1:],
            urls=self.urls(fields["urls"], "me.urls") if "urls" in fields else (),
            handles=self.handles(fields["handles"], "me.handles")
            if "handles" in fields
            else (),
            line=node.start_mark.line + 1,
        )

    def entries(
        self, node: Node | None, section: str, pinned: bool
    ) -> tuple[PersonEntry, ...]:
        if node is None or (_is(node, "scalar") and node.tag.endswith("null")):
            return ()
        if not _is(node, "sequence"):
            raise self.fail(
                node,
                f"{section} must be a list of people (each starting with '- name:')",
            )
        entries = []
        for index, item in enumerate(node.value):
            what = f"{section}[{index}]"
            fields = self.mapping(item, _ENTRY_KEYS, what)
            if "name" not in fields:
                raise self.fail(item, f"{what} needs a 'name'")
            entry = PersonEntry(
                name=self.text(fields["name"], f"{what}.name"),
                aliases=self.texts(fields["aliases"], f"{what}.aliases")
                if "aliases" in fields
                else (),
                urls=self.urls(fields["urls"], f"{what}.urls")
                if "urls" in fields
                else (),
                handles=self.handles(fields["handles"], f"{what}.handles")
                if "handles" in fields
                else (),
                note=self.text(fields["note"], f"{what}.note")
                if "note" in fields
                else "",
                pinned=pinned,
                line=item.start_mark.line + 1,
            )
            for name in entry.names:
                key = name_key(name)
                if key in self.claimed_names and self.claimed_names[key] != entry.line:
                    raise self.fail(
                        item,
                        f"the name {name!r} is already used by the entry on line "
                        f"{self.claimed_names[key]}; one name, one person",
                    )
                self.claimed_names[key] = entry.line
            entries.append(entry)
        return tuple(entries)

    def hide(self, node: Node | None) -> tuple[HideRule, ...]:
        if node is None or (_is(node, "scalar") and node.tag.endswith("null")):
            return ()
        if not _is(node, "sequence"):
            raise self.fail(
                node, "hide must be a list such as '- domain: spam.example'"
            )
        rules = []
        for index, item in enumerate(node.value):
            what = f"hide[{index}]"
            fields = self.mapping(item, _HIDE_KEYS, what)
            if len(fields) != 1:
                raise self.fail(
                    item, f"{what} needs exactly one of {', '.join(_HIDE_KEYS)}"
                )
            ((field, value_node),) = fields.items()
            value = self.text(value_node, f"{what}.{field}")
            if field == "url" and not safe_http_url(value):
                raise self.fail(
                    value_node, f"{value!r} in {what} is not an http(s) URL"
                )
            if field == "handle" and not handle_key(value):
                raise self.fail(value_node, f"{value!r} in {what} is not a handle")
            rules.append(HideRule(field, value, item.start_mark.line + 1))
        return tuple(rules)


def _is(node: Node | None, kind: str) -> bool:
    """Whether ``node`` is a YAML ``mapping``, ``sequence`` or ``scalar``
    (by its id: the node classes are not imported before the file is read)."""
    return getattr(node, "id", None) == kind
