"""Pausing the cycle collector while many long-lived objects are made."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cycle collection inside the block.

    Reading an archive or unpickling a community creates hundreds of
    thousands of objects, none of them garbage: the collector would run
    again and again over a growing heap for nothing (three quarters of the
    time of a cache load, and a cost per interaction that grows with the
    archive). Collection resumes, as it was, when the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
