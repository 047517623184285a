"""The import contract: data flows one way through the stage folders.

``__init__``/``cli`` -> ``pipeline`` -> ``cache`` -> ``views`` -> ``people`` ->
ground floor; ``pipeline`` -> ``archive`` -> ``sources`` -> ground floor. A
module reaching back up the flow fails here with the offending import named
(docs/architecture.md explains the stages).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "pelican-plugin/pelican/plugins/community"
BASE = "pelican.plugins.community"

GROUND = {
    "model",
    "errors",
    "urls",
    "memo",
    "names",
    "dates",
    "sanitize",
    "fetcher",
    "fingerprints",
    "storage",
    "progress",
    "vouching",
    "words",
}
#: stage -> the stages its modules may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "ground": set(),
    "sources": {"ground"},
    # Settings are checked against the source registry.
    "settings": {"ground", "sources"},
    "archive": {"ground", "sources", "settings"},
    "people": {"ground"},
    "views": {"ground", "people"},
    # The cache vouches for the archive's files and holds a computed view.
    "cache": {"ground", "archive", "views"},
    "templating": {"ground"},
    # People's photos (COMMUNITY_AVATARS): fetched, checked, kept in the
    # cache folder; never in the archive.
    "photos": {"ground"},
    # The author's desk, shown: terminal tables or one page.
    "desk_output": {"ground", "views", "templating"},
    "pelican_site": {"ground", "settings"},
    "pipeline": {
        "ground",
        "sources",
        "settings",
        "archive",
        "people",
        "views",
        "cache",
    },
    "cli": {
        "ground",
        "sources",
        "settings",
        "archive",
        "people",
        "views",
        "cache",
        "pipeline",
        "pelican_site",
        "desk_output",
        # ``forget`` removes the person's photos from the cache.
        "photos",
    },
    "__init__": {
        "ground",
        "settings",
        "views",
        "pipeline",
        "pelican_site",
        "templating",
        "cache",
        "photos",
    },
}
#: Only these stages may import Pelican itself: settings in, pages out.
PELICAN_FACES = {"__init__", "pelican_site"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _stage(module: str) -> str:
    top = module.split(".")[0]
    return "ground" if top in GROUND else top


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``path``, nested ones too."""
    module = _module_name(path)
    package = (
        module.split(".")[:-1]
        if path.name != "__init__.py"
        else (module.split(".") if module != "__init__" else [])
    )
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
                names = [target] if node.module else []
                if not node.module:  # from . import x: x is a module
                    names = [".".join([*base, a.name]) for a in node.names]
                found += [(node.lineno, f"{BASE}.{n}" if n else BASE) for n in names]
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _own(target: str) -> str | None:
    """The package-relative name of an import of this package, else None."""
    if target == BASE:
        return "__init__"
    if target.startswith(BASE + "."):
        return target[len(BASE) + 1 :]
    return None


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_every_stage_folder():
    stages = {_stage(_module_name(p)) for p in MODULES}
    assert stages <= set(ALLOWED), (
        f"modules outside every stage: {stages - set(ALLOWED)}"
    )
    assert {"sources", "archive", "people", "views", "ground"} <= stages


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_reaches_back_up_the_flow(path):
    stage = _stage(_module_name(path))
    wrong = []
    for line, target in _imports(path):
        own = _own(target)
        if own is None:
            if target.split(".")[0] == "pelican" and stage not in PELICAN_FACES:
                wrong.append(
                    f"line {line}: imports {target} (only __init__.py "
                    "and pelican_site.py may import Pelican)"
                )
            continue
        other = _stage(own)
        if other != stage and other not in ALLOWED[stage]:
            wrong.append(
                f"line {line}: imports {own} ({stage} may import only "
                f"{', '.join(sorted(ALLOWED[stage] | {stage}))})"
            )
    assert not wrong, f"{path.relative_to(PACKAGE)}: " + "; ".join(wrong)


def test_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        name = _module_name(path)
        graph[name] = {
            own
            for _, target in _imports(path)
            if (own := _own(target)) is not None and own != name
        }
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            cycle = [*trail[trail.index(node) :], node]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*trail, node])
        done.add(node)

    for module in sorted(graph):
        visit(module, [])


def test_reading_saved_files_loads_no_http_stack():
    """A build from saved files (a webmention.io export, a comment feed, a
    WordPress export) never loads httpx: only fetching does."""
    import subprocess
    import sys

    fixtures = Path(__file__).parent / "fixtures"
    script = f"""
import sys
from pathlib import Path
from pelican.plugins.community.sources import SOURCE_TYPES
fixtures = Path({str(fixtures)!r})
for kind, name in [
    ("webmention.io", "jf2-small.json"),
    ("feed", "feed-wordpress-comments.xml"),
    ("wordpress", "wxr-small.xml"),
]:
    result = SOURCE_TYPES[kind].read_file(fixtures / name, kind)
    assert result.interactions, name
print(sorted(m for m in sys.modules if m.split(".")[0] in ("httpx", "httpcore")))
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]", run.stdout
