"""Fetch live sources (feeds, webmention.io, Mastodon, Bluesky) into the archive."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ..dates import to_utc_iso
from ..fetcher import Fetcher, FetchError, Response
from ..model import Interaction, PostRef, SourceResult
from ..settings import CommunitySettings, FetchSchedule, SourceSpec
from ..sources import SOURCE_TYPES, bluesky, feed, mastodon, webmention_io
from .store import Archive

logger = logging.getLogger(__name__)

#: How often webmention.io is listed in full, to drop mentions it deleted.
RECONCILE_EVERY = timedelta(days=7)
WEBMENTION_PER_PAGE = 100
#: Upper bounds on pagination, so a misbehaving server cannot keep us busy.
MAX_PAGES = 200
MAX_SOCIAL_PAGES = 50
FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1"
)

Clock = Callable[[], datetime]
#: The end of a whole feed: its root's end tag, then only comments (caching
#: plugins append "<!-- generated in 0.2 s -->") and white space.
_FEED_END = re.compile(
    rb"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>\s*(?:<!--.*?-->\s*)*\Z", re.I | re.S
)


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


def describe_report(report: FetchReport) -> str:
    """One line for a person: what a source brought, and why it failed."""
    details = [f"{report.requests} request(s)"]
    if report.not_modified:
        details.append(f"{report.not_modified} not modified")
    if report.not_due:
        details.append(f"{report.not_due} post(s) not due yet")
    withheld = f", {report.withheld} withheld" if report.withheld else ""
    line = (
        f"{report.source}: {report.new} new, {report.updated} updated, "
        f"{report.removed} removed{withheld} ({', '.join(details)})"
    )
    return f"{line}; FAILED: {report.failure}" if report.failure else line


class SourceFailure(Exception):
    """A live source could not be read this time; the archive is kept."""


def sync_live_sources(
    archive: Archive,
    settings: CommunitySettings,
    posts: Sequence[PostRef],
    *,
    progress: Any = False,
    fetcher: Fetcher | None = None,
    now: Clock | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[FetchReport]:
    """Fetch every live source and merge what it returns into ``archive``.

    Never raises for remote trouble: a source that fails logs one warning and
    leaves its archived interactions untouched. Returns one report per live
    source (none when ``settings.offline``).
    """
    specs = [spec for spec in settings.sources if _is_live(spec)]
    if settings.offline or not specs:
        return []
    clock = now or _utc_now
    started = clock()
    state = archive.read_state()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
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
    return reports


def _is_live(spec: SourceSpec) -> bool:
    return SOURCE_TYPES[spec.type].live and spec.path is None


def _utc_now() -> datetime:
    return datetime.now(UTC)


# -- plans and jobs -----------------------------------------------------------


class _Client:
    """The fetcher, counting the requests one job makes."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()

    def get(self, url: str, **kwargs) -> Response:
        try:
            response = self.fetcher.get(url, **kwargs)
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
class _Outcome:
    """What one job brings back: records to merge and state to remember."""

    result: SourceResult | None = None  #: None: nothing new (304)
    state: dict = field(default_factory=dict)


@dataclass
class _Job:
    """One unit of network work (a feed, a listing, one post's reactions)."""

    label: str
    work: Callable[[_Client], _Outcome]
    client: _Client

    def run(self) -> _Outcome:
        return self.work(self.client)


@dataclass
class _Plan:
    """The jobs of one source, or why it cannot run at all."""

    spec: SourceSpec
    jobs: list[_Job] = field(default_factory=list)
    failure: str | None = None
    not_due: int = 0


def _plan_source(
    spec: SourceSpec,
    archive: Archive,
    source_state: dict,
    posts: Sequence[PostRef],
    settings: CommunitySettings,
    fetcher: Fetcher,
    environ: Mapping[str, str],
    now: datetime,
) -> _Plan:
    plan = _Plan(spec)

    def job(label: str, work: Callable[[_Client], _Outcome]) -> None:
        plan.jobs.append(_Job(label, work, _Client(fetcher)))

    if spec.type == "feed":
        job(spec.options["url"], lambda c: _fetch_feed(c, spec, source_state))
    elif spec.type == "webmention.io":
        token = environ.get(spec.options["token_env"], "").strip()
        if not token:
            plan.failure = (
                f"no webmention.io token: set the {spec.options['token_env']} "
                "environment variable"
            )
            return plan
        fetcher.add_secret(token)
        archived = set(archive.load_source(spec.name))
        job(
            spec.options["domain"],
            lambda c: _fetch_webmentions(c, spec, token, archived, source_state, now),
        )
    elif spec.type in ("mastodon", "bluesky"):
        checked = source_state.get("checked", {})
        fetch = _fetch_mastodon_post if spec.type == "mastodon" else _fetch_bluesky_post
        for post in posts:
            address = getattr(post, spec.type)
            if not address:
                continue
            if not is_due(post, checked.get(address, ""), settings.fetch_schedule, now):
                plan.not_due += 1
                continue
            job(
                address,
                lambda c, post=post, address=address: _with_checked(
                    fetch(c, spec, post, address), address, now
                ),
            )
    return plan


