"""Malformed files: binary, truncated, wrong encodings, YAML bombs, per source."""

from __future__ import annotations

import json
import re

import yaml

from .comments import WRITERS, Fields

# -- malformed files -------------------------------------------------------------

_LATIN1_NAME = "Zoë Ünal"
_YAML_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
    f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
    for n in range(8)
)
_BINARY = bytes(range(256)) * 8


#: Each local source's file type: which malformations apply.
FILE_KINDS = {
    "wordpress": "xml",
    "feed": "xml",
    "disqus": "xml",
    "blogger": "xml",
    "webmention.io": "json",
    "commento": "json",
    "staticman": "json yaml",
    "pelican-comment-system": "markdown",
}
COMMON_CASES = (
    "truncated",
    "latin-1-declared-utf-8",
    "utf-16-without-bom",
    "utf-16-with-bom",
    "empty",
    "only-whitespace",
    "stray-byte-before-the-start",
    "nul-bytes-inside",
    "binary-garbage",
    "cut-in-a-multibyte-character",
)
#: XML declarations naming an encoding no parser can use: bytes that are
#: not UTF-8, a NUL, codecs expat cannot take (multi-byte, or no character
#: set at all) and names nobody knows. Case name -> the declared encoding.
BAD_DECLARED_ENCODINGS = {
    "declares-byte-0x80": "\x80",
    "declares-nul": "\x00",
    "declares-utf-32": "utf-32",
    "declares-utf-7": "utf-7",
    "declares-shift-jis": "shift_jis",
    "declares-idna": "idna",
    "declares-punycode": "punycode",
    "declares-undefined": "undefined",
    "declares-rot13": "rot13",
    "declares-unknown": "x-mac-nonsense",
}
#: More digits than Python converts to an int (sys.get_int_max_str_digits()).
LONG_INTEGER = "7" * 5_000
#: Unquoted YAML dates that look like timestamps but are no day of the calendar.
IMPOSSIBLE_YAML_DATES = {
    "yaml-impossible-day": "2020-02-30",
    "yaml-impossible-month": "2020-13-45",
    "yaml-impossible-hour": "2020-01-02 25:61:00",
}
KIND_CASES = {
    "xml": ("json-instead-of-xml", "bom-then-stray-bytes", *BAD_DECLARED_ENCODINGS),
    "json": (
        "nested-too-deeply",
        "a-number-not-an-object",
        "xml-instead-of-json",
        "integer-too-long",
    ),
    "yaml": (
        "yaml-truncated",
        "yaml-python-tag",
        "yaml-alias-bomb",
        "yaml-nested-too-deeply",
        "yaml-list-not-mapping",
        "yaml-integer-too-long",
        *IMPOSSIBLE_YAML_DATES,
    ),
    "markdown": ("no-metadata",),
}


def declaring_encoding(document: bytes, encoding: str) -> bytes:
    """``document`` with its XML declaration naming ``encoding``."""
    return re.sub(
        rb'encoding="[^"]*"',
        b'encoding="' + encoding.encode("latin-1") + b'"',
        document,
        count=1,
    )


def malformed_cases(source: str) -> tuple[str, ...]:
    kinds = FILE_KINDS[source].split()
    return COMMON_CASES + tuple(c for kind in kinds for c in KIND_CASES[kind])


def write_malformed(site, source: str, case: str) -> dict:
    """Write a broken one-comment ``source`` file into ``site``; return the
    COMMUNITY_SOURCES entry that reads it."""
    specs = WRITERS[source](site, [Fields(id="m1", name=_LATIN1_NAME)])
    root = site.root / specs[0]["path"]
    path = (
        root
        if root.is_file()
        else next(p for p in sorted(root.rglob("*")) if p.is_file())
    )
    good = path.read_bytes()
    text = good.decode("utf-8")
    if case.startswith("yaml-"):
        path.unlink()
        path = path.with_suffix(".yml")
        good = yaml.safe_dump(json.loads(text), allow_unicode=True).encode()
    if case in BAD_DECLARED_ENCODINGS:
        path.write_bytes(declaring_encoding(good, BAD_DECLARED_ENCODINGS[case]))
        return {**specs[0], "malformed": str(path.relative_to(site.root))}
    if case in IMPOSSIBLE_YAML_DATES:
        date = IMPOSSIBLE_YAML_DATES[case].encode()
        path.write_bytes(re.sub(rb"(?m)^date: .*$", b"date: " + date, good))
        return {**specs[0], "malformed": str(path.relative_to(site.root))}
    data = {
        "truncated": lambda: good[: int(len(good) * 0.6)],
        "latin-1-declared-utf-8": lambda: text.encode("latin-1", "replace"),
        "utf-16-without-bom": lambda: text.encode("utf-16-le"),
        "utf-16-with-bom": lambda: b"\xff\xfe" + text.encode("utf-16-le"),
        "empty": lambda: b"",
        "only-whitespace": lambda: b" \n\t\n",
        "stray-byte-before-the-start": lambda: b"x" + good,
        "nul-bytes-inside": lambda: good.replace(b"Zo", b"Z\x00o", 1),
        "binary-garbage": lambda: _BINARY,
        "cut-in-a-multibyte-character": lambda: good[: good.index("ë".encode()) + 1],
        "json-instead-of-xml": lambda: b'{"comments": []}',
        "bom-then-stray-bytes": lambda: b"\xef\xbb\xbf\x00\x01" + good,
        "nested-too-deeply": lambda: b"[" * 100_000 + b"]" * 100_000,
        "a-number-not-an-object": lambda: b"42",
        "xml-instead-of-json": lambda: b'<?xml version="1.0"?><rss/>',
        "integer-too-long": lambda: good.replace(
            b"{", b'{"n": ' + LONG_INTEGER.encode() + b", ", 1
        ),
        "yaml-integer-too-long": lambda: b"n: " + LONG_INTEGER.encode() + b"\n" + good,
        "yaml-truncated": lambda: good[: int(len(good) * 0.6)] + b": [",
        "yaml-python-tag": lambda: b'!!python/object/apply:os.system ["echo pwned"]\n',
        "yaml-alias-bomb": lambda: _YAML_BOMB.encode(),
        "yaml-nested-too-deeply": lambda: b"[" * 100_000,
        "yaml-list-not-mapping": lambda: b"- a\n- b\n",
        "no-metadata": lambda: b"Just words, no author or date.\n",
    }[case]()
    path.write_bytes(data)
    return {**specs[0], "malformed": str(path.relative_to(site.root))}
