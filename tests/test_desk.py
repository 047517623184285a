"""The author's desk (``pelican-community desk``) and the people-file edits
(``pin``, ``hide``): what the author sees, on small sites with known threads."""

from __future__ import annotations

import difflib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from builders import WxrComment, WxrPost, jf2, jf2_entry, wxr

SAMPLE = Path(__file__).resolve().parent.parent / "sample-site"
NOW = "2026-06-01"
TITLES = ["Zero hour", "First light", "Second draft", "Third act", "Fourth wall"]


def run(site, *args: str, settings: Path | None = None, env: dict | None = None):
    if settings is None:
        site.conf()
        settings = site.root / "pelicanconf.py"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican.plugins.community.cli",
            *args,
            "-s",
            str(settings),
        ],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def c(id: int, author: str, date: str, content: str, **kw) -> WxrComment:
    email = kw.pop("email", f"{author.split()[0].lower()}@mail.example")
    return WxrComment(id, author, date, content=content, email=email, **kw)


def me(id: int, date: str, content: str, parent: int = 0) -> WxrComment:
    return WxrComment(
        id, "Jane Author", date, content=content, parent=parent, user_id=1
    )


def cora_likes(id: int, day: str) -> dict:
    """Cora's like of post 4 on ``day``, through webmention.io."""
    return jf2_entry(
        id,
        "like-of",
        "https://blog.example/post-4/",
        "Cora Comeback",
        "https://mastodon.example/@cora",
        published=f"{day}T10:00:00+00:00",
    )


def desk_site(site) -> None:
    """Known threads, looked at on 1 June 2026:

    - Rita (regular): one comment unanswered (waiting), one answered by a
      reply below it, one answered by a later comment of the author's that
      names her, and one unanswered from 2024 (too old to list);
    - Quinn (regular): three comments a month apart in early 2023, then
      nothing: gone quiet;
    - Sam (regular): steady, last seen in May 2026: not quiet;
    - Olga: a first comment on 20 May 2026, unanswered: a first-timer;
      Otto: a first comment in 2024: not a first-timer any more;
    - Cora: a comment in January 2025, another in May 2026, and a Mastodon
      like (by her profile, merged by name): coming back, with her
      profile URL and handle in the snippet.
    """
    for n, title in enumerate(TITLES):
        site.article(f"post-{n}", title, f"202{n}-01-01")
    posts = [
        WxrPost(
            1,
            "post-0",
            TITLES[0],
            [
                c(1, "Quinn Quiet", "2023-01-01 10:00:00", "Quinn on zero."),
                c(2, "Rita Regular", "2024-01-05 10:00:00", "Rita long ago."),
                c(3, "Otto Old", "2024-02-01 10:00:00", "Otto was here once."),
            ],
        ),
        WxrPost(
            2,
            "post-1",
            TITLES[1],
            [
                c(11, "Quinn Quiet", "2023-02-01 10:00:00", "Quinn on one."),
                c(
                    12,
                    "Rita Regular",
                    "2025-10-01 10:00:00",
                    "Rita waits for an answer.",
                ),
                c(13, "Cora Comeback", "2025-01-01 10:00:00", "Cora says hello."),
                c(14, "Sam Steady", "2025-12-01 10:00:00", "Sam in December."),
            ],
        ),
        WxrPost(
            3,
            "post-2",
            TITLES[2],
            [
                c(21, "Quinn Quiet", "2023-03-01 10:00:00", "Quinn on two, the last."),
                c(22, "Rita Regular", "2025-11-01 10:00:00", "Rita got a reply below."),
                me(23, "2025-11-02 10:00:00", "Thank you!", parent=22),
                c(24, "Sam Steady", "2026-02-01 10:00:00", "Sam in February."),
            ],
        ),
        WxrPost(
            4,
            "post-3",
            TITLES[3],
            [
                c(31, "Rita Regular", "2025-12-01 10:00:00", "Rita answered by name."),
                me(32, "2025-12-03 10:00:00", "Thanks to everyone, and Rita: yes!"),
                c(33, "Sam Steady", "2026-05-01 10:00:00", "Sam in May."),
            ],
        ),
        WxrPost(
            5,
            "post-4",
            TITLES[4],
            [
                c(41, "Cora Comeback", "2026-05-15 10:00:00", "Cora is back."),
                c(
                    42,
                    "Olga Onetime",
                    "2026-05-20 10:00:00",
                    "Olga's very first words.",
                ),
            ],
        ),
    ]
    site.write("data/export.xml", wxr(posts, authors={1: "jane"}))
    site.write("data/webmentions.json", jf2([cora_likes(7, "2026-05-16")]))
    site.write("community.yaml", "me:\n  names: [Jane Author]\n")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"},
        {"type": "webmention.io", "path": "data/webmentions.json"},
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community/community.json"


