"""Answers remembered for one computation or one read, forgotten when it ends."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Hashable
from contextvars import ContextVar, Token
from functools import update_wrapper
from types import TracebackType
from typing import Any, TypeVar, cast

__all__ = [
    "DEFAULT_LIMIT",
    "Memo",
    "SpreadTable",
    "Table",
    "active_memo",
    "remembered",
    "unremembered",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_F = TypeVar("_F", bound=Callable[[Any], Any])

#: Most tables hold one answer per distinct person, name or site: a few
#: hundred thousand at a million interactions.
DEFAULT_LIMIT = 1 << 18

#: The memo of the work under way in this thread (none: nothing remembered).
#: A new thread starts with none: the fetcher's workers open their own.
_ACTIVE: ContextVar[Memo | None] = ContextVar("community_memo", default=None)


class Table(dict[K, V]):
    """``function``'s answers, looked up as ``table[argument]``: a hit costs
    a dict look-up, a miss calls ``function`` once. Holding ``limit``
    answers, it starts again empty (a bound on memory, not a policy: the
    values that repeat are back at once)."""

    __slots__ = ("function", "limit")

    def __init__(self, function: Callable[[K], V], limit: int) -> None:
        super().__init__()
        self.function = function
        self.limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.function(key)
        return value


class SpreadTable(Table[tuple[Any, ...], V]):
    """A :class:`Table` of a function of several arguments, looked up as
    ``table[(a, b, ...)]``."""

    __slots__ = ()

    def __missing__(self, key: tuple[Any, ...]) -> V:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.function(*key)
        return value


class Memo:
    """What one piece of work remembers: one table per function, emptied
    when the ``with`` block that made it active ends (or by :meth:`forget`).

    A large archive names the same people, sites and posts on thousands of
    records: the normalizers (names, URLs, identity keys) run once per distinct
    value, not once per record. Those answers are strangers' names and
    addresses, so they live in a :class:`Memo` owned by the work that needs
    them, and die with it: nothing is kept between two builds of a
    long-running ``pelican --autoreload``, nor after a build that failed.

    - A computation makes its memo (``with Memo() as memo:``) and hands
      ``memo.table(function)`` to the steps that need it (identity, hiding):
      a plain dict looked up as ``table[value]``, the function called on a miss.
    - Functions everyone calls (``urls.safe_http_url``, a reader's cleaners)
      are :func:`remembered`: within a ``with Memo():`` block they use that
      memo's table; outside any, they simply compute.
    """

    def __init__(self) -> None:
        self._tables: dict[Callable[..., Any], Table[Any, Any]] = {}
        self._tokens: list[Token[Memo | None]] = []

    def table(
        self, function: Callable[[K], V], limit: int = DEFAULT_LIMIT
    ) -> Table[K, V]:
        """The table of ``function`` (one per memo: every step that asks
        shares it)."""
        function = _unwrapped(function)
        found = self._tables.get(function)
        if found is None:
            found = self._tables[function] = Table(function, limit)
        return found

    def spread_table(
        self, function: Callable[..., V], limit: int = DEFAULT_LIMIT
    ) -> SpreadTable[V]:
        """The table of a function of several arguments."""
        function = _unwrapped(function)
        found = self._tables.get(function)
        if found is None:
            found = self._tables[function] = SpreadTable(function, limit)
        return cast(SpreadTable[V], found)

    def forget(self, *functions: Callable[..., Any]) -> None:
        """Empty the tables of ``functions`` (of every function, if none is
        named): a step that is done makes room for the next."""
        for function in functions or tuple(self._tables):
            table = self._tables.get(_unwrapped(function))
            if table is not None:
                table.clear()

    def __len__(self) -> int:
        """How many answers the memo holds, all tables together."""
        return sum(map(len, self._tables.values()))

    def __enter__(self) -> Memo:
        self._tokens.append(_ACTIVE.set(self))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        _ACTIVE.reset(self._tokens.pop())
        if not self._tokens:
            self.forget()
            self._tables.clear()
            # The standard library's urlsplit remembers the last URLs it
            # read (strangers' addresses too): they go with the work.
            getattr(urllib.parse, "clear_cache", _nothing)()


def _nothing() -> None:
    """What to call on a Python whose urllib.parse has no cache to clear."""


def active_memo() -> Memo | None:
    """The memo of the work under way, or None outside any."""
    return _ACTIVE.get()


def remembered(limit: int = DEFAULT_LIMIT) -> Callable[[_F], _F]:
    """A function of one string whose answers the active memo keeps
    (anything but a string, or a call outside any memo, is computed)."""

    def decorate(function: _F) -> _F:
        def lookup(value: Any) -> Any:
            memo = _ACTIVE.get()
            if memo is None or type(value) is not str:
                return function(value)
            table = memo._tables.get(function)
            if table is None:
                table = memo.table(function, limit)
            return table[value]

        wrapper = update_wrapper(lookup, function)
        wrapper.__remembered__ = function  # type: ignore[attr-defined]
        return cast(_F, wrapper)

    return decorate


def unremembered(function: _F) -> _F:
    """``function`` computed on every call, whatever memo is active: for
    values that are each one of a kind (a comment's permalink), which a
    table would only fill."""
    return cast(_F, _unwrapped(function))


def _unwrapped(function: Callable[..., Any]) -> Callable[..., Any]:
    """The function a :func:`remembered` wrapper computes with (its table
    is keyed by it, so the wrapper and ``memo.table`` share one)."""
    return getattr(function, "__remembered__", function)
