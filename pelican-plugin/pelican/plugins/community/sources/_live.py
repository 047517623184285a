"""The fetch contract between a live platform and the archive's scheduler.

A live type's ``plan_fetch(request)`` turns one source entry into jobs (one
per feed, listing or post); each job gets a :class:`Client` and returns an
:class:`Outcome`. The scheduler (``archive.live``) runs the jobs of every
source at once through the one fetcher, merges their outcomes and remembers
their state; a job that cannot read its answer raises :class:`SourceFailure`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Unpack

from ..dates import parse_iso, to_utc_iso
from ..model import Interaction, PostRef, SourceResult, SourceState
from . import FetchSchedule, SourceSpec

if TYPE_CHECKING:
    # The HTTP stack loads when something is fetched, not when a saved
    # file of a live type (a webmention.io export, a feed) is read.
    from ..fetcher import Fetcher, RequestOptions, Response

__all__ = [
    "MAX_SOCIAL_PAGES",
    "Client",
    "LivePlan",
    "LiveRequest",
    "Outcome",
    "SourceFailure",
    "Work",
    "combine_results",
    "is_due",
    "plan_per_post",
]

#: Upper bound on a social list's pages, so a server cannot keep us busy.
MAX_SOCIAL_PAGES = 50


class SourceFailure(Exception):
    """A live source could not be read this time; the archive is kept."""


class Client:
    """The fetcher, counting the requests one job makes."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()

    def get(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """:meth:`Fetcher.get`, counted."""
        from ..fetcher import FetchError  # loaded with the fetcher itself

        try:
            response = self.fetcher.get(url, **options)
        except FetchError as exc:
            self._count(exc.attempts or 1, False)
            raise
        self._count(response.attempts, response.not_modified)
        return response

    def _count(self, attempts: int, not_modified: bool) -> None:
        with self._lock:
            self.requests += attempts
            self.not_modified += int(not_modified)


@dataclass
class Outcome:
    """What one job brings back: records to merge and state to remember."""

    result: SourceResult | None = None  #: None: nothing new (304)
    state: SourceState = field(default_factory=dict)


Work = Callable[[Client], Outcome]


@dataclass(frozen=True)
class LiveRequest:
    """All a planner may know: its entry, its remembered state, the posts."""

    spec: SourceSpec
    source_state: SourceState
    posts: Sequence[PostRef]
    schedule: FetchSchedule
    environ: Mapping[str, str]
    now: datetime
    #: ids of the source's archived interactions (read when asked)
    archived_ids: Callable[[], set[str]]
    #: keep a secret (a token) out of every message and log line
    add_secret: Callable[[str], None]


@dataclass
class LivePlan:
    """The jobs of one source, or why it cannot run at all."""

    jobs: list[tuple[str, Work]] = field(default_factory=list)
    failure: str | None = None
    not_due: int = 0


def is_due(
    post: PostRef, last_checked: str, schedule: FetchSchedule, now: datetime
) -> bool:
    """Whether a post's replies should be fetched now, by its age.

    The first rule whose age limit the post is under gives the hours that
    must pass between checks; a post older than every limit is not checked.
    A post without a date counts as old.
    """
    published = parse_iso(post.date)
    age_days = (now - published).total_seconds() / 86400 if published else None
    for max_days, hours in schedule:
        if max_days is None or (age_days is not None and age_days < max_days):
            last = parse_iso(last_checked)
            return last is None or now - last >= timedelta(hours=hours)
    return False


def plan_per_post(
    request: LiveRequest,
    platform: str,
    fetch: Callable[[Client, SourceSpec, PostRef, str], Outcome],
) -> LivePlan:
    """One job per post that has an address on ``platform`` (its article's
    metadata) and is due by the schedule; each remembers when it checked."""
    plan = LivePlan()
    checked = request.source_state.get("checked", {})
    for post in request.posts:
        address = post.social.get(platform, "")
        if not address:
            continue
        if not is_due(post, checked.get(address, ""), request.schedule, request.now):
            plan.not_due += 1
            continue

        def work(
            client: Client, post: PostRef = post, address: str = address
        ) -> Outcome:
            outcome = fetch(client, request.spec, post, address)
            outcome.state = {"checked": {address: to_utc_iso(request.now)}}
            return outcome

        plan.jobs.append((address, work))
    return plan


def combine_results(results: Sequence[SourceResult]) -> SourceResult:
    """Several reads of one source as one (later records win on equal ids)."""
    items: dict[str, Interaction] = {}
    removed: set[str] = set()
    skipped: dict[str, int] = {}
    warnings: list[str] = []
    for result in results:
        for item in result.interactions:
            items[item.id] = item
        removed |= result.removed
        for reason, count in result.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + count
        warnings.extend(result.warnings)
    removed -= set(items)
    return SourceResult(
        tuple(items.values()),
        frozenset(removed),
        dict(sorted(skipped.items())),
        tuple(warnings),
    )
