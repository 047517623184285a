"""``pelican-community``: report, check and fetch without building the site."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Sequence

from .archive.live import describe_report, sync_live_sources
from .archive.store import Archive
from .errors import CommunityError
from .names import name_key
from .pelican_site import read_posts, read_site
from .people.find import AmbiguousPerson, find_person
from .people.roles import ROLES
from .pipeline import build_community, collect_interactions, load_people
from .views.community import Community
from .views.compute import compute_with_identities
from .views.suggestions import suggest_edits

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pelican-community",
        description="See the community around a Pelican blog without building it.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser("report", help="show who is who (a table, or --json)")
    report.add_argument("--json", action="store_true", help="print the JSON report")
    commands.add_parser(
        "check", help="validate settings and people file, suggest edits"
    )
    commands.add_parser(
        "fetch", help="sync live sources into the archive, without building"
    )
    forget = commands.add_parser(
        "forget", help="erase a person's interactions from the archive for good"
    )
    forget.add_argument("who", help="the person's name, URL or handle")
    forget.add_argument(
        "--dry-run", action="store_true", help="say what would be erased, erase nothing"
    )
    for sub in commands.choices.values():
        sub.add_argument(
            "-s",
            "--settings",
            default="pelicanconf.py",
            help="the site's pelicanconf.py",
        )
    return parser


def _table(community: Community) -> str:
    rows = [("NAME", "ROLE", "POSTS", "COMMENTS", "MENTIONS", "REACTIONS", "LAST SEEN")]
    for p in community.people:
        c = p.counts
        rows.append(
            (
                p.name,
                p.role,
                str(p.conversation_posts),
                str(c["comment"]),
                str(c["mention"]),
                str(c["like"] + c["repost"] + c["bookmark"]),
                (p.last_seen or "")[:10],
            )
        )
    widths = [min(max(len(r[i]) for r in rows), 40) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell[:40].ljust(w) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]
    summary = ", ".join(f"{len(community.by_role(role))} {role}" for role in ROLES)
    lines.append("")
    lines.append(
        f"{len(community.people)} people: {summary}; {community.unmatched} unmatched"
    )
    return "\n".join(lines)


def _report(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    community = build_community(cs, read_posts(settings), read_only=True)
    sys.stdout.write(community.json_text() if args.json else _table(community) + "\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    people_file = load_people(cs)
    print(f"settings: ok ({len(cs.sources)} source(s))")
    where = cs.people_file if cs.people_file.exists() else "none yet"
    print(f"people file: ok ({where})")
    posts = read_posts(settings)
    items = collect_interactions(cs, posts, read_only=True)
    computed = compute_with_identities(items, people_file, posts, cs.regular_min_posts)
    print(f"archive: {len(items)} interaction(s) in {cs.archive_path}")
    suggestions = suggest_edits(computed, items, people_file, posts)
    if not suggestions:
        print("no suggestions: everything looks in order")
    for line in suggestions:
        print(line)
    return 0


def _fetch(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    live = [spec for spec in cs.sources if spec.path is None]
    if not live:
        print("no live sources in COMMUNITY_SOURCES: nothing to fetch")
        return 0
    if cs.offline:
        print(
            "offline (COMMUNITY_OFFLINE or PELICAN_COMMUNITY_OFFLINE): nothing fetched"
        )
        return 0
    reports = sync_live_sources(
        Archive(cs.archive_path), cs, read_posts(settings), progress=sys.stderr.isatty()
    )
    for report in reports:
        print(describe_report(report))
    failed = [r.source for r in reports if r.failure]
    new = sum(r.new for r in reports)
    print(
        f"{new} new interaction(s) from {len(reports)} source(s)"
        + (
            f"; {len(failed)} failed ({', '.join(failed)}), the archive kept all it had"
            if failed
            else ""
        )
    )
    return 0


def _forget(args: argparse.Namespace) -> int:
    _settings, cs = read_site(args.settings)
    people_file = load_people(cs)
    archive = Archive(cs.archive_path)
    try:
        match = find_person(args.who, archive.load(), people_file)
    except AmbiguousPerson as exc:
        print(
            f"pelican-community: {len(exc.names)} people match {args.who!r}: "
            f"{'; '.join(exc.names)}. Give their URL or handle instead.",
            file=sys.stderr,
        )
        return 1
    if match is None:
        print(
            f"pelican-community: no one in the archive matches {args.who!r}",
            file=sys.stderr,
        )
        return 1
    by_source = Counter(item.source for item in match.items)
    detail = ", ".join(f"{n} from {source}" for source, n in sorted(by_source.items()))
    if args.dry_run:
        print(
            f"would erase {len(match.items)} interaction(s) of {match.name}: {detail}"
        )
        return 0
    erased = archive.forget({(item.source, item.id) for item in match.items})
    print(f"erased {len(erased)} interaction(s) of {match.name}: {detail}")
    print(
        "they will not be archived again, even if a source still has them; "
        "rebuild the site to update the pages"
    )
    if any(name_key(args.who) in map(name_key, e.names) for e in people_file.entries):
        print(f"remove their entry from {cs.people_file} too")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pelican-community`` command."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    handlers = {
        "report": _report,
        "check": _check,
        "fetch": _fetch,
        "forget": _forget,
    }
    try:
        return handlers[args.command](args)
    except CommunityError as exc:
        print(f"pelican-community: error: {exc}", file=sys.stderr)
        return exc.exitcode


if __name__ == "__main__":
    raise SystemExit(main())
