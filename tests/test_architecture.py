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


# -- the declared face: ``__all__`` in every module, tests import only it ------

TESTS = Path(__file__).parent


def _module_path(module: str) -> Path | None:
    """The file of a package-relative module name ("" is the package)."""
    base = PACKAGE.joinpath(*module.split(".")) if module else PACKAGE
    candidates = [base / "__init__.py"]
    if module:
        candidates.insert(0, base.with_suffix(".py"))
    return next((path for path in candidates if path.is_file()), None)


def _declared(path: Path) -> list[str] | None:
    """The module's ``__all__``, or None when it has none."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            assert node.value is not None
            return list(ast.literal_eval(node.value))
    return None


def _top_level_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names the module defines, names it imports), at its top level."""
    defined: set[str] = set()
    imported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "TypeVar"
            ):
                continue  # a type variable is no part of the face
            for target in targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                defined |= {e.id for e in elements if isinstance(e, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
    defined.discard("__all__")
    return defined, imported


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_declares_its_face(path):
    """``__all__`` names every public name the module defines (no leading
    underscore; its ``logger`` aside) and nothing it lacks. A module whose
    name starts with ``_`` is private to its folder: its ``__all__`` is its
    face to that folder and to its own tests."""
    relative = str(path.relative_to(PACKAGE))
    declared = _declared(path)
    assert declared is not None, f"{relative}: no __all__"
    defined, imported = _top_level_names(ast.parse(path.read_text(encoding="utf-8")))
    public = {n for n in defined if not n.startswith("_") and n != "logger"}
    assert sorted(public - set(declared)) == [], f"{relative}: public, not in __all__"
    unknown = set(declared) - defined - imported
    assert sorted(unknown) == [], f"{relative}: __all__ names what it lacks"
    assert len(declared) == len(set(declared)), f"{relative}: __all__ repeats"


def _reached_names(path: Path) -> list[tuple[int, str, str]]:
    """(line, package-relative module, name) of every name a test file takes
    from the package: imported, read as ``module.name``, or patched with
    ``monkeypatch.setattr(module, "name")`` or ``setattr("dotted.name")``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}  # local name -> package-relative module
    reached: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level:
            own = _own(node.module or "")
            if own is None:
                continue
            module = "" if own == "__init__" else own
            for alias in node.names:
                submodule = f"{module}.{alias.name}".lstrip(".")
                if _module_path(submodule) or (PACKAGE / submodule).is_dir():
                    aliases[alias.asname or alias.name] = submodule
                else:
                    reached.append((node.lineno, module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                own = _own(alias.name)
                if own is not None and alias.asname:
                    aliases[alias.asname] = "" if own == "__init__" else own
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            reached.append((node.lineno, aliases[node.value.id], node.attr))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("setattr", "delattr")
            and node.args
        ):
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id in aliases:
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    reached.append(
                        (node.lineno, aliases[first.id], str(node.args[1].value))
                    )
            elif isinstance(first, ast.Constant) and isinstance(first.value, str):
                own = _own(first.value.rsplit(".", 1)[0])
                if own is not None:
                    module = "" if own == "__init__" else own
                    reached.append((node.lineno, module, first.value.rsplit(".")[-1]))
    return reached


TEST_FILES = sorted(TESTS.rglob("*.py"))


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_tests_take_only_declared_names(path):
    """A test uses the package as its users and its other modules may: the
    names each module's ``__all__`` declares (or a submodule)."""
    wrong = []
    for line, module, name in _reached_names(path):
        if name.startswith("__") or _module_path(f"{module}.{name}".lstrip(".")):
            continue  # a dunder (__name__) or a submodule
        file = _module_path(module)
        declared = _declared(file) if file is not None else None
        # No __all__: a folder (a module without one fails the test above).
        allowed = not name.startswith("_") if declared is None else name in declared
        if not allowed:
            wrong.append(f"line {line}: {module or BASE}.{name}")
    assert not wrong, f"{path.relative_to(TESTS)} takes undeclared names: " + (
        "; ".join(wrong)
    )
