"""Shared test fixtures: paths to the real-world files and tiny site builders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_env import chromium_missing
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples on every run and every machine: a
# failure in CI is a failure on the next run and on a laptop, never a
# one-off found by chance in a fresh example database. A failing example
# prints the blob that replays it (@reproduce_failure). Examples per test
# stay at hypothesis' 100 unless a test asks for more.
# HYPOTHESIS_PROFILE=explore searches afresh (random, with the database).
hypothesis_settings.register_profile(
    "ci", derandomize=True, database=None, print_blob=True, deadline=None
)
hypothesis_settings.register_profile("explore", print_blob=True, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_BROWSER_SKIPPED = pytest.StashKey[str]()


def pytest_collection_modifyitems(config, items) -> None:
    """Without Chromium, the tests marked ``browser`` are left out, and the
    run ends with one line saying which and how to get them."""
    reason = chromium_missing()
    browser = [item for item in items if item.get_closest_marker("browser")]
    if reason and browser:
        items[:] = [item for item in items if item not in browser]
        config.hook.pytest_deselected(items=browser)
        files = sorted({item.location[0] for item in browser})
        config.stash[_BROWSER_SKIPPED] = (
            f"SKIPPED {len(browser)} browser tests ({', '.join(files)}): {reason}"
        )


def pytest_terminal_summary(terminalreporter) -> None:
    line = terminalreporter.config.stash.get(_BROWSER_SKIPPED, "")
    if line:
        terminalreporter.write_line(line, yellow=True)


TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
REAL_WORLD = FIXTURES / "real-world"


@pytest.fixture(autouse=True, scope="session")
def _own_user_cache_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cache's signing key (``$XDG_CACHE_HOME``) in a folder of the
    suite's own, never the real user's (subprocesses inherit it)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))


@pytest.fixture
def real_world() -> Path:
    """Folder of exports and API responses from other projects' test suites."""
    return REAL_WORLD


@pytest.fixture
def fixtures() -> Path:
    """Folder of small files written for these tests."""
    return FIXTURES


class Site:
    """A tiny Pelican site in a temp folder, built in-process like `pelican content`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.content.mkdir(parents=True, exist_ok=True)
        self.settings: dict = {
            "PATH": "content",
            "OUTPUT_PATH": "output",
            "SITENAME": "Test Blog",
            "SITEURL": "https://blog.example",
            "TIMEZONE": "UTC",
            "DEFAULT_LANG": "en",
            "ARTICLE_URL": "{slug}/",
            "ARTICLE_SAVE_AS": "{slug}/index.html",
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None,
            "AUTHOR_FEED_RSS": None,
            "TRANSLATION_FEED_ATOM": None,
            "PLUGINS": ["pelican.plugins.community"],
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
        }

    def article(
        self, slug: str, title: str, date: str, body: str = "Words.", **meta: str
    ) -> None:
        lines = [f"Title: {title}", f"Date: {date}", f"Slug: {slug}"]
        lines += [
            f"{key.replace('_', ' ').title().replace(' ', '_')}: {value}"
            for key, value in meta.items()
        ]
        (self.content / f"{slug}.md").write_text(
            "\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8"
        )

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def conf(self) -> Path:
        body = "".join(f"{key} = {value!r}\n" for key, value in self.settings.items())
        path = self.root / "pelicanconf.py"
        path.write_text(body, encoding="utf-8")
        return path

    def build(self) -> Path:
        """Run Pelican on the site from its own folder; return the output folder."""
        import os

        from pelican import Pelican
        from pelican.settings import read_settings

        conf = self.conf()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            Pelican(read_settings(str(conf))).run()
        finally:
            os.chdir(cwd)
        return self.output

    def page(self, relative: str) -> str:
        return (self.output / relative).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A fresh tiny site; add articles, sources and settings, then build()."""
    return Site(tmp_path / "site")
