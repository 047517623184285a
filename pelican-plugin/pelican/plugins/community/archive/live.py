"""Fetching the live sources into the archive: the scheduler only.

Each live platform plans its own jobs beside its parser (``sources``); this
module runs every source's jobs at once through the one fetcher, merges what
succeeded into the archive, remembers each source's state and reports.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

from .. import fetcher as fetching
from ..fetcher import BudgetSpent, Fetcher, FetchError
from ..memo import Memo
from ..model import PostRef, SourceState
from ..progress import ProgressWanted
from ..settings import CommunitySettings
from ..sources import SOURCE_TYPES, SourceSpec
from ..sources._live import (
    Client,
    LivePlan,
    LiveRequest,
    Outcome,
    SourceFailure,
    Work,
    combine_results,
)
from ..words import counted
from .store import Archive

__all__ = [
    "Clock",
    "FetchReport",
    "describe_report",
    "sync_live_sources",
]

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class FetchReport:
    """What one live source did in this sync."""

    source: str
    new: int = 0
    updated: int = 0
    removed: int = 0
    requests: int = 0
    not_modified: int = 0
    failure: str | None = None  #: why (part of) the source failed, or None
    checked: int = 0  #: posts (or feeds, listings) fetched
    not_due: int = 0  #: posts skipped because they were checked recently
    withheld: int = 0  #: interactions the platform says must not be shown
    cut_short: int = 0  #: jobs the fetch budget stopped (fetched next time)


def describe_report(report: FetchReport) -> str:
    """One line for a person: what a source brought, and why it failed."""
    details = [counted(report.requests, "request")]
    if report.not_modified:
        details.append(f"{report.not_modified} not modified")
    if report.not_due:
        details.append(f"{counted(report.not_due, 'post')} not due yet")
    if report.cut_short:
        details.append(f"{report.cut_short} cut short by the fetch budget")
    withheld = f", {report.withheld} withheld" if report.withheld else ""
    line = (
        f"{report.source}: {report.new} new, {report.updated} updated, "
        f"{report.removed} removed{withheld} ({', '.join(details)})"
    )
    return f"{line}; FAILED: {report.failure}" if report.failure else line


def sync_live_sources(
    archive: Archive,
    settings: CommunitySettings,
    posts: Sequence[PostRef],
    *,
    progress: ProgressWanted = False,
    fetcher: Fetcher | None = None,
    now: Clock | None = None,
    environ: Mapping[str, str] | None = None,
    budget: float | None = None,
) -> list[FetchReport]:
    """Fetch every live source and merge what it returns into ``archive``.

    Never raises for remote trouble: a source that fails logs one warning and
    leaves its archived interactions untouched. With a ``budget`` (seconds),
    every request ends within it: what came back in time is merged, what was
    cut short stays due, and one warning names the sources cut short.
    Returns one report per live source (none when ``settings.offline``).
    """
    specs = [spec for spec in settings.sources if spec.is_live]
    if settings.offline or not specs:
        return []
    clock = now or _utc_now
    started = clock()
    state = archive.read_state()
    own_fetcher = fetcher is None
    # The fetcher module's Fetcher as it is now (a test gives it fast limits).
    fetcher = fetcher or fetching.Fetcher()
    if budget is not None:
        fetcher.limit_to(budget)
    environ = os.environ if environ is None else environ
    try:
        plans = [
            _plan_source(
                spec,
                archive,
                state.get(spec.name, {}),
                posts,
                settings,
                fetcher,
                environ,
                started,
            )
            for spec in specs
        ]
        jobs = [job for plan in plans for job in plan.jobs]
        outcomes = fetcher.run_all(
            [job.run for job in jobs],
            description="Fetching comments",
            progress=progress,
        )
        in_order = iter(outcomes)
        reports = [
            _finish_source(
                plan, [next(in_order) for _ in plan.jobs], archive, state, fetcher
            )
            for plan in plans
        ]
        archive.write_state(state)
    finally:
        if own_fetcher:
            fetcher.close()
        if budget is not None:
            fetcher.limit_to(None)
    cut = [report.source for report in reports if report.cut_short]
    if cut:
        logger.warning(
            "community: the fetch budget (%g s, COMMUNITY_FETCH_BUDGET) ran out: "
            "%s cut short; the build goes on with the archive, and what was not "
            "fetched is fetched next time",
            budget,
            ", ".join(cut),
        )
    return reports


def _utc_now() -> datetime:
    return datetime.now(UTC)


# -- plans and jobs -----------------------------------------------------------


@dataclass
class _Job:
    """One unit of network work (a feed, a listing, one post's reactions)."""

    label: str
    work: Work
    client: Client

    def run(self) -> Outcome:
        # What the job remembers (names, addresses) dies with it.
        with Memo():
            return self.work(self.client)


@dataclass
class _Plan:
    """The jobs of one source, each with its own counting client."""

    spec: SourceSpec
    jobs: list[_Job] = field(default_factory=list)
    failure: str | None = None
    not_due: int = 0


def _plan_source(
    spec: SourceSpec,
    archive: Archive,
    source_state: SourceState,
    posts: Sequence[PostRef],
    settings: CommunitySettings,
    fetcher: Fetcher,
    environ: Mapping[str, str],
    now: datetime,
) -> _Plan:
    plan_fetch = SOURCE_TYPES[spec.type].plan_fetch
    assert plan_fetch is not None  # only live types are planned
    live: LivePlan = plan_fetch(
        LiveRequest(
            spec=spec,
            source_state=source_state,
            posts=posts,
            schedule=settings.fetch_schedule,
            environ=environ,
            now=now,
            archived_ids=lambda: set(archive.load_source(spec.name)),
            add_secret=fetcher.add_secret,
        )
    )
    jobs = [_Job(label, work, Client(fetcher)) for label, work in live.jobs]
    return _Plan(spec, jobs, live.failure, live.not_due)


# -- merging ------------------------------------------------------------------


def _finish_source(
    plan: _Plan,
    outcomes: list[Outcome | BaseException],
    archive: Archive,
    state: dict[str, SourceState],
    fetcher: Fetcher,
) -> FetchReport:
    """Merge what succeeded, remember it in ``state``, warn once on failures."""
    spec = plan.spec
    problems = [plan.failure] if plan.failure else []
    good: list[Outcome] = []
    cut_short = 0
    for outcome in outcomes:
        if isinstance(outcome, BudgetSpent):
            cut_short += 1  # said once for every source, by the caller
        elif isinstance(outcome, BaseException):
            problems.append(_reason(outcome))
        else:
            good.append(outcome)
    results = [o.result for o in good if o.result is not None]
    new = updated = removed = withheld = 0
    if results:
        combined = combine_results(results)
        for warning in combined.warnings:
            logger.info("community: %s: %s", spec.name, warning)
        stats = archive.merge(spec.name, combined)
        new, updated, removed = stats.added, stats.updated, stats.removed
        withheld = stats.withheld
    source_state = dict(state.get(spec.name, {}))
    source_state["type"] = spec.type
    for outcome in good:
        _update_state(source_state, outcome.state)
    state[spec.name] = source_state
    failure = _failure_message(plan, problems, fetcher) if problems else None
    report = FetchReport(
        source=spec.name,
        new=new,
        updated=updated,
        removed=removed,
        requests=sum(job.client.requests for job in plan.jobs),
        not_modified=sum(job.client.not_modified for job in plan.jobs),
        failure=failure,
        checked=len(good),
        not_due=plan.not_due,
        withheld=withheld,
        cut_short=cut_short,
    )
    if failure:
        first_error = next(
            (
                o
                for o in outcomes
                if isinstance(o, BaseException) and not isinstance(o, BudgetSpent)
            ),
            None,
        )
        logger.warning(
            "community: %s: %s; the archive keeps what it had",
            spec.name,
            failure,
            exc_info=_traceback(first_error),
        )
    else:
        logger.info("community: %s", describe_report(report))
    return report


def _update_state(source_state: SourceState, update: SourceState) -> None:
    for key, value in update.items():
        if isinstance(value, dict):
            merged = dict(source_state.get(key) or {})
            merged.update(value)
            source_state[key] = dict(sorted(merged.items()))
        else:
            source_state[key] = value


def _failure_message(plan: _Plan, problems: list[str], fetcher: Fetcher) -> str:
    first = fetcher.redact(problems[0])
    if plan.spec.type in ("mastodon", "bluesky") and not plan.failure:
        return (
            f"{len(problems)} of {counted(len(plan.jobs), 'post')} could not be "
            f"fetched (first: {first})"
        )
    return first


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FetchError | SourceFailure):
        return str(exc)
    if isinstance(exc, ValueError):
        return f"unexpected answer ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _traceback(
    exc: BaseException | None,
) -> tuple[type[BaseException], BaseException, TracebackType | None] | None:
    if exc is None or not logger.isEnabledFor(logging.DEBUG):
        return None
    return (type(exc), exc, exc.__traceback__)
