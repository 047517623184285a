"""The generated reference pages name every setting and every command (no Sphinx needed)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from pelican.plugins.community import cli, settings

_EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "community_reference.py"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


reference = _load(_EXT, "community_reference")


def _rows(markdown: str) -> dict[str, list[str]]:
    """Table rows of the page, by the setting named in the first cell."""
    rows = {}
    for line in markdown.splitlines():
        match = re.match(r"^\| `([A-Z0-9_]+)` \| (.*) \|$", line)
        if match:
            rows[match[1]] = [cell.strip() for cell in match[2].split(" | ")]
    return rows


def test_settings_page_names_every_setting_with_default_and_type():
    rows = _rows(reference.settings_markdown())
    assert set(rows) == set(settings.DECLARED)
    for setting in settings.SETTINGS:
        expected = [f"`{setting.default!r}`", f"`{setting.kind.__name__}`"]
        assert rows[setting.name][:2] == expected, setting.name


def test_settings_page_follows_the_declarations(tmp_path):
    table = tmp_path / "fake_settings.py"
    table.write_text(
        "from pelican.plugins.community.settings import Setting\n"
        "SETTINGS = (\n"
        '    Setting("COMMUNITY_A", 1, int, ""),\n'
        '    Setting("COMMUNITY_B", "x|y", str, "the b setting, over two lines"),\n'
        '    Setting("COMMUNITY_C", [], list, "the c setting"),\n'
        ")\n",
        encoding="utf-8",
    )
    rows = _rows(
        reference.settings_markdown(
            reference.setting_rows(_load(table, "fake_settings"))
        )
    )
    assert rows == {
        "COMMUNITY_A": ["`1`", "`int`", ""],
        "COMMUNITY_B": ["`'x\\|y'`", "`str`", "the b setting, over two lines"],
        "COMMUNITY_C": ["`[]`", "`list`", "the c setting"],
    }


def test_cli_page_shows_every_subcommand_help():
    page = reference.cli_markdown()
    parser = cli.build_parser()
    names = re.findall(r"^## `pelican-community (\S+)`$", page, flags=re.M)
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert names == list(subparsers.choices)
    for name in names:
        assert f"usage: pelican-community {name} [-h]" in page
    assert "--budget SECONDS" in page
    assert "example:\n  pelican-community desk -s pelicanconf.py --html" in page


# --- README as the front door, and every link of the manual -----------------

_ROOT = Path(__file__).resolve().parents[1]
_DOCS = _ROOT / "docs"
#: Pages written by docs/_ext at each build (kept out of git): their text
#: comes from the code.
_GENERATED = {
    _DOCS / "reference" / "settings.md": reference.settings_markdown,
    _DOCS / "reference" / "cli.md": reference.cli_markdown,
}
#: MyST gives anchors to headings down to this level (docs/conf.py).
_ANCHOR_LEVELS = 3
_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SLUG_DROP = re.compile(r"[^\w\u4e00-\u9fff\- ]")


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def _heading_title(raw: str) -> str:
    """A heading's text as MyST and GitHub slug it: the words and the inline
    code, without markup or link targets."""
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    title = re.sub(r"`+([^`]*)`+", r"\1", title)
    return re.sub(r"(\*\*|__|\*|_)(\S.*?\S|\S)\1", r"\2", title)


def slug(title: str) -> str:
    """GitHub's heading slug, as MyST's ``github_slugify`` computes it."""
    return _SLUG_DROP.sub("", title.lower().replace(" ", "-"))


def anchors(text: str, levels: int = 6) -> set[str]:
    """Every heading anchor of a Markdown page (duplicates get -1, -2...)."""
    found: set[str] = set()
    for line in _prose_lines(text):
        match = _HEADING.match(line)
        if not match or len(match[1]) > levels:
            continue
        base = slug(_heading_title(match[2]))
        unique, n = base, 1
        while unique in found:
            unique, n = f"{base}-{n}", n + 1
        found.add(unique)
    return found


def links(text: str) -> list[str]:
    """The targets of the inline links and images outside code."""
    targets = []
    for line in _prose_lines(text):
        targets += _LINK.findall(_INLINE_CODE.sub("", line))
    return targets


def _page_text(path: Path) -> str | None:
    if path in _GENERATED:
        return _GENERATED[path]()
    if path.suffix == ".md" and path.is_file():
        return path.read_text(encoding="utf-8")
    return None


def broken_links(page: Path) -> list[str]:
    """The relative links of ``page`` that lead to no file or no heading."""
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in links(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, flags=re.I):
            continue  # https:, mailto:: not a file of the repository
        path_part, _, fragment = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        dest_text = _page_text(dest)
        if dest_text is None and not dest.exists():
            broken.append(f"{target}: no such file")
        elif fragment and dest.suffix == ".md":
            levels = _ANCHOR_LEVELS if dest.is_relative_to(_DOCS) else 6
            if fragment not in anchors(dest_text or "", levels):
                broken.append(f"{target}: no heading #{fragment} in {dest.name}")
    return broken


def _manual_pages() -> list[Path]:
    return sorted(_DOCS.glob("*.md"))


def test_readme_is_a_front_door_of_at_most_25_kb():
    size = (_ROOT / "README.md").stat().st_size
    assert size <= 25_000, f"README.md is {size:,} bytes; move the manual to docs/"


def test_readme_starts_with_the_two_commands_and_links_into_the_manual():
    text = (_ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("make demo") < text.index("make test") < text.index("## ")
    linked = {t.partition("#")[0] for t in links(text) if t.startswith("docs/")}
    for page in ("getting-started", "moving-from-wordpress", "troubleshooting"):
        assert f"docs/{page}.md" in linked


def test_every_relative_link_in_readme_and_the_manual_resolves():
    broken = {
        str(page.relative_to(_ROOT)): found
        for page in [_ROOT / "README.md", *_manual_pages()]
        if (found := broken_links(page))
    }
    assert broken == {}


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "a.md").write_text(
        "# A page\n\n## Moving from `wordpress`: WXR\n\n### A heading\n\n"
        "## A heading\n\n```\n[in code](missing.md)\n```\n",
        encoding="utf-8",
    )
    page = tmp_path / "b.md"
    page.write_text(
        "[fine](a.md#moving-from-wordpress-wxr) [fine too](a.md#a-heading-1)\n"
        "![pic](a.md) [web](https://example.org/x.md) [here](#top)\n"
        "[gone](c.md) [no heading](a.md#nowhere) `[code](d.md)`\n\n# Top\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "c.md: no such file",
        "a.md#nowhere: no heading #nowhere in a.md",
    ]


def test_slugs_follow_github_and_myst():
    assert slug("webmention.io (`webmention.io` with `domain`)") == (
        "webmentionio-webmentionio-with-domain"
    )
    assert slug("How people are recognised") == "how-people-are-recognised"
    assert slug("Ça marche, 匿名!") == "ça-marche-匿名"
    assert anchors("# X\n\n## `pelican-community forget`\n") == {
        "x",
        "pelican-community-forget",
    }


def _toctree_entries(index: str) -> set[str]:
    entries: set[str] = set()
    blocks = re.findall(r"```\{toctree\}\n(.*?)```", index, flags=re.S)
    for block in blocks:
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith(":"):
                continue
            match = re.search(r"<([^>]+)>$", line)
            entries.add(match[1] if match else line)
    return entries


def test_every_manual_page_is_in_a_toctree():
    entries = _toctree_entries((_DOCS / "index.md").read_text(encoding="utf-8"))
    pages = {p.stem for p in _manual_pages()} - {"index"}
    assert pages - entries == set()
    assert {"reference/settings", "reference/cli"} <= entries
