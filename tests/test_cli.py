"""The pelican-community command: report, check, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from builders import jf2, jf2_entry
from test_site_build import _plugin_warnings, _scenario


def run(site, *args):
    site.conf()
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican.plugins.community.cli",
            *args,
            "-s",
            str(site.root / "pelicanconf.py"),
        ],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=120,
    )


def test_report_json_is_the_published_json_with_the_authors_reasons(site):
    _scenario(site)
    site.build()
    result = run(site, "report", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert all(person["reasons"] for person in report["people"])
    for person in report["people"]:
        person.pop("reasons")
        person.pop("note", None)
    assert report == json.loads(site.page("community/community.json"))


def test_report_table_lists_people_by_role(site):
    _scenario(site)
    result = run(site, "report")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "NAME",
        "ROLE",
        "POSTS",
        "COMMENTS",
        "MENTIONS",
        "REACTIONS",
        "LAST",
        "SEEN",
    ]
    assert lines[1].split()[:4] == ["Karen", "Bell", "friend", "1"]
    assert lines[2].split()[:5] == ["Priya", "Nair", "regular", "3", "3"]
    assert (
        lines[-1]
        == "7 people: 1 friend, 1 regular, 1 returning, 2 one-offs, 2 drive-bys; 0 unmatched"
    )


def test_check_suggests_pinning_regulars_and_merging_look_alikes(site):
    _scenario(site)
    site.write(
        "data/webmentions.json",
        json.dumps(
            {
                "children": [
                    {
                        "type": "entry",
                        "author": {"name": "T. Reader", "url": "https://tr.example/"},
                        "url": "https://tr.example/1",
                        "published": "2020-01-01T00:00:00Z",
                        "wm-id": 1,
                        "wm-property": "in-reply-to",
                        "wm-target": "https://old.example/gone-post/",
                        "in-reply-to": "https://old.example/gone-post/",
                    },
                ]
            }
        ),
    )
    result = run(site, "check")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        "Regulars you have not pinned: paste under 'friends:' those who are friends:\n"
        "friends:\n"
        '  - {name: "Priya Nair"}  # regular: commented on 3 posts since February 2011\n'
    ) in out
    assert (
        "people:\n"
        '  - {name: "Tom Reader", aliases: ["T. Reader"], urls: ["https://tr.example"]}'
        "  # one-off + returning\n"
    ) in out
    assert (
        "1 interaction at 1 address matches no post (they still count for "
        "their person).\n"
        "No article is close to these (import the old post as an article, "
        "or ignore it):\n"
        "      1  https://old.example/gone-post/\n"
    ) in out


def test_bad_input_exits_non_zero_with_one_message(site):
    _scenario(site)
    site.write("community.yaml", "friends:\n  - name: [x]\n")
    result = run(site, "report")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"pelican-community: error: {site.root / 'community.yaml'}:2: friends[0].name must be text"
    ]
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican.plugins.community.cli",
            "check",
            "-s",
            "/nonexistent/pelicanconf.py",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2
    assert "/nonexistent/pelicanconf.py: settings file not found" in missing.stderr


def test_check_and_report_write_nothing(site):
    _scenario(site)
    for command in (["check"], ["report"], ["report", "--json"]):
        result = run(site, *command)
        assert result.returncode == 0, result.stderr
    assert not (site.root / "community-archive").exists()


def test_forget_erases_a_person_for_good_and_says_what(site):
    _scenario(site)
    site.build()
    dry = run(site, "forget", "Priya Nair", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        dry.stdout
        == "would erase 3 interactions of Priya Nair: 3 from wordpress-export\n"
    )
    result = run(site, "forget", "Priya Nair")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[0]
        == "erased 3 interactions of Priya Nair: 3 from wordpress-export"
    )
    assert "remove their entry from" in result.stdout  # she is in the people file
    archive = "".join(
        p.read_text() for p in (site.root / "community-archive").glob("*.jsonl")
    )
    assert "Priya" not in archive
    forgotten = (site.root / "community-archive" / "forgotten.ndjson").read_text()
    assert "Priya" not in forgotten
    assert forgotten.count('"source": "wordpress-export"') == 3
    # A changed export that still has her comments does not bring them back.
    export = site.root / "data" / "export.xml"
    export.write_text(
        export.read_text().replace("</channel>", "<!-- re-exported --></channel>")
    )
    site.build()
    assert "Priya" not in site.page("community/index.html")
    assert "Priya" not in site.page("community/community.json")
    assert "Priya" not in "".join(
        p.read_text() for p in (site.root / "community-archive").glob("*.jsonl")
    )


def test_forget_by_url_and_refusing_ambiguous_names(site):
    _scenario(site)
    site.build()
    by_url = run(site, "forget", "https://mastodon.example/@liker1")
    assert (
        by_url.returncode == 0 and "erased 2 interactions of Liker One" in by_url.stdout
    )
    nobody = run(site, "forget", "Nobody Here")
    assert (
        nobody.returncode == 1
        and "no one in the archive matches 'Nobody Here'" in nobody.stderr
    )
    site.write(
        "data/webmentions.json",
        jf2(
            [
                jf2_entry(
                    201,
                    "in-reply-to",
                    "https://blog.example/post-1/",
                    "Sam Same",
                    "https://sam-one.example/",
                    content="hi",
                ),
                jf2_entry(
                    202,
                    "in-reply-to",
                    "https://blog.example/post-2/",
                    "Sam Same",
                    "https://sam-two.example/",
                    content="yo",
                ),
            ]
        ),
    )
    site.build()
    twins = run(site, "forget", "Sam Same")
    assert twins.returncode == 1
    assert (
        "2 people match 'Sam Same'" in twins.stderr
        and "Give their URL or handle instead" in twins.stderr
    )
    one = run(site, "forget", "https://sam-two.example/")
    assert (
        one.returncode == 0
        and "erased 1 interaction of Sam Same (https://sam-two.example/)" in one.stdout
    )


def test_forgotten_stays_forgotten_whatever_writes_it_back(site):
    _scenario(site)
    site.build()
    archive = site.root / "community-archive"
    stale = {p: p.read_bytes() for p in archive.glob("*.jsonl")}
    result = run(site, "forget", "Priya Nair")
    assert result.returncode == 0, result.stderr
    # A writer that read the archive before the `forget` puts its copy back.
    for path, text in stale.items():
        path.write_bytes(text)
    site.build()
    assert "Priya" not in site.page("community/index.html")
    assert "Priya" not in site.page("community/community.json")
    assert "Priya" not in site.page("post-1/index.html")
    # ... and the build rewrote the archive without her.
    assert "Priya" not in "".join(p.read_text() for p in archive.glob("*.jsonl"))
    for command in (["report", "--json"], ["report"]):
        assert "Priya" not in run(site, *command).stdout


def test_a_source_no_longer_configured_warns_and_can_be_kept_or_erased(site, caplog):
    import logging

    _scenario(site)
    site.build()
    archive = site.root / "community-archive"
    [wm_name] = [
        p.stem for p in archive.glob("*.jsonl") if p.stem != "wordpress-export"
    ]
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    caplog.set_level(logging.WARNING)
    site.build()
    warnings = _plugin_warnings(caplog)
    assert warnings == [
        f"community: {archive / (wm_name + '.jsonl')}: source {wm_name!r} is not in "
        f"COMMUNITY_SOURCES; its archived interactions still count. Add "
        f"{wm_name!r} to COMMUNITY_KEEP_SOURCES to keep them as history, or erase "
        f"them with `pelican-community forget --source {wm_name}`"
    ]
    assert "Nell New" in site.page("community/community.json")  # still counts
    # Kept as history: no warning.
    site.settings["COMMUNITY_KEEP_SOURCES"] = [wm_name]
    caplog.clear()
    site.build()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Nell New" in site.page("community/community.json")
    # Erased: gone from the archive and the pages.
    del site.settings["COMMUNITY_KEEP_SOURCES"]
    refused = run(site, "forget", "--source", "wordpress-export")
    assert refused.returncode == 1 and "still in COMMUNITY_SOURCES" in refused.stderr
    result = run(site, "forget", "--source", wm_name)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"erased 5 interactions of source {wm_name}\n")
    assert not (archive / f"{wm_name}.jsonl").exists()
    caplog.clear()
    site.build()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Nell New" not in site.page("community/community.json")


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "pelican.plugins.community.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version_names_the_installed_release():
    from importlib import metadata

    result = _cli("--version")
    assert result.returncode == 0
    assert (
        result.stdout == f"pelican-community {metadata.version('pelican-community')}\n"
    )


def test_each_command_explains_itself_with_an_example():
    for command, example in (
        ("report", "pelican-community report -s pelicanconf.py --json"),
        ("check", "pelican-community check -s pelicanconf.py"),
        ("fetch", "pelican-community fetch -s pelicanconf.py"),
        ("forget", "pelican-community forget --dry-run"),
    ):
        result = _cli(command, "--help")
        assert result.returncode == 0, command
        description = result.stdout.split("\n\n")[1]
        assert len(description.split()) >= 15, (command, description)
        assert "example:\n  " + example in result.stdout, command


def _pasted(out: str, header: str) -> str:
    """The YAML block ``check`` prints after the line starting ``header``."""
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(header))
    block = [lines[start + 1]]
    for line in lines[start + 2 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return "\n".join(block) + "\n"


def _decisions_site(site):
    """A first run (no people file): the author's Twitter account, one
    reader split by two emails, a regular, a share-button account."""
    from builders import WxrComment as c
    from builders import WxrPost, wxr

    site.settings["AUTHOR"] = "Jane Author"
    for n in (1, 2, 3):
        site.article(f"post-{n}", f"Post number {n}", f"201{n}-01-01")
    target = "https://blog.example/post-{}/"
    site.write(
        "data/export.xml",
        wxr(
            [
                WxrPost(
                    n,
                    f"post-{n}",
                    f"Post number {n}",
                    [
                        c(
                            10 * n + 1,
                            "Lynn Mason",
                            f"201{n}-02-01 10:00:00",
                            email=f"lynn{min(n, 2)}@mail.example",
                            url="https://instagram.com/lynnm" if n == 1 else "",
                        ),
                        c(10 * n + 2, "Priya Nair", f"201{n}-02-02 10:00:00"),
                        c(
                            10 * n + 3,
                            "Priya Nair",
                            f"201{n}-02-03 10:00:00",
                            email="priya@mail.example",
                        ),
                    ],
                )
                for n in (1, 2, 3)
            ]
        ),
    )
    mentions = [
        jf2_entry(
            100 + n,
            "mention-of",
            target.format(n),
            "Rhy Moore",
            "https://twitter.com/morewry",
            content=f"I want Post number {n} {target.format(n)} via @someone #web",
        )
        for n in (1, 2, 3)
    ]
    mentions.append(
        jf2_entry(
            200,
            "in-reply-to",
            target.format(1),
            "Jane Author",
            "https://twitter.com/janeauthor",
            content="Thank you all for reading!",
        )
    )
    site.write("data/webmentions.json", jf2(mentions))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"},
        {"type": "webmention.io", "path": "data/webmentions.json"},
    ]


def test_every_check_snippet_works_when_pasted(site):
    """Paste what check proposes, build again: the author is no longer a
    stranger, one reader is one person, the share account is hidden, the
    regular is a friend; and check has nothing more to say about them."""
    _decisions_site(site)
    before = json.loads(run(site, "report", "--json").stdout)
    names = sorted(p["name"] for p in before["people"])
    # The author's Twitter account is listed nowhere until the author says.
    assert names == ["Lynn Mason", "Lynn Mason", "Priya Nair", "Rhy Moore"]
    out = run(site, "check").stdout
    assert "These accounts carry your name (Jane Author)" in out
    assert '  - {url: "https://twitter.com/morewry"}  # Rhy Moore (drive-by): ' in out
    pasted = "".join(
        _pasted(out, header)
        for header in (
            "If they are you",
            "These accounts only ever passed your links on",
            "Regulars you have not pinned",
            "These look like one person each",
        )
    )
    site.write("community.yaml", pasted)
    after = json.loads(run(site, "report", "--json").stdout)
    roles = sorted((p["name"], p["role"]) for p in after["people"])
    assert roles == [("Lynn Mason", "regular"), ("Priya Nair", "friend")]
    lynn = next(p for p in after["people"] if p["name"] == "Lynn Mason")
    assert lynn["counts"]["comment"] == 3
    again = run(site, "check").stdout
    assert "carry your name" not in again and "look like one person" not in again
    assert "only ever passed your links on" not in again


def test_check_warns_of_people_file_entries_that_do_nothing(site):
    _decisions_site(site)
    site.write(
        "community.yaml",
        "people:\n  - name: Priya Nair\n    aliases: [priya nair, P. Nair Typo]\n",
    )
    out = run(site, "check").stdout
    assert (
        "warning: line 2: the alias 'priya nair' of 'Priya Nair' is already "
        "its name or alias: remove it"
    ) in out
    assert (
        "warning: line 2: no one ever signed as 'P. Nair Typo' (alias of "
        "'Priya Nair'): it merges nothing; check the spelling"
    ) in out


def test_someone_using_the_authors_name_is_not_the_author(site):
    """A commenter named like the author with another site gets no author
    styling, is not in the community, and hide and forget reach them; the
    author's own reply (from her site) stays hers."""
    from builders import WxrComment as c
    from builders import WxrPost, wxr

    site.settings["AUTHOR"] = "Maren"
    site.article("post-1", "Post one", "2020-01-01")
    site.write(
        "data/export.xml",
        wxr(
            [
                WxrPost(
                    1,
                    "post-1",
                    "Post one",
                    [
                        c(11 + n, "Maren", f"2020-02-0{n + 1} 10:00:00", **said)
                        for n, said in enumerate(
                            (
                                {
                                    "url": "https://evil.example/",
                                    "content": "Send your password to me.",
                                },
                                {
                                    "url": "https://blog.example/",
                                    "content": "The real me.",
                                },
                                {"content": "Also me."},
                            )
                        )
                    ],
                )
            ]
        ),
    )
    site.settings.update(
        COMMUNITY_SOURCES=[{"type": "wordpress", "path": "data/export.xml"}],
        COMMUNITY_JSON_SAVE_AS="community.json",
        COMMUNITY_THANKS_IN_CONTENT=True,
    )
    site.build()
    page = site.page("post-1/index.html")
    styled = page.split("community-by-author")
    # Only the reply from her site is styled as hers: the name-only one is
    # hers for the desk, but anyone can type a name (issue 25).
    assert len(styled) == 2 and "The real me." in styled[1].split("</li>")[0]
    assert all(
        "Send your password" not in part.split("</li>")[0] for part in styled[1:]
    )
    assert "Send your password" in page
    assert json.loads(site.page("community.json"))["people"] == []
    site.write("community.yaml", "hide:\n  - domain: evil.example\n")
    site.build()
    assert "Send your password" not in site.page("post-1/index.html")
    assert "The real me." in site.page("post-1/index.html")
    erased = run(site, "forget", "https://evil.example/")
    assert erased.returncode == 0 and "erased 1 interaction" in erased.stdout
    assert run(site, "forget", "https://blog.example/").returncode == 1