def _with_checked(outcome: _Outcome, address: str, now: datetime) -> _Outcome:
    outcome.state = {"checked": {address: to_utc_iso(now)}}
    return outcome


def is_due(
    post: PostRef, last_checked: str, schedule: FetchSchedule, now: datetime
) -> bool:
    """Whether a post's replies should be fetched now, by its age.

    The first rule whose age limit the post is under gives the hours that
    must pass between checks; a post older than every limit is not checked.
    A post without a date counts as old.
    """
    published = _parse_iso(post.date)
    age_days = (now - published).total_seconds() / 86400 if published else None
    for max_days, hours in schedule:
        if max_days is None or (age_days is not None and age_days < max_days):
            last = _parse_iso(last_checked)
            return last is None or now - last >= timedelta(hours=hours)
    return False


def _parse_iso(value: str) -> datetime | None:
    iso = to_utc_iso(value) if value else ""
    return datetime.fromisoformat(iso) if iso else None


# -- feed ---------------------------------------------------------------------


def _fetch_feed(client: _Client, spec: SourceSpec, source_state: dict) -> _Outcome:
    url = spec.options["url"]
    # Validators belong to the URL that gave them (kept redacted: state.json
    # is in the archive); the feed may have moved since.
    validated = source_state.get("url") == client.fetcher.redact(url)
    response = client.get(
        url,
        headers={"Accept": FEED_ACCEPT},
        etag=source_state.get("etag", "") if validated else "",
        last_modified=source_state.get("last_modified", "") if validated else "",
    )
    if response.not_modified:
        return _Outcome()
    if response.content_type in (
        "text/html",
        "application/xhtml+xml",
    ) or _looks_like_html(response.body):
        raise SourceFailure(f"{response.safe_url}: got an HTML page instead of a feed")
    try:
        result = feed.parse_feed(response.body, spec.name, response.safe_url)
    except Exception as exc:  # the parser names what is wrong with the data
        raise SourceFailure(str(exc)) from None
    if result.warnings and not _ends_like_a_feed(response.body):
        # feedparser flags a document that is not well-formed XML and reads
        # what it can. A whole feed with one stray byte is read (its warning
        # is logged at INFO); one cut off would archive a comment half written,
        # so it is fetched again next build.
        raise SourceFailure(
            f"{response.safe_url}: the feed is not well-formed (cut off or garbled)"
        )
    # All three, empty or not: validators of another URL must not stay.
    validators = {
        "url": client.fetcher.redact(url),
        "etag": response.etag,
        "last_modified": response.last_modified,
    }
    return _Outcome(result, validators)


def _ends_like_a_feed(body: bytes) -> bool:
    """Whether the document ends with the end tag of an RSS, RDF or Atom root
    element (then only comments): it was not cut off on the way."""
    return _FEED_END.search(body[-4096:]) is not None


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


# -- webmention.io ------------------------------------------------------------


def _fetch_webmentions(
    client: _Client,
    spec: SourceSpec,
    token: str,
    archived: set[str],
    source_state: dict,
    now: datetime,
) -> _Outcome:
    """Fetch new mentions (``since_id``: the newest archived one); once a
    week, list everything and drop archived mentions webmention.io no longer
    has. Only a complete listing (read up to an empty page) may remove
    anything: a page may come back short with more pages after it."""
    numeric = [int(item_id) for item_id in archived if item_id.isdigit()]
    last_full = _parse_iso(source_state.get("last_full", ""))
    full = not numeric or last_full is None or now - last_full >= RECONCILE_EVERY
    params: dict[str, str | int] = {
        "domain": spec.options["domain"],
        "token": token,
        "per-page": WEBMENTION_PER_PAGE,
    }
    if not full:
        params["since_id"] = max(numeric)
    url = spec.options["endpoint"].rstrip("/") + "/api/mentions.jf2"
    entries: list = []
    complete = False
    for page in range(MAX_PAGES):
        data = client.get(url, params={**params, "page": page}).json()
        children = data.get("children") if isinstance(data, dict) else None
        if not isinstance(children, list):
            raise SourceFailure(
                f"{client.fetcher.redact(url)}: not a webmention.io JF2 answer "
                "(no 'children' list)"
            )
        if not children:
            complete = True
            break
        entries.extend(children)
    result = webmention_io.parse_jf2_entries(entries, spec.name)
    state: dict = {}
    if not complete:
        # A huge site, or a server whose pages never end: keep what was read
        # (the archive only grows) and remove nothing.
        logger.warning(
            "community: %s: webmention.io listed more than %d pages; kept the "
            "%d mention(s) read and removed none (the listing is not complete)",
            spec.name,
            MAX_PAGES,
            len(result.interactions),
        )
        # A full listing is as full as it gets: due again in a week. After an
        # incremental one, the next since_id would skip what lies below the
        # cut for good: list everything next time instead.
        state["last_full"] = to_utc_iso(now) if full else ""
    elif full:
        listed = {str(e.get("wm-id")) for e in entries if isinstance(e, dict)}
        if entries or not archived:
            gone = archived - listed
            result = replace(result, removed=result.removed | frozenset(gone))
            state["last_full"] = to_utc_iso(now)
        else:
            logger.info(
                "community: %s: webmention.io listed nothing; kept %d archived "
                "mention(s)",
                spec.name,
                len(archived),
            )
    return _Outcome(result, state)


