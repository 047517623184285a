"""What a user must never see: private data found in pages, reports and the archive."""

from __future__ import annotations

import html
import ipaddress
import re
from pathlib import Path
from urllib.parse import unquote

from .payloads import PRIVATE_VALUES

# -- what a user must never see ------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[\w.+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
)
_HANDLE = re.compile(r"@[\w.\-]+@[\w.\-]+\.\w+")


def private_data(text: str) -> list[str]:
    """Every email address, IP address or email hash in ``text`` (also
    entity- or percent-encoded); fediverse handles are not emails."""
    found: list[str] = []
    for form in {text, html.unescape(text), unquote(html.unescape(text))}:
        form = _HANDLE.sub(" ", form)
        found += [m for m in _EMAIL_RE.findall(form)]
        found += [m for m in _IPV4_RE.findall(form) if _is_ip(m)]
        found += [
            m for m in _IPV6_CANDIDATE.findall(form) if _is_ip(m) and m.count(":") > 2
        ]
        found += [v for v in PRIVATE_VALUES if v.lower() in form.lower()]
    return sorted(set(found))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def archive_text(root: Path) -> str:
    """Every archive file, JSON strings decoded (what ``git diff`` would show)."""
    folder = root / "community-archive"
    texts = []
    for path in sorted(folder.glob("*")):
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)
