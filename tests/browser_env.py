"""Where the browser checks find Chromium, and what to say when it is not there."""

from __future__ import annotations

import os
from pathlib import Path

#: Debian's Chromium (``apt-get install chromium``); ``CHROMIUM=...`` for another.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def chromium_missing() -> str:
    """Why the browser checks cannot run here, or "" when they can."""
    if Path(CHROMIUM).exists():
        return ""
    return (
        f"no Chromium at {CHROMIUM}; "
        "`apt-get install chromium` (as .ci/run does), then `make test`"
    )
