"""The community page and a busy article, looked at in a real browser.

The sample site is built once per theme (the project's theme, Pelican's
``notmyidea`` and ``simple``, two themes from PyPI and two vendored under
``tests/fixtures/themes/``), then opened in
headless Chromium at a desktop and a phone width: no sideways scrolling,
the lists on screen, threads readable, axe-core finding nothing serious in
the plugin's markup, and the Nu HTML Checker (vnu) no error in it.
Screenshots land in ``build/browser/``.

Chromium comes from Debian (``.ci/run`` installs it); axe-core and vnu from
npm (``make test`` installs them into ``node_modules/``); vnu runs on Java.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_env import CHROMIUM
from builders import WxrComment, WxrPost, wxr

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample-site"
NODE_MODULES = REPO / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = REPO / "build" / "browser"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: The busy article: Mastodon and Bluesky threads, content warnings, and
#: (added below) a reply chain twelve deep and a comment in Arabic.
BUSY = "the-circle-counted"
WIDTHS = (1280, 390)
PAGES = {"community": "community/index.html", "article": f"{BUSY}/index.html"}
#: The plugin's own markup on a page: what axe and vnu are held to.
PLUGIN_PARTS = (
    ".community-page",
    ".community-thanks",
    ".community-conversation",
    ".community-reply",
)
VENDORED = REPO / "tests" / "fixtures" / "themes"
#: Where readers send webmentions in the built site (a webmention.io
#: source with a domain, added below) and write back by email.
WEBMENTION = "https://webmention.io/marenashdown.example/webmention"
REPLY_EMAIL = "maren@marenashdown.example"
MENU = [("Community", "/community/")]


def _installed_theme(name: str) -> str:
    spec = importlib.util.find_spec(f"pelican.themes.{name}")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(f"the theme pelican-theme-{name} is not installed: make test")
    return next(iter(spec.submodule_search_locations))


#: theme -> (THEME, extra settings). Only the project's theme includes the
#: lists itself; the others get them through COMMUNITY_THANKS_IN_CONTENT,
#: as docs/themes.md tells their users.
THEMES = {
    "project": (lambda: str(REPO / "theme"), {}),
    "notmyidea": (lambda: "notmyidea", {"MENUITEMS": MENU}),
    "simple": (lambda: "simple", {"MENUITEMS": MENU}),
    "reflex": (
        lambda: _installed_theme("reflex"),
        # Reflex shows MENUITEMS only with MAIN_MENU, and its footer needs
        # CC_LICENSE to exist.
        {
            "MENUITEMS": MENU,
            "MAIN_MENU": True,
            "USE_GOOGLE_FONTS": False,
            "CC_LICENSE": {},
        },
    ),
    "smallweb": (
        lambda: _installed_theme("smallweb"),
        # Its banner shows the page's title as the heading already.
        {
            "MENUITEMS": MENU,
            "ALLOW_GOOGLE_FONTS": False,
            "COMMUNITY_PAGE_HEADING": False,
        },
    ),
    # Alchemy's menu is LINKS (opened in a new tab), not MENUITEMS.
    "alchemy": (lambda: str(VENDORED / "alchemy"), {"LINKS": MENU}),
    # Elegant's menu is its pages, categories, tags and archives only.
    "elegant": (lambda: str(VENDORED / "elegant"), {}),
}
#: Themes whose menu takes no link of your own (link the page from a page).
NO_MENU = {"elegant"}

ARABIC = "شكرا على هذه التدوينة الجميلة، قرأتها مرتين."


def _extra_thread() -> str:
    """A reply chain twelve deep (two readers answering each other) and a
    comment in Arabic, on the busy article."""
    comments = [
        WxrComment(
            9000 + depth,
            "Wren Calloway" if depth % 2 else "Basil Odum",
            f"2026-09-{15 + depth // 3:02d} {10 + depth % 3}:00:00",
            content=f"Reply at depth {depth}: the tide table, again, and why it matters.",
            email=f"reader{depth % 2}@mail.example",
            parent=9000 + depth - 1 if depth else 0,
        )
        for depth in range(12)
    ]
    comments.append(
        WxrComment(
            9100,
            "ليلى حداد",
            "2026-09-20 09:00:00",
            content=ARABIC,
            email="layla@mail.example",
        )
    )
    return wxr([WxrPost(1, BUSY, "The Circle, Counted", comments)])


def _build(theme: str, root: Path) -> Path:
    from pelican import Pelican
    from pelican.settings import read_settings

    shutil.copytree(
        SAMPLE, root, ignore=shutil.ignore_patterns("output", "cache", "__pycache__")
    )
    (root / "data" / "browser-thread.xml").write_text(_extra_thread())
    theme_path, extra = THEMES[theme]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        settings = read_settings(
            "pelicanconf.py",
            override={
                "OUTPUT_PATH": str(root / "output"),
                "CACHE_PATH": str(root / "cache"),
                "THEME": theme_path(),
                "COMMUNITY_THANKS_IN_CONTENT": theme != "project",
                "COMMUNITY_REPLY_EMAIL": REPLY_EMAIL,
                **extra,
            },
        )
        settings["COMMUNITY_SOURCES"] = [
            *settings["COMMUNITY_SOURCES"],
            {"type": "wordpress", "path": "data/browser-thread.xml"},
            {"type": "webmention.io", "domain": "marenashdown.example"},
        ]
        Pelican(settings).run()
    finally:
        os.chdir(cwd)
    return root / "output"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """theme -> the built sample site's output folder, each built once."""
    built: dict[str, Path] = {}

    class Sites(dict):
        def __missing__(self, theme: str) -> Path:
            root = tmp_path_factory.mktemp(f"site-{theme}") / "sample-site"
            built[theme] = _build(theme, root)
            return built[theme]

    return Sites()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium, driven by Playwright (no browser download)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="make test")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


