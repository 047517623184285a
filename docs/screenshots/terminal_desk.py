"""Draw the sample site's terminal desk, 80 columns wide, as an SVG for the docs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

REPO = Path(__file__).resolve().parents[2]


def main(target: str) -> None:
    shown = subprocess.run(
        [
            *(sys.executable, "-m", "pelican.plugins.community.cli", "desk"),
            *("-s", str(REPO / "sample-site" / "pelicanconf.py")),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "80", "FORCE_HYPERLINK": "0"},
    )
    with open(os.devnull, "w") as nowhere:
        console = Console(record=True, width=80, force_terminal=True, file=nowhere)
        console.print(Text.from_ansi(shown.stdout))
    console.save_svg(target, title="pelican-community desk")


if __name__ == "__main__":
    main(sys.argv[1])
