"""The author's desk, shown: rich tables in the terminal (colour only on a
terminal) or one self-contained HTML page (no script, no outside request)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .templating import TEMPLATES, Words
from .views.desk import Desk, Quiet, Waiting
from .words import counted

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


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def _rhythm(quiet: Quiet) -> str:
    return f"every {span(quiet.rhythm_days)}" if quiet.rhythm_days else "once"


def print_desk(desk: Desk, site: str, out: IO[str], *, color: bool | None) -> None:
    """The desk as terminal tables on ``out`` (``color``: None decides by
    whether ``out`` is a terminal)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(
        file=out,
        force_terminal=color,
        no_color=True if color is False else None,
        highlight=False,
        width=None if out.isatty() else PLAIN_WIDTH,
    )

    def heading(title: str, detail: str) -> None:
        console.print()
        console.print(Text(title, style="bold"), Text(f"· {detail}", style="dim"))

    def waiting_table(rows: list[Waiting]) -> None:
        table = Table(show_edge=False, pad_edge=False, expand=True)
        table.add_column("when", no_wrap=True)
        table.add_column("who", ratio=2)
        table.add_column("post", ratio=2)
        table.add_column("first words", ratio=4)
        table.add_column("link", ratio=3, overflow="fold", style="cyan")
        for w in rows:
            table.add_row(
                community_date(w.published, "%-d %b %Y"),
                Text.assemble(w.person.name, (f"\n{w.person.role}", "dim")),
                w.post_title,
                w.words,
                Text(
                    w.link, style=f"link {w.link}" if w.link.startswith("http") else ""
                ),
            )
        console.print(table)

    console.print(
        Text(f"Your desk · {site}", style="bold"),
        Text(f"as of {community_date(desk.now.isoformat())}", style="dim"),
    )
    heading(
        "Waiting for you",
        f"friends, regulars and returning readers you have not answered, "
        f"last {desk.waiting_months} months, newest first",
    )
    if desk.waiting:
        waiting_table(desk.waiting)
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
        console.print(
            Text(
                f"and {counted(desk.older_waiting, 'older unanswered comment')}, "
                "not listed",
                style="dim",
            )
        )
    heading("First-timers", "their first words here, last 30 days, still unanswered")
    if desk.first_timers:
        waiting_table(desk.first_timers)
    else:
        console.print("No first-timer waiting for a welcome.")

    heading(
        "Gone quiet",
        f"friends and regulars silent for 3 times their usual gap "
        f"and {desk.quiet_months} months at least",
    )
    if desk.quiet:
        table = Table(show_edge=False, pad_edge=False, expand=True)
        for column in ("who", "last here", "on", "usually", "silent for", ""):
            table.add_column(column)
        for q in desk.quiet:
            table.add_row(
                Text.assemble(q.person.name, (f"\n{q.person.role}", "dim")),
                community_date(q.last, "%-d %b %Y"),
                q.post_title,
                _rhythm(q),
                span(q.silent_days),
                f"still reacting ({community_date(q.last_reaction, '%b %Y')})"
                if q.last_reaction
                else "",
            )
        console.print(table)
    else:
        console.print("Nobody has gone quiet.")

    heading("Coming back", "newly returning or regular, not pinned yet (last 90 days)")
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
        where = (
            f"move their people: entry (line {c.entry_line}) under friends:, as"
            if c.entry_line
            else "paste under friends: in community.yaml"
        )
        console.print(
            Text(f"{where} (or: pelican-community pin {c.person.name!r})", style="dim")
        )
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
    table = Table(show_edge=False, pad_edge=False)
    for column in (
        "year",
        "people",
        "new",
        "comments",
        "answered",
        "80% written by",
        "likes+reposts per comment",
    ):
        table.add_column(column, justify="right")
    for y in desk.years:
        table.add_row(
            str(y.year),
            str(y.people),
            str(y.new_people),
            str(y.conversation),
            percent(y.reply_rate),
            _people(y.top_people) if y.conversation else "",
            ratio(y.reactions_per_comment),
        )
    console.print(table)


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