def _open(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    # Nothing leaves the machine: a theme's web fonts or counters are refused.
    page.route(re.compile(r"^(?!file:)"), lambda route: route.abort("blockedbyclient"))
    page.goto(path.as_uri())
    return page


def _screenshot(page, theme: str, name: str, width: int) -> None:
    """The whole page, and what the first screen shows (``make screenshots``
    copies two of those into docs/ for the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{theme}-{name}-{width}.png", full_page=True)
    page.screenshot(path=SCREENSHOTS / f"{theme}-{name}-{width}-top.png")


LAYOUT = """(parts) => {
  const doc = document.documentElement;
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height}; };
  const all = (sel) => [...document.querySelectorAll(sel)];
  const avatar = document.querySelector('.community-avatar');
  const a = avatar && getComputedStyle(avatar);
  const list = document.querySelector('.community-conversation ol');
  return {
    scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth,
    parts: Object.fromEntries(parts.map((s) => [s, all(s).map(box)])),
    cards: all('.community-card').map(box),
    texts: all('.community-content').map(box),
    permalinks: all('.community-comment').map(
      (c) => !!c.querySelector(':scope > .community-meta a.community-permalink')),
    avatar: a && {width: avatar.offsetWidth, height: avatar.offsetHeight,
      radius: a.borderTopLeftRadius, background: a.backgroundColor},
    listStyle: list && getComputedStyle(list).listStyleType,
    menu: all('nav a, header a').some((l) => l.textContent.trim() === 'Community'
      && l.getAttribute('href').replace(/^.*\\/community\\/?$/, 'ok') === 'ok'),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", THEMES)
def test_the_community_page_fits_and_reads(browser, sites, theme, width):
    page = _open(browser, sites[theme] / PAGES["community"], width)
    _screenshot(page, theme, "community", width)
    layout = page.evaluate(LAYOUT, list(PLUGIN_PARTS))
    assert layout["scrollWidth"] <= layout["innerWidth"], "scrolls sideways"
    [main] = layout["parts"][".community-page"]
    assert main["width"] >= min(width - 40, 500), main
    # The cards are on screen, off the window's edges.
    cards = layout["cards"]
    assert len(cards) >= 10 and all(c["height"] > 0 for c in cards)
    assert min(c["left"] for c in cards) >= 8, cards
    assert max(c["right"] for c in cards) <= width - 8, cards
    for text in ("Ruth Okafor", "Jonah Pryce", "Welcome"):
        assert page.get_by_text(text, exact=False).first.is_visible(), text
    avatar = layout["avatar"]
    assert avatar["width"] == avatar["height"] >= 24, avatar
    assert avatar["radius"] != "0px" and avatar["background"] != "rgba(0, 0, 0, 0)"
    assert layout["menu"] or theme in NO_MENU, "no Community link in the menu"
    # The page is titled once: the theme's heading or the plugin's.
    titles = page.locator("h1:visible, h2:visible").all_inner_texts()
    assert len([t for t in titles if t.strip().startswith("Community")]) == 1, titles
    # One drawing of the chart shows: the narrow one on a phone.
    charts = page.locator(".community-chart svg")
    shown = [charts.nth(n) for n in range(charts.count()) if charts.nth(n).is_visible()]
    assert len(shown) == 1, "both drawings of the chart, or neither"
    [chart] = shown
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    # Its words are drawn at 12 px: shown at no less than 85% of that, on a
    # phone too (where the narrow drawing is chosen), they stay legible.
    drawn = float(chart.get_attribute("width"))
    assert box["width"] / drawn >= 0.85, (box["width"], drawn)
    assert layout_key_visible(page)
    assert chart_in_the_themes_colours(chart, theme)
    page.close()


CHART_COLOURS = """(svg) => {
  const fill = (s) => { const e = svg.querySelector(s);
    return e && getComputedStyle(e).fill; };
  return {text: getComputedStyle(svg).color, new: fill(".community-bar-new"),
          returning: fill(".community-bar-returning")};
}"""


def chart_in_the_themes_colours(chart, theme: str) -> bool:
    """The bars differ, and take the theme's text colour where the theme
    sets no colour of its own for them (the project theme does)."""
    colours = chart.evaluate(CHART_COLOURS)
    assert colours["new"] and colours["returning"], colours
    assert colours["new"] != colours["returning"], colours
    if theme != "project":
        assert colours["new"] == colours["text"], colours
    return True


def layout_key_visible(page) -> bool:
    """The chart's key (in the page's words) shows both colours."""
    key = page.locator(".community-chart-key > span")
    colours = key.evaluate_all(
        "(spans) => spans.map((s) => getComputedStyle(s, '::before').backgroundColor)"
    )
    return key.count() == 2 and len(set(colours)) == 2 and key.first.is_visible()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", THEMES)
def test_a_busy_article_fits_and_its_threads_stay_readable(
    browser, sites, theme, width
):
    page = _open(browser, sites[theme] / PAGES["article"], width)
    _screenshot(page, theme, "article", width)
    layout = page.evaluate(LAYOUT, list(PLUGIN_PARTS))
    assert layout["scrollWidth"] <= layout["innerWidth"], "scrolls sideways"
    for part in (".community-thanks", ".community-conversation"):
        [box] = layout["parts"][part]
        assert box["height"] > 0 and box["left"] >= 0 and box["right"] <= width, part
    # Even twelve replies deep, a comment keeps most of the column.
    texts = layout["texts"]
    assert len(texts) >= 25
    narrowest = min(t["width"] for t in texts)
    assert narrowest >= 0.6 * max(t["width"] for t in texts), texts
    assert layout["listStyle"] == "none"
    assert all(layout["permalinks"]), "a comment without its permalink"
    assert page.get_by_text("Reply at depth 11").is_visible()
    arabic = page.get_by_text(ARABIC)
    assert arabic.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    page.close()


AXE_RUN = """async (parts) => {
  const present = parts.filter((s) => document.querySelector(s)).map((s) => [s]);
  const ours = await axe.run({include: present}, {resultTypes: ['violations']});
  // The colours the theme gives its own text elsewhere on the page.
  const contrast = ours.violations.some((v) => v.id === 'color-contrast');
  const theirs = contrast ? await axe.run({exclude: present},
    {runOnly: ['color-contrast'], resultTypes: ['violations']}) : {violations: []};
  const pair = (node) => node.any.concat(node.all, node.none)
    .map((check) => check.data && check.data.fgColor + '/' + check.data.bgColor)
    .find(Boolean);
  return {ours: ours.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target[0], pair: pair(n)}))})),
          theirs: theirs.violations.flatMap((v) => v.nodes.map(pair))};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_nothing_serious_in_the_plugins_markup(browser, sites, theme, name):
    """No serious or critical violation in the plugin's markup. A colour
    pair the theme itself uses for its own text on the page (notmyidea's
    links, 4.4:1) is the theme's choice: the plugin keeps the theme's
    colours, so that contrast is reported to the theme, not here."""
    if not AXE.exists():
        pytest.skip("axe-core is not in node_modules/: make test installs it")
    page = _open(browser, sites[theme] / PAGES[name], 1280)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN, list(PLUGIN_PARTS))
    page.close()
    themes_own = set(result["theirs"])
    serious = []
    for violation in result["ours"]:
        nodes = [
            n
            for n in violation["nodes"]
            if violation["id"] != "color-contrast" or n["pair"] not in themes_own
        ]
        if nodes and violation["impact"] in ("serious", "critical"):
            serious.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}: "
                + "; ".join(f"{n['target']} {n['pair'] or ''}" for n in nodes[:3])
            )
    assert serious == []


@pytest.fixture(scope="module")
def vnu_errors(sites) -> dict[str, list[str]]:
    """Every page of ``PAGES`` in every theme checked by vnu in one run;
    page -> the errors whose line falls inside the plugin's markup."""
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.skip("the HTML check needs java and node_modules/vnu-jar: make test")
    files = {
        f"{theme}/{name}": sites[theme] / path
        for theme in THEMES
        for name, path in PAGES.items()
    }
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only"]
        + [str(path) for path in files.values()],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(run.stderr)["messages"]
    found: dict[str, list[str]] = {key: [] for key in files}
    for key, path in files.items():
        regions = _plugin_lines(path.read_text(encoding="utf-8"))
        uri = path.as_uri()
        for message in messages:
            line = message.get("lastLine", 0)
            if message.get("url") == uri and any(a <= line <= b for a, b in regions):
                found[key].append(f"line {line}: {message['message']}")
    return found


def _plugin_lines(html: str) -> list[tuple[int, int]]:
    """Line ranges of the plugin's markup: its page, its two sections and
    the stylesheet link."""
    regions = []
    pattern = re.compile(
        r'<article class="community-page".*?</article>'
        r'|<section class="community-(?:thanks|conversation|reply)".*?</section>'
        r"|<link[^>]*community\.css[^>]*>",
        re.S,
    )
    for match in pattern.finditer(html):
        first = html.count("\n", 0, match.start()) + 1
        regions.append((first, first + match.group(0).count("\n")))
    return regions


@pytest.mark.parametrize("theme", THEMES)
def test_the_plugins_markup_is_valid_html(vnu_errors, theme):
    for name in PAGES:
        assert vnu_errors[f"{theme}/{name}"] == [], name


@pytest.mark.browser
@pytest.mark.parametrize("theme", THEMES)
def test_a_reader_can_write_back_under_a_post(browser, sites, theme):
    """Reply on Mastodon or Bluesky (the post's announcement), by email
    with the post's title, or by webmention: a plain form, no script."""
    page = _open(browser, sites[theme] / PAGES["article"], 390)
    reply = page.locator(".community-reply")
    assert reply.is_visible()
    box = reply.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    mastodon = page.get_by_role("link", name="Reply on Mastodon")
    assert mastodon.get_attribute("href").startswith("https://mastodon.example/")
    bluesky = page.get_by_role("link", name="Reply on Bluesky")
    assert bluesky.get_attribute("href").startswith("https://bsky.app/profile/")
    email = page.get_by_role("link", name="Reply by email").get_attribute("href")
    assert email == (
        "mailto:maren%40marenashdown.example?subject=Re%3A%20The%20Circle%2C%20Counted"
    )
    form = page.locator("form.community-webmention")
    assert form.get_attribute("action") == WEBMENTION
    assert form.get_attribute("method") == "post"
    assert form.locator("script").count() == 0
    field = page.get_by_label("Paste the address of your page", exact=False)
    assert field.get_attribute("type") == "url" and field.is_visible()
    target = form.locator("input[name=target]").get_attribute("value")
    assert target.endswith(f"{BUSY}/")
    for link in (mastodon, bluesky, field, page.get_by_role("button")):
        assert link.bounding_box()["height"] >= 24
    if theme == "project":
        head = page.locator('head link[rel="webmention"]')
        assert head.get_attribute("href") == WEBMENTION
    page.close()


@pytest.fixture(scope="module")
def desk_page(tmp_path_factory) -> Path:
    """The sample site's private desk page (``pelican-community desk --html``)."""
    page = tmp_path_factory.mktemp("desk") / "desk.html"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "pelican.plugins.community.cli", "desk"),
            *("--html", str(page), "-s", str(SAMPLE / "pelicanconf.py")),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return page


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_desk_page_fits_and_passes_axe(browser, desk_page, width):
    """The desk on a phone and a desktop: the page never scrolls sideways
    (the YAML to paste and the table of years scroll in their own boxes,
    which a keyboard can reach), and axe finds nothing serious in it."""
    page = _open(browser, desk_page, width)
    _screenshot(page, "desk", "desk", width)
    fits = page.evaluate(
        """() => ({scrollWidth: document.documentElement.scrollWidth,
          boxes: [...document.querySelectorAll('.card, pre, .numbers, .summary')]
            .map((el) => { const r = el.getBoundingClientRect();
              return [el.className || el.tagName, r.left, r.right]; })})"""
    )
    assert fits["scrollWidth"] <= width, "scrolls sideways"
    assert fits["boxes"] and all(
        left >= 0 and right <= width for _, left, right in fits["boxes"]
    ), fits["boxes"]
    for scroller in (page.locator(".numbers"), page.locator("pre").first):
        assert scroller.get_attribute("tabindex") == "0"
    assert page.get_by_text("Kit Marlowe-Reyes", exact=True).first.is_visible()
    if not AXE.exists():
        pytest.skip("axe-core is not in node_modules/: make test installs it")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']}))
          .violations.filter((v) => ['serious', 'critical'].includes(v.impact))
          .map((v) => v.id + ': ' + v.nodes.map((n) => n.target[0]).join(', '))"""
    )
    page.close()
    assert found == []


def test_the_desk_page_is_valid_html(desk_page):
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.skip("the HTML check needs java and node_modules/vnu-jar: make test")
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", str(desk_page)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = json.loads(run.stderr)["messages"]
    assert [f"line {e.get('lastLine')}: {e['message']}" for e in errors] == []
