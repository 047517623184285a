"""Print who is in each corpus site's circle on a first run (friends, regulars,
returning): ``.venv/bin/python tests/corpus_circle.py [site ...]``.

The sites and their builders are tests/test_first_run_acceptance.py's; read
the list to see who an author would meet first, and whether an aggregator
or the author got in."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_first_run_acceptance import CIRCLE, SITES


def main(names: list[str]) -> None:
    logging.disable(logging.WARNING)
    root = Path(tempfile.mkdtemp(prefix="corpus-circle-"))
    for name in names or sorted(SITES):
        people = SITES[name].build(root).people()
        circle = [p for p in people if p["role"] in CIRCLE]
        print(f"== {name}: {len(people)} people, {len(circle)} in the circle")
        for p in circle:
            counts = ", ".join(f"{k} {v}" for k, v in p["counts"].items() if v)
            aka = f" · {p['aka']}" if p.get("aka") else ""
            print(f"  {p['role']:9} {p['name']}{aka} <{p['url'] or ''}> ({counts})")


if __name__ == "__main__":
    main(sys.argv[1:])
