"""Babel is the `i18n` extra: an English site's pages are the same without it,
and a French site without it says, once, what to install."""

from __future__ import annotations

import logging
import shutil
import sys

import pytest
from test_site_build import _scenario

BABEL = ("babel", "babel.core", "babel.dates")


def _without_babel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing Babel fails, as in a venv where only the wheel is installed."""
    for module in BABEL:
        monkeypatch.setitem(sys.modules, module, None)


def _pages(site) -> dict[str, str]:
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    output = site.build()
    pages = {
        str(path.relative_to(output)): path.read_text(encoding="utf-8")
        for path in sorted(output.rglob("*.html"))
    }
    shutil.rmtree(output)
    return pages


def test_an_english_site_is_the_same_without_babel(site, monkeypatch, caplog):
    _scenario(site)
    with_babel = _pages(site)
    assert "Wrote in June 2015" in with_babel["community/index.html"]
    assert "1 February 2011" in with_babel["post-1/index.html"]

    _without_babel(monkeypatch)
    caplog.set_level(logging.WARNING)
    assert _pages(site) == with_babel
    assert "Babel" not in caplog.text


def test_a_french_site_without_babel_is_told_what_to_install(site, monkeypatch, caplog):
    _scenario(site)
    site.settings["DEFAULT_LANG"] = "fr"
    _without_babel(monkeypatch)
    caplog.set_level(logging.WARNING)
    pages = _pages(site)
    warnings = [r.getMessage() for r in caplog.records if "Babel" in r.getMessage()]
    assert warnings == [
        "community: DEFAULT_LANG 'fr': the community's words are in this language "
        "but its dates stay in English until Babel is installed: "
        'pip install "pelican-community[i18n]"'
    ]
    # The words in French, the dates readable (in English) all the same.
    assert "3 conversations depuis 2011" in pages["community/index.html"]
    assert "1 February 2011" in pages["post-1/index.html"]


def test_a_french_site_with_babel_has_french_dates_and_no_warning(site, caplog):
    _scenario(site)
    site.settings["DEFAULT_LANG"] = "fr"
    caplog.set_level(logging.WARNING)
    pages = _pages(site)
    assert "1 février 2011" in pages["post-1/index.html"]
    assert "Babel" not in caplog.text
