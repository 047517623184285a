"""The one date parser: every source's timestamps become ISO 8601 in UTC."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

__all__ = [
    "month_year",
    "parse_iso",
    "to_utc_iso",
]


def to_utc_iso(value: object) -> str:
    """Return ``value`` as ``YYYY-MM-DDTHH:MM:SS+00:00``, or "" if unknown.

    Accepts datetimes, ``time.struct_time`` (feedparser), epoch seconds,
    ISO 8601 (with ``Z`` or an offset), RFC 822 and WordPress's
    ``YYYY-MM-DD HH:MM:SS``. A time without a zone is taken as UTC.
    """
    dt = _parse(value)
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        dt = dt.astimezone(UTC).replace(microsecond=0)
    except OverflowError:  # year 1 or 9999 shifted past the calendar's ends
        return ""
    if not 1990 <= dt.year <= 2200:
        return ""
    return dt.isoformat()


def _parse(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, time.struct_time):
        try:
            return datetime(*value[:6], tzinfo=UTC)
        except (ValueError, OverflowError):  # feedparser's year -1, month 0...
            return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def month_year(iso: str) -> str:
    """``2013-03-04T...`` as ``March 2013`` (for human-readable reasons)."""
    if not iso:
        return ""
    # Many people share a month: each is spelled once.
    dt = datetime.fromisoformat(iso)
    return _month_name_and_year(dt.year, dt.month)


@lru_cache(maxsize=4096)
def _month_name_and_year(year: int, month: int) -> str:
    return datetime(year, month, 1).strftime("%B %Y")


def parse_iso(value: str) -> datetime | None:
    """A datetime in UTC from any date :func:`to_utc_iso` reads, or None."""
    iso = to_utc_iso(value) if value else ""
    return datetime.fromisoformat(iso) if iso else None