def test_check_into_a_pipe_closed_early_ends_quietly(site):
    """`pelican-community check | head -1`: the reader goes away before the
    command has written; it ends without a BrokenPipeError traceback."""
    site.article("post-1", "First light", "2013-01-01")
    site.conf()
    command = [sys.executable, "-m", "pelican.plugins.community.cli", "check"]
    command += ["-s", str(site.root / "pelicanconf.py")]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=site.root
    ) as reader:
        assert reader.stdout is not None and reader.stderr is not None
        reader.stdout.close()  # gone before the first line: every write fails
        err = reader.stderr.read()
        assert reader.wait(timeout=60) == 0, err.decode()
    assert b"Traceback" not in err, err.decode()
    assert b"BrokenPipe" not in err, err.decode()


def test_counts_read_in_the_singular_for_one_and_the_plural_otherwise(site):
    _scenario(site)  # two sources
    two = run(site, "check")
    assert two.returncode == 0, two.stderr
    assert "settings: ok (2 sources)" in two.stdout
    assert "(s)" not in two.stdout
    site.settings["COMMUNITY_SOURCES"] = site.settings["COMMUNITY_SOURCES"][:1]
    one = run(site, "check")
    assert "settings: ok (1 source)" in one.stdout
    summary = run(site, "report").stdout.splitlines()[-1]
    assert summary == (
        "4 people: 1 friend, 1 regular, 1 returning, 1 one-off, 0 drive-bys; "
        "0 unmatched"
    )


