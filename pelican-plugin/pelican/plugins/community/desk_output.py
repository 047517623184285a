"""The author's desk, shown: in a terminal (80 columns and up) or as one HTML page."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .templating import TEMPLATES, Words
from .views.desk import QUIET_RHYTHM, Desk, Quiet, Waiting
from .words import counted

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "PLAIN_WIDTH",
    "community_date",
    "desk_html",
    "is_inside",
    "numbers_table",
    "percent",
    "print_desk",
    "quiet_table",
    "ratio",
    "span",
    "summary_line",
    "terminal_links",
]

#: The desk speaks English (its words are not in the catalogue), dates too.
community_date = Words("en").date
#: Wide enough for the tables when the desk is piped or saved to a file.
PLAIN_WIDTH = 120


def span(days: int | None) -> str:
    """A number of days as people say it: "5 days", "3 months", "2 years"."""
    if days is None:
        return ""
    if days < 14:
        return counted(days, "day")
    if days < 60:
        return f"{round(days / 7)} weeks"
    if days < 700:
        return f"{round(days / 30.44)} months"
    years = days / 365.25
    return f"{years:.0f} years" if years >= 3 else f"{years:.1f} years"


def percent(share: float | None) -> str:
    return "" if share is None else f"{share:.0%}"


def ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _rhythm(quiet: Quiet) -> str:
    return f"every {span(quiet.rhythm_days)}" if quiet.rhythm_days else "once"


#: Terminals known to show OSC 8 hyperlinks, by ``TERM_PROGRAM`` and ``TERM``.
_LINKING_PROGRAMS = {"iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby"}
_LINKING_TERMS = {"xterm-kitty", "xterm-ghostty", "wezterm", "foot", "alacritty"}
_LINKING_VARIABLES = ("WT_SESSION", "KONSOLE_VERSION", "KITTY_WINDOW_ID", "DOMTERM")


def terminal_links(env: Mapping[str, str], is_terminal: bool) -> bool:
    """Whether the terminal shows OSC 8 hyperlinks: ``FORCE_HYPERLINK=1`` or
    ``0`` decides (the convention of the ``supports-hyperlinks`` package),
    else a terminal known to show them. Elsewhere the desk prints the whole
    address, which every terminal lets you click or copy."""
    if not is_terminal:
        return False
    forced = env.get("FORCE_HYPERLINK")
    if forced is not None:
        return forced.strip().lower() not in ("", "0", "false", "no")
    if env.get("TERM_PROGRAM") in _LINKING_PROGRAMS:
        return True
    if env.get("TERM") in _LINKING_TERMS or any(map(env.get, _LINKING_VARIABLES)):
        return True
    vte = env.get("VTE_VERSION", "")
    return vte.isdigit() and int(vte) >= 5000


def _plain_width(env: Mapping[str, str]) -> int:
    """The width when the desk is piped or saved: ``COLUMNS`` if set."""
    columns = env.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) >= 40 else PLAIN_WIDTH


def summary_line(desk: Desk) -> str:
    """What waits, in one short line: "3 waiting for you · 1 first-timer"."""
    return " · ".join(
        (
            f"{len(desk.waiting)} waiting for you",
            counted(len(desk.first_timers), "first-timer"),
            f"{len(desk.quiet)} gone quiet",
            f"{len(desk.coming_back)} coming back",
        )
    )


def print_desk(
    desk: Desk,
    site: str,
    out: IO[str],
    *,
    color: bool | None,
    width: int | None = None,
    links: bool | None = None,
) -> None:
    """The desk on ``out`` (``color``: None decides by whether ``out`` is a
    terminal; ``width``: the terminal's, or ``COLUMNS``, or 120 when piped;
    ``links``: OSC 8 hyperlinks, None decides by the terminal).

    Made for 80 columns and wider: comments are blocks, not table cells, so
    an address is never folded over several lines and a name never cut."""
    from rich.console import Console
    from rich.text import Text

    if width is None and not out.isatty():
        width = _plain_width(os.environ)
    console = Console(
        file=out,
        force_terminal=color,
        no_color=True if color is False else None,
        highlight=False,
        width=width,
    )
    if links is None:
        links = terminal_links(os.environ, console.is_terminal)

    def heading(title: str, detail: str) -> None:
        console.print()
        console.print(Text.assemble((title, "bold"), (f" · {detail}", "dim")))

    def address(url: str) -> Text:
        """A link to click (its host shown) or the whole address on one
        line: soft-wrapped by the terminal, so it copies whole."""
        if links:
            host = urlsplit(url).hostname or url
            return Text.assemble("  ", (f"open on {host}", f"cyan link {url}"))
        return Text.assemble("  ", (url, "cyan"))

    def waiting_list(rows: list[Waiting]) -> None:
        for w in rows:
            console.print()
            where = "mentioned" if w.kind == "mention" else "on"
            console.print(
                Text.assemble(
                    (community_date(w.published, "%-d %b %Y"), "dim"),
                    "  ",
                    (w.person.name, "bold"),
                    (f" ({w.person.role})", "dim"),
                    f" {where} “{w.post_title}”",
                )
            )
            for line in Text(w.words or "(no words)").wrap(console, console.width - 2):
                line.rstrip()
                console.print(Text.assemble("  ", line))
            if w.link.startswith(("http://", "https://")):
                console.print(address(w.link), soft_wrap=True)

    console.print(
        Text(f"Your desk · {site}", style="bold"),
        Text(f"as of {community_date(desk.now.isoformat())}", style="dim"),
    )
    console.print(summary_line(desk))
    heading("Waiting for you", f"last {desk.waiting_months} months, newest first")
    console.print(
        Text(
            "friends, regulars and returning readers you have not answered",
            style="dim",
        )
    )
    if desk.waiting:
        waiting_list(desk.waiting)
    elif not desk.older_waiting:
        console.print("Nothing waiting: you have answered everyone.")
    else:
        console.print(
            f"Nothing waiting from the last {desk.waiting_months} months, "
            f"but {counted(desk.older_waiting, 'older comment')} "
            f"{'is' if desk.older_waiting == 1 else 'are'} still unanswered "
            "(not listed)."
        )
    if desk.waiting and desk.older_waiting:
        console.print()
        console.print(
            Text(
                f"and {counted(desk.older_waiting, 'older unanswered comment')}, "
                "not listed",
                style="dim",
            )
        )
    heading("First-timers", "last 30 days, still unanswered")
    console.print(Text("their first words here: a welcome brings them back", "dim"))
    if desk.first_timers:
        waiting_list(desk.first_timers)
    else:
        console.print("No first-timer waiting for a welcome.")

    heading("Gone quiet", f"{desk.quiet_months} months at least")
    console.print(
        Text(
            f"friends and regulars silent for {QUIET_RHYTHM} times their usual gap",
            style="dim",
        )
    )
    if desk.quiet:
        console.print(quiet_table(desk.quiet))
    else:
        console.print("Nobody has gone quiet.")

    heading("Coming back", "the last 90 days, not pinned yet")
    console.print(Text("newly returning readers and regulars", style="dim"))
    if not desk.coming_back:
        console.print("Nobody new this season.")
    for c in desk.coming_back:
        console.print()
        console.print(
            Text.assemble(
                (c.person.name, "bold"),
                f"  {c.person.role} since {community_date(c.crossed)}",
            )
        )
        console.print(
            Text(f"pin them: pelican-community pin {c.person.name!r}", style="dim"),
            soft_wrap=True,
        )
        where = (
            f"or move their people: entry (line {c.entry_line}) under friends:, as:"
            if c.entry_line
            else "or paste under friends: in community.yaml:"
        )
        console.print(Text(where, style="dim"))
        console.print(Text(c.snippet.rstrip("\n")), soft_wrap=True)

    if desk.one_name_twice:
        heading(
            "One name, two cards",
            "the pages tell them apart; if each is one person, paste under "
            "people: in community.yaml",
        )
        for line in desk.one_name_twice:
            console.print(Text(line), soft_wrap=True)

    heading("The circle in numbers", "per year, newest first")
    console.print(numbers_table(desk))


def quiet_table(rows: list[Quiet]) -> Table:
    """Gone quiet, one row each; names whole (the column is as wide as the
    longest), and a "still reading" column only when someone is."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False)
    longest = max(len(q.person.name) for q in rows)
    table.add_column("who", no_wrap=True, min_width=longest)
    table.add_column("last here", no_wrap=True)
    table.add_column("on", ratio=1, min_width=12)
    table.add_column("usually")
    table.add_column("silent for")
    reading = any(q.last_reaction for q in rows)
    if reading:
        table.add_column("still reading", no_wrap=True)
    for q in rows:
        cells: list[Text | str] = [
            Text.assemble(q.person.name, (f"\n{q.person.role}", "dim")),
            community_date(q.last, "%-d %b %Y"),
            q.post_title,
            _rhythm(q),
            span(q.silent_days),
        ]
        if reading:
            cells.append(
                community_date(q.last_reaction, "%b %Y") if q.last_reaction else ""
            )
        table.add_row(*cells)
    return table


def numbers_table(desk: Desk) -> Table:
    """The circle per year; its headings fold onto two lines in 80 columns."""
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for column in (
        "year",
        "people",
        "new",
        "comments",
        "answered",
        "80% written by",
        "likes & reposts per comment",
    ):
        table.add_column(column, justify="right", vertical="bottom")
    for y in desk.years:
        table.add_row(
            str(y.year),
            str(y.people),
            str(y.new_people),
            str(y.conversation),
            percent(y.reply_rate),
            counted(y.top_people, "person") if y.conversation else "",
            ratio(y.reactions_per_comment),
        )
    return table


def desk_html(desk: Desk, site: str) -> str:
    """The desk as one self-contained HTML page."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES / "desk")),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        community_date=community_date, span=span, percent=percent, ratio=ratio
    )
    return env.get_template("desk.html").render(desk=desk, site=site, rhythm=_rhythm)


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or anywhere below it (links resolved)."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents
