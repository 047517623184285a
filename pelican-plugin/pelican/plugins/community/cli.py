"""``pelican-community``: report, check, fetch and the author's desk, without
building the site; pin and hide people in community.yaml."""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import sys
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .archive.live import describe_report, sync_live_sources
from .archive.lock import ArchiveBusy, hold_archive
from .archive.store import Archive
from .cache import CACHE_DIR
from .desk_output import desk_html, is_inside, print_desk
from .errors import CommunityError, SettingsError
from .model import Interaction
from .names import name_key, slugify_name
from .pelican_site import read_posts, read_site
from .people.find import AmbiguousPerson, find_identity, find_person, names_like
from .people.identity import Identity, merge_identities
from .people.people_edit import entry_for, hide_in_text, hide_rules_for, pin_in_text
from .people.roles import ROLES
from .photos import PHOTOS_DIR, forget_photos
from .pipeline import load_people, look
from .storage import write_atomically
from .views.community import Community
from .views.desk import compute_desk, newest_interaction
from .views.suggestions import suggest_edits
from .words import counted

__all__ = [
    "build_parser",
    "main",
]

logger = logging.getLogger(__name__)


#: Each subcommand: (one-line help, description, example).
_COMMANDS = {
    "report": (
        "show who is who (a table, or --json)",
        "Read the sources, the archive and the articles, and show every person "
        "with their role, posts, comments, mentions and reactions. Nothing is "
        "written and nothing is fetched.",
        "pelican-community report -s pelicanconf.py --json > community.json",
    ),
    "check": (
        "validate settings and people file, suggest edits",
        "Validate the COMMUNITY_* settings and the people file, then suggest "
        "edits: regulars you have not pinned, names that look like one person, "
        "interactions that match no post. Nothing is written.",
        "pelican-community check -s pelicanconf.py",
    ),
    "fetch": (
        "sync live sources into the archive, without building",
        "Fetch the live sources (comment feeds, webmention.io, Mastodon, "
        "Bluesky) whose posts are due, and merge what they bring into the "
        "archive. A failing source leaves the archive as it was; exit status "
        "stays 0. Unlike a build (COMMUNITY_FETCH_BUDGET), it takes the time it "
        "needs unless given --budget.",
        "pelican-community fetch -s pelicanconf.py",
    ),
    "forget": (
        "erase a person's interactions from the archive for good",
        "Erase every interaction of one person (merged as on the site) from the "
        "archive, and keep them from coming back on the next import or fetch.",
        "pelican-community forget --dry-run '@someone@example.social'",
    ),
    "desk": (
        "your private desk: whom to answer, who went quiet, who to pin",
        "Show what waits for your reply, the first-timers to welcome, the "
        "friends and regulars gone quiet, the people coming back (with the "
        "community.yaml entry to paste) and the circle in numbers per year. "
        "In the terminal, or with --html as one page outside OUTPUT_PATH. "
        "Private: nothing of it is published. Nothing is fetched.",
        "pelican-community desk -s pelicanconf.py --html",
    ),
    "pin": (
        "pin someone as a friend in community.yaml",
        "Add the person under friends: in community.yaml with every URL and "
        "handle they were seen with (or move their people: entry there), "
        "touching nothing else in the file.",
        "pelican-community pin --dry-run '@someone@example.social'",
    ),
    "hide": (
        "hide someone from every page, in community.yaml",
        "Add hide rules for every URL and handle the person was seen with "
        "(their name when nothing else is known), touching nothing else in "
        "the file.",
        "pelican-community hide --dry-run 'https://spam.example/'",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (the manual's CLI reference is made from it)."""
    parser = argparse.ArgumentParser(
        prog="pelican-community",
        description="See the community around a Pelican blog without building it.",
        epilog="Run 'pelican-community COMMAND --help' for each command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subs = {}
    for name, (summary, description, example) in _COMMANDS.items():
        subs[name] = commands.add_parser(
            name,
            help=summary,
            description=textwrap.fill(description, 79),
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    subs["report"].add_argument(
        "--json", action="store_true", help="print the JSON report"
    )
    subs["fetch"].add_argument(
        "--budget",
        type=_seconds,
        metavar="SECONDS",
        help="stop fetching after this long; what was not fetched stays due "
        "(default: no limit)",
    )
    forget = subs["forget"]
    forget.add_argument("who", nargs="?", help="the person's name, URL or handle")
    forget.add_argument(
        "--source",
        metavar="NAME",
        help="instead: erase the archive of a source no longer in COMMUNITY_SOURCES",
    )
    forget.add_argument(
        "--dry-run", action="store_true", help="say what would be erased, erase nothing"
    )
    desk = subs["desk"]
    desk.add_argument(
        "--html",
        nargs="?",
        const="",
        metavar="PATH",
        help="write it as one HTML page instead (default: in your cache "
        "folder, ~/.cache/pelican-community/, outside the site)",
    )
    desk.add_argument(
        "--now",
        metavar="YYYY-MM-DD",
        help="the day to look from ('today'; default: the newest interaction)",
    )
    for name in ("pin", "hide"):
        subs[name].add_argument("who", help="the person's name, URL or handle")
        subs[name].add_argument(
            "--dry-run", action="store_true", help="print the change, write nothing"
        )
    for sub in subs.values():
        sub.add_argument(
            "-s",
            "--settings",
            default="pelicanconf.py",
            help="the site's pelicanconf.py (default: %(default)s)",
        )
    return parser


def _version() -> str:
    try:
        return metadata.version("pelican-community")
    except metadata.PackageNotFoundError:  # run from a source tree
        return "unknown"


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
                str(c["like"] + c["repost"] + c["share"] + c["bookmark"]),
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
    summary = ", ".join(counted(len(community.by_role(role)), role) for role in ROLES)
    lines.append("")
    lines.append(
        f"{counted(len(community.people), 'person')}: {summary}; "
        f"{community.unmatched} unmatched"
    )
    return "\n".join(lines)


def _reading_bar(args: argparse.Namespace) -> bool:
    """Whether a large export read by a command shows a bar of its bytes
    read (on stderr): only for a person at a terminal, and never beside the
    JSON report, which a script reads."""
    return sys.stderr.isatty() and not getattr(args, "json", False)


def _report(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    community = look(cs, read_posts(settings), _reading_bar(args)).community
    sys.stdout.write(
        community.json_text(for_author=True) if args.json else _table(community) + "\n"
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    print(f"settings: ok ({counted(len(cs.sources), 'source')})")
    posts = read_posts(settings)
    seen = look(cs, posts, _reading_bar(args))
    where = cs.people_file if cs.people_file.exists() else "none yet"
    print(f"people file: ok ({where})")
    print(f"archive: {counted(len(seen.items), 'interaction')} in {cs.archive_path}")
    suggestions = suggest_edits(
        seen.computed, seen.items, seen.people_file, posts, root=cs.root
    )
    if not suggestions:
        print("no suggestions: everything looks in order")
    for line in suggestions:
        print(line)
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds above 0: {text!r}")
    return value


def _fetch(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    live = [spec for spec in cs.sources if spec.is_live]
    if not live:
        print("no live sources in COMMUNITY_SOURCES: nothing to fetch")
        return 0
    if cs.offline:
        print(
            "offline (COMMUNITY_OFFLINE or PELICAN_COMMUNITY_OFFLINE): nothing fetched"
        )
        return 0
    posts = read_posts(settings)
    try:
        with hold_archive(cs.archive_path):
            reports = sync_live_sources(
                Archive(cs.archive_path),
                cs,
                posts,
                progress=sys.stderr.isatty(),
                budget=args.budget,
            )
    except ArchiveBusy as busy:
        print(f"pelican-community: {busy}; nothing fetched", file=sys.stderr)
        return 1
    for report in reports:
        print(describe_report(report))
    failed = [r.source for r in reports if r.failure]
    new = sum(r.new for r in reports)
    print(
        f"{counted(new, 'new interaction')} from {counted(len(reports), 'source')}"
        + (
            f"; {len(failed)} failed ({', '.join(failed)}), the archive kept all it had"
            if failed
            else ""
        )
    )
    return 0


def _forget(args: argparse.Namespace) -> int:
    if (args.who is None) == (args.source is None):
        print(
            "pelican-community: forget takes a person, or --source NAME",
            file=sys.stderr,
        )
        return 2
    if args.source is not None:
        return _forget_source(args)
    settings, cs = read_site(args.settings)
    people_file = load_people(cs)
    archive = Archive(cs.archive_path)
    try:
        match = find_person(args.who, archive.load(), people_file)
    except AmbiguousPerson as exc:
        return _ambiguous(args.who, exc)
    if match is None:
        everyone = merge_identities(archive.load(), people_file)
        return _nobody(args.who, "in the archive", everyone)
    by_source = Counter(item.source for item in match.items)
    detail = ", ".join(f"{n} from {source}" for source, n in sorted(by_source.items()))
    if args.dry_run:
        print(
            f"would erase {counted(len(match.items), 'interaction')} of {match.name}: "
            f"{detail}"
        )
        return 0
    try:
        with hold_archive(cs.archive_path):
            erased = archive.forget({(item.source, item.id) for item in match.items})
    except ArchiveBusy as busy:
        print(f"pelican-community: {busy}; nothing erased", file=sys.stderr)
        return 1
    print(f"erased {counted(len(erased), 'interaction')} of {match.name}: {detail}")
    photos = forget_photos(
        (item.author_photo for item in match.items if item.author_photo),
        cs.root / (settings.get("CACHE_PATH") or "cache") / CACHE_DIR / PHOTOS_DIR,
    )
    if photos:
        print(f"removed {counted(photos, 'photo')} of theirs from the cache")
    print(
        "they will not be archived again, even if a source still has them; "
        "rebuild the site to update the pages"
    )
    if any(name_key(args.who) in map(name_key, e.names) for e in people_file.entries):
        print(f"remove their entry from {cs.people_file} too")
    return 0


def _ambiguous(who: str, exc: AmbiguousPerson) -> int:
    print(
        f"pelican-community: {len(exc.names)} people match {who!r}: "
        f"{'; '.join(exc.names)}. Give their URL or handle instead.",
        file=sys.stderr,
    )
    return 1


def _nobody(who: str, where: str, identities: Iterable[Identity]) -> int:
    close = names_like(who, identities)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    print(f"pelican-community: no one {where} matches {who!r}{hint}", file=sys.stderr)
    return 1


def _desk(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    posts = read_posts(settings)
    seen = look(cs, posts, _reading_bar(args))
    now = _desk_now(args.now, seen.items)
    desk = compute_desk(
        seen.community,
        seen.identities,
        posts,
        seen.people_file,
        now,
        regular_min_posts=cs.regular_min_posts,
        waiting_months=cs.desk_waiting_months,
        quiet_months=cs.desk_quiet_months,
    )
    site = str(settings.get("SITENAME") or "your blog")
    if args.html is None:
        print_desk(desk, site, sys.stdout, color=None)
        return 0
    path = Path(args.html) if args.html else _default_desk_page(cs.root)
    output = Path(settings["OUTPUT_PATH"])
    if is_inside(path, output):
        raise SettingsError(
            f"{path}: inside OUTPUT_PATH ({output}), which is published; "
            "the desk is private: write it elsewhere"
        )
    write_atomically(path, desk_html(desk, site))
    print(f"your desk: {path.resolve().as_uri()}")
    return 0


def _default_desk_page(root: Path) -> Path:
    """The user's cache folder, not the site's: a file beside pelicanconf.py
    could be committed to a public repository with the site."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "pelican-community" / f"desk-{slugify_name(root.name)}.html"


def _desk_now(given: str | None, items: Iterable[Interaction]) -> datetime:
    if given == "today":
        return datetime.now(UTC)
    if given:
        try:
            return datetime.fromisoformat(given).replace(tzinfo=UTC)
        except ValueError:
            raise SettingsError(
                f"--now: {given!r} is not a day such as 2026-09-19, or 'today'"
            ) from None
    return newest_interaction(items) or datetime.now(UTC)


def _edit_people_file(args: argparse.Namespace) -> int:
    settings, cs = read_site(args.settings)
    seen = look(cs, read_posts(settings), _reading_bar(args))
    path = cs.people_file
    try:
        identity = find_identity(args.who, seen.identities.values())
    except AmbiguousPerson as exc:
        return _ambiguous(args.who, exc)
    if identity is None:
        return _nobody(args.who, "on the community page", seen.identities.values())
    person = next(p for p in seen.community.people if seen.identities[p.id] is identity)
    entry = entry_for(identity, person.name, seen.people_file)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if args.command == "pin":
        if person.pinned:
            line = identity.entry.line if identity.entry else 0
            print(f"{person.name} is already a friend (line {line} of {path})")
            return 0
        new_text = pin_in_text(path, text, entry, identity.entry)
        done = f"pinned {person.name} under friends:"
    else:
        new_text = hide_in_text(
            path, text, person.name, hide_rules_for(identity, entry)
        )
        done = f"hid {person.name}"
    if args.dry_run:
        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                new_text.splitlines(keepends=True),
                f"{path} (now)",
                f"{path} (after {args.command})",
            )
        )
        return 0
    write_atomically(path, new_text)
    print(f"{done} in {path}; rebuild the site to see the change")
    return 0


def _forget_source(args: argparse.Namespace) -> int:
    """Erase the archive file of a source the settings no longer list."""
    _settings, cs = read_site(args.settings)
    name = args.source
    archive = Archive(cs.archive_path)
    if name in {spec.name for spec in cs.sources}:
        print(
            f"pelican-community: {name!r} is still in COMMUNITY_SOURCES: remove it "
            "there first (or forget people one by one)",
            file=sys.stderr,
        )
        return 1
    if name not in archive.source_names():
        print(
            f"pelican-community: the archive in {cs.archive_path} has no source "
            f"{name!r}",
            file=sys.stderr,
        )
        return 1
    if args.dry_run:
        print(
            f"would erase {counted(len(archive.load_source(name)), 'interaction')} of "
            f"source {name} ({archive.source_file(name)})"
        )
        return 0
    try:
        with hold_archive(cs.archive_path):
            erased = archive.drop_source(name)
    except ArchiveBusy as busy:
        print(f"pelican-community: {busy}; nothing erased", file=sys.stderr)
        return 1
    print(f"erased {counted(erased, 'interaction')} of source {name}")
    print("rebuild the site to update the pages")
    return 0


def _suggest_a_command(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """A mistyped command (``reprot``) stops with the closest one named, on
    every Python (argparse suggests only from 3.14, and only when asked)."""
    typed = next((arg for arg in argv if not arg.startswith("-")), None)
    if typed is None or typed in _COMMANDS:
        return
    closest = difflib.get_close_matches(typed, _COMMANDS, n=1)
    if closest:
        parser.error(f"unknown command {typed!r}; did you mean {closest[0]!r}?")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pelican-community`` command."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    _suggest_a_command(parser, argv)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    handlers = {
        "report": _report,
        "check": _check,
        "fetch": _fetch,
        "forget": _forget,
        "desk": _desk,
        "pin": _edit_people_file,
        "hide": _edit_people_file,
    }
    try:
        return handlers[args.command](args)
    except CommunityError as exc:
        print(f"pelican-community: error: {exc}", file=sys.stderr)
        return exc.exitcode
    except BrokenPipeError:
        # `pelican-community check | head`: the reader has read enough. Point
        # stdout at nothing so the interpreter's own flush at exit is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
