"""The archive only grows, is deterministic, atomic and free of private data."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil

import pytest
from pelican.plugins.community.archive.local import ingest_local_sources
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.model import Interaction, SourceResult
from pelican.plugins.community.sources import SourceSpec


def rec(i: int, **kw) -> Interaction:
    return Interaction(
        source="s",
        id=str(i),
        kind="comment",
        published=f"2020-01-{i:02d}T00:00:00+00:00",
        author_name=f"Reader {i}",
        **kw,
    )


def test_a_smaller_read_never_removes_what_was_archived(tmp_path):
    archive = Archive(tmp_path)
    archive.merge("s", SourceResult(tuple(rec(i) for i in range(1, 11))))
    # A feed that now shows only its last three comments.
    stats = archive.merge("s", SourceResult(tuple(rec(i) for i in range(8, 12))))
    assert (stats.added, stats.updated, stats.removed) == (1, 0, 0)
    assert sorted(archive.load_source("s"), key=int) == [str(i) for i in range(1, 12)]


def test_only_ids_the_source_reports_gone_are_removed(tmp_path):
    archive = Archive(tmp_path)
    archive.merge("s", SourceResult(tuple(rec(i) for i in range(1, 4))))
    stats = archive.merge("s", SourceResult((), removed=frozenset({"2", "99"})))
    assert stats.removed == 1
    assert sorted(archive.load_source("s")) == ["1", "3"]


def test_archive_file_is_sorted_oldest_first_one_line_each(tmp_path):
    archive = Archive(tmp_path)
    archive.merge("s", SourceResult((rec(3), rec(1), rec(2))))
    lines = (tmp_path / "s.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["1", "2", "3"]
    assert lines[0] == json.dumps(
        json.loads(lines[0]), ensure_ascii=False, sort_keys=True
    )


def test_a_writer_killed_mid_write_leaves_the_previous_archive(tmp_path, monkeypatch):
    archive = Archive(tmp_path)
    archive.merge("s", SourceResult((rec(1),)))
    before = (tmp_path / "s.jsonl").read_bytes()

    def killed(*_args):
        raise KeyboardInterrupt  # the process dies between write and rename

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        archive.merge("s", SourceResult((rec(2),)))
    monkeypatch.undo()
    assert (tmp_path / "s.jsonl").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.jsonl"]  # no temp file left


def test_a_corrupt_archive_line_is_named(tmp_path):
    (tmp_path / "s.jsonl").write_text(
        '{"id": "1", "kind": "comment", "source": "s"}\n{oops\n'
    )
    with pytest.raises(Exception, match=r"s.jsonl:2: not a valid archive line"):
        Archive(tmp_path).load()


@pytest.mark.parametrize("name", ["wpi_theme-unit-test-data.xml", "isso_wordpress.xml"])
def test_wxr_import_keeps_no_email_ip_or_email_hash(tmp_path, real_world, name):
    export = tmp_path / "wp.xml"
    shutil.copy(real_world / name, export)
    archive = Archive(tmp_path / "archive")
    ingest_local_sources(archive, (SourceSpec("wordpress", "wp", export),))
    text = "".join(p.read_text() for p in (tmp_path / "archive").iterdir())
    assert '"kind": "comment"' in text
    raw = export.read_text()
    emails = set(re.findall(r"<wp:comment_author_email>(?:<!\[CDATA\[)?([^<\]]+)", raw))
    ips = set(re.findall(r"<wp:comment_author_IP>(?:<!\[CDATA\[)?([^<\]]+)", raw))
    assert emails
    for secret in {s.strip() for s in emails | ips} - {""}:
        assert secret not in text, secret
    assert "gravatar.com/avatar" not in text and not re.search(
        r"\b[0-9a-f]{32}\b", text
    )


def test_an_unchanged_export_is_not_read_again(tmp_path, real_world, caplog):
    export = tmp_path / "wp.xml"
    shutil.copy(real_world / "isso_wordpress.xml", export)
    archive = Archive(tmp_path / "archive")
    spec = (SourceSpec("wordpress", "wp", export),)
    caplog.set_level(logging.INFO)

    def reads() -> list[str]:
        said = [
            r.getMessage()
            for r in caplog.records
            if re.search(r"\binteractions? from", r.getMessage())
        ]
        caplog.clear()
        return said

    ingest_local_sources(archive, spec)
    first = reads()
    ingest_local_sources(archive, spec)
    assert reads() == []  # unchanged: not read again
    export.write_text(
        export.read_text().replace("</channel>", "<!-- edited --></channel>")
    )
    ingest_local_sources(archive, spec)
    third = reads()
    assert len(first) == 1 and "(0 new" not in first[0]
    assert len(third) == 1 and "(0 new, 0 updated, 0 removed)" in third[0]


def test_addresses_typed_into_a_comment_never_reach_the_archive(tmp_path):
    archive = Archive(tmp_path)
    archive.merge(
        "s",
        SourceResult(
            (
                rec(
                    1,
                    content="mail me: ann@mail.example, I'm at 198.51.100.7; @ann@social.example",
                ),
            )
        ),
    )
    text = (tmp_path / "s.jsonl").read_text()
    assert "ann@mail.example" not in text and "198.51.100.7" not in text
    assert "[email hidden]" in text and "@ann@social.example" in text


MERGER = """
import sys
from pathlib import Path
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.model import Interaction, SourceResult

archive = Archive(Path(sys.argv[1]))
for n in range(1, 100_000):
    item = Interaction(source="s", id=str(n), kind="comment", author_name=f"Reader {n}",
                       content="words " * 200, published=f"2020-01-01T00:00:{n % 60:02d}+00:00")
    archive.merge("s", SourceResult((item,)))
    print(n, flush=True)
"""


@pytest.mark.parametrize("merges_before_kill", [1, 7, 40])
def test_a_process_killed_at_any_point_loses_no_completed_merge(
    tmp_path, merges_before_kill
):
    import signal
    import subprocess
    import sys

    with subprocess.Popen(
        [sys.executable, "-c", MERGER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    ) as child:
        done = 0
        while done < merges_before_kill:
            done = int(child.stdout.readline())
        os.kill(
            child.pid, signal.SIGKILL
        )  # somewhere inside the next merge, or between two
        child.wait()
    items = Archive(tmp_path).load_source("s")  # readable: no half-written line
    assert {str(n) for n in range(1, done + 1)} <= set(items)
    assert all(item.author_name == f"Reader {item.id}" for item in items.values())


def test_reading_an_export_says_what_it_left_out(tmp_path, real_world, caplog):
    """Pending comments, pingbacks and trackbacks are not archived: the log
    line of the read says how many of each, so the author can tell why."""
    caplog.set_level(logging.INFO)
    archive = Archive(tmp_path / "archive")
    export = real_world / "wpi_theme-unit-test-data.xml"
    ingest_local_sources(archive, (SourceSpec("wordpress", "wp", export),))
    [line] = [r.getMessage() for r in caplog.records if "from " in r.getMessage()]
    assert line.endswith("; left out: 3 pending, 2 pingback, 2 trackback")
