"""Writes the settings and command-line reference pages from the code at build time."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

logger = logging.getLogger(__name__)

#: The generated pages, relative to the docs folder (kept out of git).
SETTINGS_PAGE = Path("reference/settings.md")
CLI_PAGE = Path("reference/cli.md")


@dataclass(frozen=True)
class SettingRow:
    """One setting as the reference shows it."""

    name: str
    default: Any
    kind: str
    doc: str


def setting_rows(module: ModuleType | None = None) -> list[SettingRow]:
    """Every setting the plugin declares, in the declarations' order.

    The one place that knows the declarations' shape (today
    ``SETTINGS: tuple[Setting, ...]``, each with its ``name``, ``default``,
    ``kind`` and ``doc`` line): change only this function when it changes.
    """
    if module is None:
        from pelican.plugins.community import settings as module
    return [
        SettingRow(s.name, s.default, s.kind.__name__, s.doc) for s in module.SETTINGS
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def settings_markdown(rows: list[SettingRow] | None = None) -> str:
    """The settings reference page, as Markdown."""
    rows = setting_rows() if rows is None else rows
    with_docs = any(row.doc for row in rows)
    lines = [
        "# Settings reference",
        "",
        "Every `COMMUNITY_*` setting the plugin reads from `pelicanconf.py`, with",
        "its default and the type it must have. This page is generated from the",
        "plugin's declarations (`pelican.plugins.community.settings.SETTINGS`)",
        "at each docs build, so it always matches the installed code. An unknown",
        "`COMMUNITY_*` setting, a wrong type or a bad value stops the build with",
        "one line naming it.",
        "",
        "| setting | default | type |" + (" meaning |" if with_docs else ""),
        "| --- | --- | --- |" + (" --- |" if with_docs else ""),
    ]
    for row in rows:
        cells = [f"`{row.name}`", f"`{_cell(repr(row.default))}`", f"`{row.kind}`"]
        if with_docs:
            cells.append(_cell(row.doc))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, Any]]:
    """(name, one-line help, parser) of each subcommand, in the parser's order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: c.help or "" for c in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def _help_text(parser: argparse.ArgumentParser) -> str:
    """The parser's --help, at a fixed width whatever the terminal."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        return parser.format_help().rstrip()
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def cli_markdown(parser: argparse.ArgumentParser | None = None) -> str:
    """The command-line reference page, as Markdown."""
    if parser is None:
        from pelican.plugins.community.cli import build_parser

        parser = build_parser()
    lines = [
        "# Command-line reference",
        "",
        "`pelican-community` reads the site without building it. This page is",
        "generated from the command's own argument parser at each docs build: it",
        "is what `--help` prints.",
        "",
        "```text",
        _help_text(parser),
        "```",
        "",
    ]
    for name, summary, sub in _subcommands(parser):
        lines += [
            f"## `{parser.prog} {name}`",
            "",
            summary[:1].upper() + summary[1:] + ("." if summary else ""),
            "",
            "```text",
            _help_text(sub),
            "```",
            "",
        ]
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str) -> None:
    """Write only a changed page, so Sphinx does not rebuild it for nothing."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    logger.info("wrote %s", path)


def write_reference(srcdir: Path) -> None:
    """Write both generated pages into the docs folder."""
    _write_if_changed(srcdir / SETTINGS_PAGE, settings_markdown())
    _write_if_changed(srcdir / CLI_PAGE, cli_markdown())


def _on_config_inited(app: Any, config: Any) -> None:
    write_reference(Path(app.srcdir))


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: generate the pages before the sources are read."""
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
