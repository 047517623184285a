"""Progress bars for long work (fetching, reading a large export), shown on a
terminal only: a CI log or a pipe gets no bar and no output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # rich (Pelican's) loads when a bar is shown
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = [
    "Bar",
    "ProgressWanted",
    "progress_bar",
]

#: Whether long work shows a bar: False, True (on stderr) or the rich
#: console the caller already logs to.
ProgressWanted: TypeAlias = "bool | Console"


@dataclass
class Bar:
    """A rich progress bar; ``advance`` by jobs done or bytes read."""

    progress: Progress
    task_id: TaskID
    total: float
    done: float = 0

    def advance(self, amount: float = 1) -> None:
        # Never past the total: a reader that resumes after a broken record
        # reads part of the file twice.
        amount = min(amount, self.total - self.done)
        if amount > 0:
            self.done += amount
            self.progress.advance(self.task_id, amount)

    def stop(self) -> None:
        # Shown once as it ends: a read quicker than the refresh rate (or a
        # bar nested in Pelican's own status line, which rich redraws only
        # on its own clock) would otherwise leave its first frame on screen.
        self.progress.refresh()
        self.progress.stop()


def progress_bar(
    wanted: ProgressWanted, description: str, total: float, *, in_bytes: bool = False
) -> Bar | None:
    """A bar counting to ``total`` (jobs, or bytes with ``in_bytes``), or
    None. ``wanted``: False, True (a bar on stderr) or the rich console the
    caller already logs to (so log lines print above the bar, not through
    it); shown only when that console is a terminal."""
    if not wanted:
        return None
    from rich.console import Console
    from rich.errors import LiveError
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = wanted if isinstance(wanted, Console) else Console(stderr=True)
    if not console.is_terminal:
        return None
    columns = (
        (DownloadColumn(), TimeRemainingColumn())
        if in_bytes
        else (MofNCompleteColumn(),)
    )
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        *columns,
        console=console,
        transient=True,
    )
    try:
        progress.start()
    except LiveError:
        # rich before 14 shows one live display at a time, and Pelican's
        # "Generating..." status is one: the work goes on without a bar.
        return None
    return Bar(progress, progress.add_task(description, total=total), total)
