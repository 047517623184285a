"""The templates' words in the site's language: catalogues complete and
compiled, plural forms right, a whole site built in French and in German."""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import IO

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from test_site_build import _scenario

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "pelican-plugin" / "pelican" / "plugins" / "community"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("fr", "de")


def _template_messages() -> set:
    found = extract_from_dir(
        str(PACKAGE / "templates"),
        method_map=[("**.html", "jinja2")],
        keywords={"_c": None, "_cn": (1, 2)},
    )
    return {message for _file, _line, message, _comments, _context in found}


def _po(lang: str):
    path = LOCALE / lang / "LC_MESSAGES" / "pelican-community.po"
    with path.open("rb") as file:
        return read_po(file, locale=lang)


def test_every_word_of_the_templates_is_in_the_catalogue():
    with (LOCALE / "pelican-community.pot").open("rb") as file:
        pot = {m.id for m in read_po(file) if m.id}
    assert _template_messages() == pot, "run `make catalogs`"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_translation_is_complete_and_compiled(lang):
    catalogue = _po(lang)
    assert {m.id for m in catalogue if m.id} == _template_messages()
    for message in catalogue:
        if message.id:
            strings = message.string if message.pluralizable else [message.string]
            assert all(strings) and not message.fuzzy, message.id
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    mo = LOCALE / lang / "LC_MESSAGES" / "pelican-community.mo"
    with mo.open("rb") as shipped:
        # What the plugin reads, compared message by message: the header
        # ("Generated-By: Babel x.y") differs between Babel versions.
        assert _messages(shipped) == _messages(compiled), "run `make catalogs`"


def _messages(mo: IO[bytes]) -> dict[object, str]:
    translations = gettext.GNUTranslations(mo)
    catalog: dict[object, str] = dict(translations._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    return catalog


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fr",
            [
                "<h1>Communauté</h1>",
                "3 conversations depuis 2011",
                "Sur <a",
                "A écrit en juin 2015",
                "2 autres personnes ont aimé, partagé ou mis en favori",
            ],
        ),
        (
            "de",
            [
                "<h1>Gemeinschaft</h1>",
                "3 Gespräche seit 2011",
                "Schrieb im Juni 2015",
                "2 weitere Personen haben Beiträge",
            ],
        ),
    ],
)
def test_a_site_in_another_language_gets_the_pages_in_it(site, lang, words):
    _scenario(site)
    site.settings["DEFAULT_LANG"] = lang
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.build()
    page = site.page("community/index.html")
    for expected in words:
        assert expected in page, expected
    article = site.page("post-1/index.html")
    if lang == "fr":
        assert (
            "3 personnes ont pris part à la conversation sur ce billet, "
            "toutes pour la première fois ici." in article
        )
        assert "1 j'aime et 1 partage, de 2 lecteurs" in article
        assert "1 février 2011" in article  # the comment's date
    else:
        assert "1 Like und 1 Repost, von 2 Lesern" in article
        assert "1. Februar 2011" in article


def test_a_language_without_a_catalogue_stays_english(site):
    _scenario(site)
    site.settings["DEFAULT_LANG"] = "pt"
    site.build()
    page = site.page("community/index.html")
    assert "3 conversations since 2011" in page and "Wrote in June 2015" in page


def test_the_sample_site_builds_in_french(tmp_path):
    """`make demo` in French: DEFAULT_LANG = "fr" and nothing else."""
    from pelican import Pelican
    from pelican.settings import read_settings

    root = tmp_path / "sample-site"
    shutil.copytree(
        REPO / "sample-site", root, ignore=shutil.ignore_patterns("output", "cache")
    )
    shutil.copytree(REPO / "theme", tmp_path / "theme")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        Pelican(
            read_settings(
                "pelicanconf.py",
                override={"OUTPUT_PATH": str(root / "output"), "DEFAULT_LANG": "fr"},
            )
        ).run()
    finally:
        os.chdir(cwd)
    page = (root / "output/community/index.html").read_text()
    assert "13 personnes ont écrit 82\u00a0% de la conversation depuis 2013." in page
    assert '<h2 id="friends-title">Amis</h2>' in page
    report = json.loads((root / "output/community/community.json").read_text())
    assert report["people"]  # the report itself stays in English, for tools
    assert not re.search(r"\bconversations since\b", page)


@pytest.mark.parametrize(
    ("lang", "badge", "shown"),
    [("fr", "", "auteur"), ("fr", "autrice", "autrice"), ("en", "", "author")],
)
def test_the_authors_badge_says_their_own_word(site, lang, badge, shown):
    """French says "auteur", not "autrice ou auteur"; COMMUNITY_AUTHOR_BADGE
    lets the author say what they are."""
    _scenario(site)
    site.settings["DEFAULT_LANG"] = lang
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    if badge:
        site.settings["COMMUNITY_AUTHOR_BADGE"] = badge
    site.build()
    article = site.page("post-1/index.html")
    assert re.findall(r'class="community-badge">([^<]*)<', article) == [shown]