def section(out: str, title: str) -> str:
    """The terminal desk's section that starts with ``title``."""
    titles = [
        "Waiting for you",
        "First-timers",
        "Gone quiet",
        "Coming back",
        "The circle in numbers",
    ]
    start = out.index(f"\n{title} ")
    ends = [out.find(f"\n{t} ", start + 1) for t in titles]
    return out[start : min([e for e in ends if e > 0] or [len(out)])]


def test_waiting_lists_the_unanswered_and_leaves_out_the_answered(site):
    desk_site(site)
    result = run(site, "desk", "--now", NOW)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b[" not in out  # no colour when it is not a terminal
    assert "as of 1 June 2026" in out
    waiting = section(out, "Waiting for you")
    assert "Rita Regular" in waiting
    assert "Rita waits for an answer." in waiting
    assert "1 Oct 2025" in waiting
    assert "First light" in waiting
    assert "Rita got a reply below" not in out  # a reply of the author's below it
    assert "Rita answered by name" not in out  # a later comment naming her
    # Older than 12 months (Rita's, Quinn's, Cora's first): counted, not listed.
    assert "Rita long ago" not in out
    assert "and 5 older unanswered comments, not listed" in waiting
    # Cora's and Sam's wait too, newest first.
    names = re.findall(r"^\d+ \w+ 20\d\d  (.+?) \(\w+\) on ", waiting, re.M)
    assert names == [
        "Cora Comeback",
        "Sam Steady",
        "Sam Steady",
        "Sam Steady",
        "Rita Regular",
    ]
    first = section(out, "First-timers")
    assert "Olga Onetime" in first and "very first words" in first
    assert "Otto" not in out


def test_a_regular_past_their_rhythm_has_gone_quiet_with_the_right_dates(site):
    desk_site(site)
    out = run(site, "desk", "--now", NOW).stdout
    quiet = section(out, "Gone quiet")
    (row,) = [line for line in quiet.splitlines() if line.startswith("Quinn Quiet")]
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[:5] == [
        "Quinn Quiet",
        "1 Mar 2023",
        "Second draft",
        "every 4 weeks",
        "3 years",
    ]
    assert "Sam Steady" not in quiet and "Rita Regular" not in quiet
    # A later "now" or a shorter floor changes nothing for Sam, who wrote in May.
    sooner = run(site, "desk", "--now", "2026-07-01").stdout
    assert "Sam Steady" not in section(sooner, "Gone quiet")


def test_coming_back_offers_a_snippet_that_merges_them_when_pasted(site):
    desk_site(site)
    out = run(site, "desk", "--now", NOW).stdout
    back = section(out, "Coming back")
    assert "Cora Comeback  returning since 15 May 2026" in back
    assert "paste under friends: in community.yaml" in back
    lines = back.splitlines()
    start = lines.index("  - name: Cora Comeback")
    snippet = []
    for line in lines[start:]:
        if not line.strip():
            break
        snippet.append(line)
    # One-line lists, as the people file writes them (names: [Jane Author]).
    assert snippet == [
        "  - name: Cora Comeback",
        "    urls: [https://mastodon.example/@cora]",
        "    handles: ['@cora@mastodon.example']",
    ]
    assert "Rita" not in back  # a regular since 2025: not news
    assert "Sam Steady  regular since 1 May 2026" in back  # his third post
    # Pasted as is, it pins her: one person, a friend, every interaction hers.
    site.write(
        "community.yaml",
        "me:\n  names: [Jane Author]\nfriends:\n" + "\n".join(snippet) + "\n",
    )
    site.build()
    people = json.loads(site.page("community/community.json"))["people"]
    (cora,) = [p for p in people if p["name"] == "Cora Comeback"]
    assert (cora["role"], cora["counts"]["comment"], cora["counts"]["like"]) == (
        "friend",
        2,
        1,
    )


def test_the_circle_in_numbers_per_year(site):
    desk_site(site)
    out = run(site, "desk", "--now", NOW).stdout
    numbers = section(out, "The circle in numbers")
    rows = {
        line.split("│")[0].strip(): [cell.strip() for cell in line.split("│")[1:]]
        for line in numbers.splitlines()
        if re.match(r"20\d\d ", line)
    }
    # people, new, comments, answered, 80% written by, likes+reposts per comment
    assert rows["2026"] == ["3", "1", "4", "0%", "3 people", "0.2"]
    assert rows["2025"] == ["3", "2", "5", "40%", "2 people", "0.0"]
    assert rows["2023"] == ["1", "1", "3", "0%", "1 person", "0.0"]


PEOPLE_FILE = """\
# My people. Hand-written: keep my comments!
me:
    names: [Jane Author]   # four spaces here, on purpose

friends:
- name: 'Fay Friend'
  note: "Met at the library, 2009"    # quoted, with a comment

# Readers I know by several names.
people:
- name: Cora Comeback
  aliases: [C. Comeback]

hide:
- domain: spam.example
"""


def test_pin_keeps_every_other_byte_and_moves_a_people_entry(site):
    desk_site(site)
    path = site.write("community.yaml", PEOPLE_FILE)
    result = run(site, "pin", "@cora@mastodon.example")
    assert result.returncode == 0, result.stderr
    assert "pinned Cora Comeback under friends:" in result.stdout
    after = path.read_text(encoding="utf-8")
    assert after == PEOPLE_FILE.replace(
        "- name: Cora Comeback\n  aliases: [C. Comeback]\n", ""
    ).replace(
        "# quoted, with a comment\n",
        "# quoted, with a comment\n"
        "- name: Cora Comeback\n"
        "  aliases: [C. Comeback]\n"
        "  urls: [https://mastodon.example/@cora]\n"
        "  handles: ['@cora@mastodon.example']\n",
    )
    # A new entry goes at the end of friends, every other line untouched.
    result = run(site, "pin", "Sam Steady")
    assert result.returncode == 0, result.stderr
    again = path.read_text(encoding="utf-8")
    ops = difflib.SequenceMatcher(
        None, after.splitlines(), again.splitlines()
    ).get_opcodes()
    assert [op[0] for op in ops] == ["equal", "insert", "equal"]
    assert again.splitlines()[ops[1][3] : ops[1][4]] == ["- name: Sam Steady"]
    site.build()
    people = json.loads(site.page("community/community.json"))["people"]
    roles = {p["name"]: p["role"] for p in people}
    assert roles["Cora Comeback"] == roles["Sam Steady"] == "friend"
    again_pin = run(site, "pin", "Sam Steady")
    assert "Sam Steady is already a friend" in again_pin.stdout
    assert path.read_text(encoding="utf-8") == again


def test_pin_dry_run_prints_the_diff_and_writes_nothing(site):
    desk_site(site)
    path = site.write("community.yaml", PEOPLE_FILE)
    result = run(site, "pin", "Rita Regular", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == PEOPLE_FILE
    assert "+- name: Rita Regular\n" in result.stdout
    assert result.stdout.startswith(f"--- {path} (now)\n+++ {path} (after pin)\n")


def test_pin_and_hide_refuse_an_ambiguous_name(site):
    desk_site(site)
    twins = [
        jf2_entry(
            8,
            "in-reply-to",
            "https://blog.example/post-1/",
            "Sam Same",
            "https://sam-one.example/",
        ),
        jf2_entry(
            9,
            "in-reply-to",
            "https://blog.example/post-2/",
            "Sam Same",
            "https://sam-two.example/",
        ),
    ]
    site.write("data/webmentions.json", jf2(twins))
    path = site.write("community.yaml", PEOPLE_FILE)
    for command in ("pin", "hide"):
        result = run(site, command, "Sam Same")
        assert result.returncode == 1
        assert "2 people match 'Sam Same'" in result.stderr
        assert "Give their URL or handle instead." in result.stderr
    assert path.read_text(encoding="utf-8") == PEOPLE_FILE
    nobody = run(site, "pin", "No Such Person")
    assert nobody.returncode == 1
    assert "no one on the community page matches 'No Such Person'" in nobody.stderr
    one = run(site, "pin", "https://sam-two.example/")
    assert one.returncode == 0, one.stderr
    assert "  urls: [https://sam-two.example/]\n" in path.read_text(encoding="utf-8")


def test_hide_adds_a_rule_per_address_and_the_person_is_gone(site):
    desk_site(site)
    path = site.write("community.yaml", PEOPLE_FILE)
    result = run(site, "hide", "Cora Comeback")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == PEOPLE_FILE + (
        "# Cora Comeback: hidden with pelican-community hide\n"
        "- url: https://mastodon.example/@cora\n"
        "- handle: '@cora@mastodon.example'\n"
        "- name: Cora Comeback\n"  # her comments gave no address
    )
    site.build()
    people = json.loads(site.page("community/community.json"))["people"]
    assert "Cora Comeback" not in {p["name"] for p in people}


def test_pin_into_a_file_without_friends_or_no_file_at_all(site):
    desk_site(site)
    path = site.root / "community.yaml"
    path.unlink()
    assert run(site, "pin", "Olga Onetime").returncode == 0
    assert path.read_text(encoding="utf-8") == "friends:\n  - name: Olga Onetime\n"
    path.write_text("me:\n  names: [Jane Author]\nfriends: []  # none yet\n")
    assert run(site, "pin", "Olga Onetime").returncode == 0
    assert path.read_text(encoding="utf-8") == (
        "me:\n  names: [Jane Author]\nfriends:\n  - name: Olga Onetime\n"
    )


def test_the_html_desk_is_private_and_self_contained(site, tmp_path):
    desk_site(site)
    site.build()
    published = {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    cache = tmp_path / "xdg"
    result = run(
        site, "desk", "--html", "--now", NOW, env={"XDG_CACHE_HOME": str(cache)}
    )
    assert result.returncode == 0, result.stderr
    (page,) = (cache / "pelican-community").glob("desk-*.html")
    assert result.stdout.strip() == f"your desk: {page.as_uri()}"
    text = page.read_text(encoding="utf-8")
    assert "Rita waits for an answer." in text
    assert "<script" not in text and "src=" not in text and "@import" not in text
    for secret in ("@mail.example", "192.0.2."):
        assert secret not in text and secret not in result.stdout
    # Nothing of it reaches the site, the published JSON or the archive.
    site.build()
    assert {
        p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()
    } == published
    assert not any("Your desk" in p.read_text(errors="ignore") for p in published)
    # Refused inside OUTPUT_PATH.
    inside = run(site, "desk", "--html", str(site.output / "desk.html"))
    assert inside.returncode == 2
    assert "inside OUTPUT_PATH" in inside.stderr and "is published" in inside.stderr
    assert not (site.output / "desk.html").exists()


def test_desk_settings_are_checked(site):
    desk_site(site)
    site.settings["COMMUNITY_DESK_QUIET_MONTHS"] = 0
    result = run(site, "desk")
    assert result.returncode == 2
    assert "COMMUNITY_DESK_QUIET_MONTHS: must be 1 or more, not 0" in result.stderr
    site.settings["COMMUNITY_DESK_QUIET_MONTHS"] = 30
    quiet = section(run(site, "desk", "--now", NOW).stdout, "Gone quiet")
    assert "Quinn Quiet" in quiet  # silent 39 months
    site.settings["COMMUNITY_DESK_QUIET_MONTHS"] = 40
    assert "Quinn Quiet" not in section(
        run(site, "desk", "--now", NOW).stdout, "Gone quiet"
    )
    bad = run(site, "desk", "--now", "last sunday")
    assert bad.returncode == 2
    assert "--now: 'last sunday' is not a day such as 2026-09-19" in bad.stderr


def test_the_sample_sites_desk_shows_something_in_every_section(tmp_path):
    page = tmp_path / "desk.html"
    result = run(None, "desk", "--html", str(page), settings=SAMPLE / "pelicanconf.py")
    assert result.returncode == 0, result.stderr
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert 'class="empty"' not in text
    for expected in (
        "Jonah Pryce",  # waiting: his Mastodon reply
        "Tobias Fenn",  # first-timer
        "Dolores O'Brien",  # gone quiet
        "Kit Marlowe-Reyes",  # coming back
        "2013",  # in numbers
    ):
        assert expected in text


def test_the_desk_never_says_everyone_is_answered_when_some_are_not(site):
    desk_site(site)
    # Five years on, every unanswered comment is older than the listed months.
    out = run(site, "desk", "--now", "2031-06-01").stdout
    waiting = section(out, "Waiting for you")
    assert "you have answered everyone" not in waiting
    assert "Nothing waiting from the last 12 months, but" in waiting
    assert "older comments are still unanswered (not listed)" in waiting


def test_a_year_with_reactions_only_prints_no_row(site):
    desk_site(site)
    site.write("data/webmentions.json", jf2([cora_likes(8, "2019-05-16")]))
    numbers = section(run(site, "desk", "--now", NOW).stdout, "The circle in numbers")
    years = [line.split("│")[0].strip() for line in numbers.splitlines()]
    assert "2023" in years
    assert "2019" not in years


def sample_desk(**env: str) -> str:
    """The sample site's terminal desk, as an 80-column terminal shows it."""
    result = run(
        None,
        "desk",
        settings=SAMPLE / "pelicanconf.py",
        env={"COLUMNS": "80", "FORCE_HYPERLINK": "0", **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


BLUESKY_LINK = (
    "https://bsky.app/profile/did:plc:ayear6rxqjxjcxpq32uu66qz/post/3mvo22hagq2km"
)


def test_in_80_columns_addresses_stay_whole_and_names_uncut():
    out = sample_desk()
    lines = out.splitlines()
    # Each address whole, on a line of its own, to click or copy.
    assert f"  {BLUESKY_LINK}" in lines
    addresses = [line for line in lines if line.startswith("  https://")]
    # (Comments imported from the old blog carry no address: it is gone.)
    assert len(addresses) == 4 and all(" " not in a.strip() for a in addresses)
    others = [line for line in lines if "https://" in line and line not in addresses]
    assert all(re.fullmatch(r" +- https://\S+", line) for line in others), others
    # Everything else fits the 80 columns, the summary in one line.
    assert [line for line in lines if len(line) > 80 and line not in addresses] == []
    assert (
        lines[1] == "6 waiting for you · 1 first-timer · 2 gone quiet · 1 coming back"
    )
    for name in ("Kit Marlowe-Reyes", "Dolores O'Brien", "Grace Lindqvist"):
        assert name in out
    assert not re.search(r"\w…\s*[│┃]", out), "a name cut short"
    # Gone quiet has no empty column: no "still reading" when nobody is.
    quiet = section(out, "Gone quiet")
    header = next(line for line in quiet.splitlines() if line.startswith("who "))
    assert header.split("┃")[-1].strip() == "silent for"
    assert "still reading" not in quiet


def test_a_terminal_that_shows_hyperlinks_gets_short_clickable_links():
    linked = sample_desk(FORCE_COLOR="1", FORCE_HYPERLINK="1")
    assert "\x1b]8;id=" in linked and f";{BLUESKY_LINK}\x1b\\" in linked
    assert "open on bsky.app" in linked
    visible = re.sub(r"\x1b\]8;[^\x1b]*\x1b\\|\x1b\[[0-9;]*m", "", linked)
    assert BLUESKY_LINK not in visible
    # A terminal not known to show them gets the whole address, in colour.
    plain = sample_desk(FORCE_COLOR="1", TERM_PROGRAM="", TERM="xterm")
    assert "\x1b]8;" not in plain and "\x1b[" in plain
    assert f"  \x1b[36m{BLUESKY_LINK}\x1b[0m" in plain.splitlines()
    # Piped to a file: never an escape code, whatever the terminal says.
    piped = sample_desk(TERM_PROGRAM="WezTerm")
    assert "\x1b" not in piped and f"  {BLUESKY_LINK}" in piped.splitlines()


BLOCK_FILE = """\
friends:
  - name: Fay Friend
    urls:
      - https://fay.example/
      - https://mastodon.example/@fay
    handles: ["@fay@mastodon.example"]
"""


def test_pin_writes_each_list_as_the_file_writes_it(site):
    """URLs as block lists and handles on one line, as the file does; a
    list the file never writes follows the file as a whole."""
    desk_site(site)
    path = site.write("community.yaml", "me:\n  names: [Jane Author]\n" + BLOCK_FILE)
    result = run(site, "pin", "Cora Comeback")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == (
        "me:\n  names: [Jane Author]\n" + BLOCK_FILE + "  - name: Cora Comeback\n"
        "    urls:\n"
        "      - https://mastodon.example/@cora\n"
        "    handles: ['@cora@mastodon.example']\n"
    )
    # A file of block lists only: the new entry's lists are blocks too.
    block_only = BLOCK_FILE.replace(
        '["@fay@mastodon.example"]', "\n      - '@fay@mastodon.example'"
    )
    path = site.write("community.yaml", block_only)
    assert run(site, "pin", "Cora Comeback").returncode == 0
    assert path.read_text(encoding="utf-8").endswith(
        "    handles:\n      - '@cora@mastodon.example'\n"
    )


def test_a_mistyped_name_gets_a_did_you_mean(site):
    desk_site(site)
    path = site.write("community.yaml", PEOPLE_FILE)
    site.build()  # forget looks in the archive the build fills
    typo = run(site, "pin", "Rita Regulr")
    assert typo.returncode == 1
    assert typo.stderr.strip() == (
        "pelican-community: no one on the community page matches 'Rita Regulr'; "
        "did you mean 'Rita Regular'?"
    )
    assert "did you mean 'Quinn Quiet'?" in run(site, "hide", "quinn").stderr
    assert "did you mean 'Olga Onetime'?" in run(site, "forget", "Olga Ontime").stderr
    # Nothing close: no guess, and never an address.
    far = run(site, "pin", "Zzyzx")
    assert far.stderr.strip().endswith("matches 'Zzyzx'")
    assert path.read_text(encoding="utf-8") == PEOPLE_FILE


def test_gone_quiet_says_who_still_reads(site):
    """A like since their last comment shows in a "still reading" column;
    the column is there only when someone is."""
    desk_site(site)
    like = jf2_entry(
        9,
        "like-of",
        "https://blog.example/post-4/",
        "Quinn Quiet",
        "https://mastodon.example/@quinn",
        published="2026-03-02T10:00:00+00:00",
    )
    site.write("data/webmentions.json", jf2([cora_likes(7, "2026-05-16"), like]))
    quiet = section(run(site, "desk", "--now", NOW).stdout, "Gone quiet")
    header = next(line for line in quiet.splitlines() if line.startswith("who "))
    assert [cell.strip() for cell in header.split("┃")][-1] == "still reading"
    (row,) = [line for line in quiet.splitlines() if line.startswith("Quinn Quiet")]
    assert row.split("│")[-1].strip() == "Mar 2026"