def test_a_mistyped_setting_names_the_setting_it_resembles(site):
    _scenario(site)
    site.settings["COMMUNITY_SOURCE"] = site.settings.pop("COMMUNITY_SOURCES")
    result = run(site, "check")
    assert result.returncode != 0
    assert (
        "COMMUNITY_SOURCE: unknown setting; did you mean COMMUNITY_SOURCES?"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    site.settings["COMMUNTY_SOURCES"] = site.settings.pop("COMMUNITY_SOURCE")
    result = run(site, "check")
    assert result.returncode == 0, result.stderr
    assert (
        "community: COMMUNTY_SOURCES is not a setting of the plugin; "
        "did you mean COMMUNITY_SOURCES?" in result.stderr
    )


def test_a_mistyped_command_names_the_command_it_resembles(site):
    result = run(site, "reprot")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "pelican-community: error: unknown command 'reprot'; did you mean 'report'?"
    )


def test_a_theme_folder_that_is_not_there_is_one_line_naming_theme(site):
    _scenario(site)
    site.settings["THEME"] = str(site.root / "no-such-theme")
    for command in ("report", "check", "desk"):
        result = run(site, command)
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr == (
            f"pelican-community: error: THEME: no theme folder "
            f"'{site.root / 'no-such-theme'}' (set in {site.root / 'pelicanconf.py'}): "
            "point THEME at the folder holding the theme's templates/, or remove "
            "it for Pelican's default theme\n"
        ), command
