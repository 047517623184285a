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
    assert set(rows) == set(settings.DEFAULTS)
    for name, (default, kind) in settings.DEFAULTS.items():
        assert rows[name][:2] == [f"`{default!r}`", f"`{kind.__name__}`"], name


def test_settings_page_follows_the_table(tmp_path):
    table = tmp_path / "fake_settings.py"
    table.write_text(
        "DEFAULTS = {\n"
        '    "COMMUNITY_A": (1, int),\n'
        "    #: the b setting,\n"
        "    #: over two lines\n"
        '    "COMMUNITY_B": ("x|y", str),\n'
        '    "COMMUNITY_C": ([], list),  #: the c setting\n'
        "}\n",
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
    parser = cli._parser()
    names = re.findall(r"^## `pelican-community (\S+)`$", page, flags=re.M)
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert names == list(subparsers.choices)
    for name in names:
        assert f"usage: pelican-community {name} [-h]" in page
    assert "--budget SECONDS" in page
    assert "example:\n  pelican-community desk -s pelicanconf.py --html" in page
