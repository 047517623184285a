"""Writing to the author's people file (community.yaml) from the command line:
pinning someone as a friend, hiding someone, and the entry the desk offers
to paste.

The file is the author's own, with their comments and their layout, so it is
edited as text: ruamel.yaml's round-trip parser says where each section and
entry starts and ends, ruamel.yaml writes the new lines (quoting what needs
it), and every other byte of the file stays as it was. (A full round-trip
dump would not: it re-indents a file whose mappings and lists are indented
differently, and moves the blank line after an entry along with it.)
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PeopleFileError
from ..memo import Memo
from ..model import Interaction
from ..names import PLACEHOLDER_NAMES, clean_name, name_key
from ..urls import handle_key, safe_http_url, url_key
from .identity import Identity, Signatures
from .people_file import LIST_FIELDS, PeopleFile, PersonEntry, read_people_yaml

if TYPE_CHECKING:
    from ruamel.yaml.nodes import Node

__all__ = [
    "NewEntry",
    "entry_for",
    "entry_yaml",
    "hide_in_text",
    "hide_rules_for",
    "pin_in_text",
]


@dataclass(frozen=True)
class NewEntry:
    """A ``friends`` entry as the desk and ``pin`` write it: every name
    that needs saying, every URL and handle the person was seen with."""

    name: str
    aliases: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    note: str = ""


def entry_for(identity: Identity, name: str, people: PeopleFile) -> NewEntry:
    """The entry that keeps ``identity`` one person under ``name``: their
    people-file entry (if any) with every URL and handle they used added.

    Aliases are the other names they signed with where nothing else (no
    link, no handle) tied the comment to them: only a name can. A name
    another entry already claims is left out (one name, one person).
    Email-based keys never appear: the file is the author's, but it is
    often committed.
    """
    entry = identity.entry
    items = sorted(identity.items, key=lambda i: (i.published or "9999", i.id))
    urls, handles = _addresses_used(
        items, list(entry.urls if entry else ()), list(entry.handles if entry else ())
    )
    claimed = {
        name_key(n)
        for other in people.entries
        if other is not entry
        for n in other.names
    }
    names = _with_aliases(items, [name, *(entry.names if entry else ())], claimed)
    return NewEntry(
        name=name,
        aliases=tuple(
            n for n in dict.fromkeys(names[1:]) if name_key(n) != name_key(name)
        ),
        urls=tuple(urls),
        handles=tuple(handles),
        note=entry.note if entry else "",
    )


def _addresses_used(
    items: list[Interaction], urls: list[str], handles: list[str]
) -> tuple[list[str], list[str]]:
    """``urls`` and ``handles`` with every other one ``items`` used added,
    in the order first used (one per key)."""
    url_keys = {url_key(u) for u in urls}
    handle_keys = {handle_key(h) for h in handles}
    for item in items:
        for url in _urls_of(item):
            key = url_key(url)
            if key and key not in url_keys:
                url_keys.add(key)
                urls.append(url)
        for handle in (item.author_handle, item.extra.get("handle", "")):
            key = handle_key(handle)
            if key and key not in handle_keys:
                handle_keys.add(key)
                handles.append(handle.strip())
    return urls, handles


def _with_aliases(
    items: list[Interaction], names: list[str], claimed: set[str]
) -> list[str]:
    """``names`` with the other names ``items`` were signed with where
    nothing but the name tied the comment to them (none another entry
    ``claimed``, no placeholder)."""
    signatures = Signatures(Memo())
    known = {name_key(n) for n in names}
    for item in items:
        alias = clean_name(item.author_name)
        key = name_key(alias)
        name_only = not signatures.keys(item)
        if name_only and key not in known | claimed and key not in PLACEHOLDER_NAMES:
            known.add(key)
            names.append(alias)
    return names


def _urls_of(item: Interaction) -> list[str]:
    found = [
        safe_http_url(item.author_url),
        safe_http_url(item.extra.get("verified_url", "")),
    ]
    return [url for url in found if url]


def entry_yaml(
    entry: NewEntry, indent: int = 2, flow: frozenset[str] = frozenset()
) -> str:
    """``entry`` as a list item of YAML (``- name: ...``), its dash
    ``indent`` columns in: the snippet to paste under ``friends:``. The
    lists named in ``flow`` are written on one line (``aliases: [A, B]``),
    as the people file writes them (:attr:`PeopleFile.flow_lists`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    data = CommentedMap(name=entry.name)
    for field in LIST_FIELDS:
        values = CommentedSeq(getattr(entry, field))
        if values:
            if field in flow:
                values.fa.set_flow_style()
            data[field] = values
    if entry.note:
        data["note"] = entry.note
    return _list_item(data, indent)


def _list_item(data: Any, indent: int) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096  # never fold a long note or URL
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump([data], out)
    # ruamel puts a top-level list's dashes 2 columns in.
    return "".join(
        " " * indent + line[2:] if line.strip() else line
        for line in out.getvalue().splitlines(keepends=True)
    )


def pin_in_text(
    path: Path, text: str, entry: NewEntry, existing: PersonEntry | None
) -> str:
    """``text`` (the people file at ``path``) with ``entry`` under
    ``friends``: a new entry at the end of the list, or the person's
    ``people`` entry (``existing``, with the comment lines right above it)
    moved there. Raises :class:`PeopleFileError` when that cannot be done
    without touching the rest of the file."""
    doc = _Document(path, text)
    flow = read_people_yaml(path, text).flow_lists
    edits: list[tuple[int, int, list[str]]] = []
    if existing is not None and not existing.pinned:
        start, end, block = doc.entry_block("people", existing.line - 1)
        indent = doc.dash_column("people")
        edits.append((start, end, []))
        if (entry.urls, entry.handles, entry.aliases) != (
            existing.urls,
            existing.handles,
            existing.aliases,
        ):
            # Something to add: the entry is written anew, its comments kept.
            comments = [line for line in block if line.lstrip().startswith("#")]
            written = entry_yaml(entry, indent, flow)
            block = comments + written.splitlines(keepends=True)
        edits.append(doc.append_to("friends", block, indent))
    else:
        written = entry_yaml(entry, 0, flow)
        edits.append(doc.append_to("friends", written.splitlines(True), 0))
    return doc.apply(edits)


def hide_in_text(path: Path, text: str, name: str, rules: list[tuple[str, str]]) -> str:
    """``text`` with ``rules`` ((field, value) pairs) added at the end of
    ``hide``, under a comment naming who they hide."""
    doc = _Document(path, text)
    lines = [f"# {_one_line(name)}: hidden with pelican-community hide\n"]
    for field, value in rules:
        lines += _list_item({field: value}, 0).splitlines(keepends=True)
    return doc.apply([doc.append_to("hide", lines, 0)])


def hide_rules_for(identity: Identity, entry: NewEntry) -> list[tuple[str, str]]:
    """Rules that hide everything ``identity`` left: a rule hides the
    interactions it matches, so each URL and handle gets one, and each name
    signed where no address or handle was given (an email alone never shows
    in the file) gets one too."""
    rules = [("url", url) for url in entry.urls]
    rules += [("handle", handle) for handle in entry.handles]
    names: dict[str, str] = {}
    for item in identity.items:
        shown = [*_urls_of(item), item.author_handle, item.extra.get("handle", "")]
        if not any(url_key(u) or handle_key(u) for u in shown if u):
            name = _one_line(item.author_name)
            names.setdefault(name_key(name), name)
    rules += [("name", name) for key, name in sorted(names.items()) if key]
    return rules or [("name", entry.name)]


def _one_line(text: str) -> str:
    return " ".join(clean_name(text).split())


class _Document:
    """The people file as lines, with ruamel.yaml's map of where each
    top-level section and list item is."""

    def __init__(self, path: Path, text: str) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        self.path = path
        self.text = text
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        try:
            root = YAML().compose(text)
        except YAMLError as exc:  # load_people_file has said it first
            raise PeopleFileError(f"{path}: not valid YAML ({exc})") from None
        self.sections: dict[str, tuple[Node, Node]] = {}
        if root is not None and _kind(root) == "mapping":
            self.sections = {key.value: (key, value) for key, value in root.value}

    def _items(self, section: str) -> list[Node]:
        found = self.sections.get(section)
        if found is None or _kind(found[1]) != "sequence":
            return []
        return list(found[1].value)

    def dash_column(self, section: str) -> int:
        """Where the section's list dashes stand (2 when it has none yet)."""
        items = self._items(section)
        if not items:
            return 2
        first = items[0]
        line: str = self.lines[first.start_mark.line]
        return line.rindex("-", 0, first.start_mark.column)

    def _last_line(self, node: Node) -> int:
        """The last line that holds something of ``node`` (its end mark is
        the next token's start, past any comment or blank line)."""
        if _kind(node) == "scalar" or getattr(node, "flow_style", False):
            mark = node.end_mark
            last: int = (
                mark.line - 1
                if mark.column == 0 and mark.line > node.start_mark.line
                else mark.line
            )
            return last
        children: list[Node] = []
        for child in node.value:
            children.extend(child if isinstance(child, tuple) else (child,))
        return max((self._last_line(c) for c in children), default=node.start_mark.line)

    def entry_block(self, section: str, line: int) -> tuple[int, int, list[str]]:
        """The lines of the ``section`` item starting on ``line`` (0-based),
        with the comment lines right above it: (start, end, lines)."""
        for item in self._items(section):
            if item.start_mark.line == line:
                break
        else:
            raise PeopleFileError(f"{self.path}:{line + 1}: no {section} entry here")
        start, end = line, self._last_line(item) + 1
        while start > 0 and self.lines[start - 1].lstrip().startswith("#"):
            start -= 1
        block = self.lines[start:end]
        # The blank line that set it apart goes with it, unless it still
        # sets apart what comes next.
        blank_before = start > 0 and not self.lines[start - 1].strip()
        if blank_before and (end >= len(self.lines) or not self.lines[end].strip()):
            start -= 1
        return start, end, block

    def append_to(
        self,
        section: str,
        block: list[str],
        indent: int,
    ) -> tuple[int, int, list[str]]:
        """The edit that adds ``block`` (list item lines, dashes at column
        ``indent``) at the end of ``section``, indented as its other items;
        the section is added at the end of the file if it is missing."""
        found = self.sections.get(section)
        items = self._items(section)
        shift = self.dash_column(section) - indent
        block = [_shifted(line, shift) for line in block]
        if found is None:
            gap = ["\n"] if self.lines and self.lines[-1].strip() else []
            end = len(self.lines)
            return end, end, [*gap, f"{section}:\n", *block]
        key, value = found
        if (
            _kind(value) == "sequence"
            and items
            and not getattr(value, "flow_style", False)
        ):
            end = self._last_line(items[-1]) + 1
            spaced = any(
                not ln.strip()
                for a, b in pairwise(items)
                for ln in self.lines[self._last_line(a) + 1 : b.start_mark.line]
            )
            return end, end, (["\n"] if spaced else []) + block
        empty = (
            _kind(value) == "scalar" and str(value.tag or "").endswith("null")
        ) or (_kind(value) == "sequence" and not items)
        if not empty:
            snippet = "".join(block)
            raise PeopleFileError(
                f"{self.path}:{key.start_mark.line + 1}: '{section}' is not a plain "
                f"list of '- ' lines, so it cannot be added to without rewriting it; "
                f"add this by hand:\n{snippet}"
            )
        # "friends:" with nothing after it, or "friends: []": the key's line
        # (and its comment, if any) is written anew.
        line = key.start_mark.line
        head = self.lines[line][: key.start_mark.column] + f"{section}:"
        if _kind(value) == "scalar":  # nothing after the key but maybe a comment
            comment = self.lines[line].partition("#")[2].rstrip("\n")
            head += f"  #{comment}" if comment else ""
            return line, line + 1, [head + "\n", *block]
        return line, self._last_line(value) + 1, [head + "\n", *block]

    def apply(self, edits: list[tuple[int, int, list[str]]]) -> str:
        """The text with each (start, end, new lines) edit made, then checked
        to read as a valid people file."""
        lines = list(self.lines)
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            lines[start:end] = new
        text = "".join(lines)
        read_people_yaml(self.path, text)
        return text


def _kind(node: Node) -> str:
    """A YAML node's kind: "mapping", "sequence" or "scalar" (ruamel.yaml
    sets it on each node class, not on the base class)."""
    return str(getattr(node, "id", ""))


def _shifted(line: str, shift: int) -> str:
    if shift > 0 and line.strip():
        return " " * shift + line
    if shift < 0 and line[:-shift].strip() == "":
        return line[-shift:]
    return line