# -- Mastodon -----------------------------------------------------------------


def _fetch_mastodon_post(
    client: _Client, spec: SourceSpec, post: PostRef, address: str
) -> _Outcome:
    status = mastodon.parse_status_url(address)
    if status is None:
        raise SourceFailure(f"{post.slug}: {address!r} is not a Mastodon status URL")
    try:
        context = client.get(status.api("context")).json()
        results = [mastodon.parse_context(context, status, spec.name, post.url)]
        for kind, endpoint in (("like", "favourited_by"), ("repost", "reblogged_by")):
            for page in _link_pages(client, status.api(endpoint), status.base):
                results.append(
                    mastodon.parse_accounts(page, kind, status, spec.name, post.url)
                )
    except ValueError as exc:
        raise SourceFailure(f"{status.url}: unexpected answer ({exc})") from None
    return _Outcome(combine_results(results))


def _link_pages(client: _Client, url: str, origin: str) -> Iterator[object]:
    """Each page of a list that paginates with ``Link: <...>; rel="next"``."""
    response = client.get(url, params={"limit": 80})
    for _page in range(MAX_SOCIAL_PAGES):
        yield response.json()
        next_url = response.link("next")
        if not next_url:
            return
        # The next URL comes from the server: same instance, or a public address.
        response = client.get(next_url, untrusted=True, trusted_origin=origin)


# -- Bluesky ------------------------------------------------------------------


def _fetch_bluesky_post(
    client: _Client, spec: SourceSpec, post: PostRef, address: str
) -> _Outcome:
    ref = bluesky.parse_post_ref(address)
    if ref is None:
        raise SourceFailure(f"{post.slug}: {address!r} is not a Bluesky post URL")
    xrpc = spec.options["appview"].rstrip("/") + "/xrpc/"
    try:
        did = ref.actor
        if ref.needs_resolving:
            answer = client.get(
                xrpc + "com.atproto.identity.resolveHandle",
                params={"handle": ref.actor},
            )
            did = bluesky.resolved_did(answer.json())
        uri = ref.at_uri(did)
        thread = client.get(
            xrpc + "app.bsky.feed.getPostThread",
            params={"uri": uri, "depth": 100, "parentHeight": 0},
        ).json()
        results = [bluesky.parse_thread(thread, spec.name, post.url)]
        for kind, method in (("like", "getLikes"), ("repost", "getRepostedBy")):
            for page in _cursor_pages(client, xrpc + "app.bsky.feed." + method, uri):
                results.append(
                    bluesky.parse_actors(page, kind, uri, spec.name, post.url)
                )
    except ValueError as exc:
        raise SourceFailure(f"{address}: unexpected answer ({exc})") from None
    return _Outcome(combine_results(results))


def _cursor_pages(client: _Client, url: str, uri: str) -> Iterator[object]:
    """Each page of an XRPC list that paginates with ``cursor``."""
    cursor = ""
    for _page in range(MAX_SOCIAL_PAGES):
        params: dict[str, str | int] = {"uri": uri, "limit": 100}
        if cursor:
            params["cursor"] = cursor
        data = client.get(url, params=params).json()
        yield data
        new_cursor = bluesky.next_cursor(data)
        if not new_cursor or new_cursor == cursor:
            return
        cursor = new_cursor


# -- merging ------------------------------------------------------------------


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


def _finish_source(
    plan: _Plan,
    outcomes: list[_Outcome | BaseException],
    archive: Archive,
    state: dict[str, dict],
    fetcher: Fetcher,
) -> FetchReport:
    """Merge what succeeded, remember it in ``state``, warn once on failures."""
    spec = plan.spec
    problems = [plan.failure] if plan.failure else []
    good: list[_Outcome] = []
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
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
    )
    if failure:
        first_error = next((o for o in outcomes if isinstance(o, BaseException)), None)
        logger.warning(
            "community: %s: %s; the archive keeps what it had",
            spec.name,
            failure,
            exc_info=_traceback(first_error),
        )
    else:
        logger.info("community: %s", describe_report(report))
    return report


def _update_state(source_state: dict, update: dict) -> None:
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
            f"{len(problems)} of {len(plan.jobs)} post(s) could not be fetched "
            f"(first: {first})"
        )
    return first


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FetchError | SourceFailure):
        return str(exc)
    if isinstance(exc, ValueError):
        return f"unexpected answer ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _traceback(exc: BaseException | None):
    if exc is None or not logger.isEnabledFor(logging.DEBUG):
        return None
    return (type(exc), exc, exc.__traceback__)
