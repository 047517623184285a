"""Untrusted text stays untrusted on the built pages: escaped, sanitized, only
http(s) links, no email or IP."""

from __future__ import annotations

import json

from builders import WxrComment, WxrPost, jf2, jf2_entry, wxr
from html_checks import executable_markup

NASTY_NAME = '<script>alert("name")</script>Mallory'
NASTY_CONTENT = (
    '<p onclick="steal()">Hi <a href="javascript:alert(1)">click</a> '
    '<a href=" JaVa\tScRiPt:alert(2)">tab</a> <a href="//evil.example/x">proto</a> '
    "<img src=x onerror=alert(3)> <svg><script>alert(4)</script></svg>"
    '<a href="https://fine.example/">fine</a> write me at mallory@mail.example from 203.0.113.9</p>'
)


def _export_with(site, comment: WxrComment) -> None:
    """A WordPress export of the site's one post, with ``comment`` on it."""
    site.write("data/export.xml", wxr([WxrPost(1, "post-1", "One", [comment])]))


def test_hostile_comment_cannot_reach_the_page(site):
    site.article("post-1", "One", "2020-01-01")
    _export_with(
        site,
        WxrComment(
            1,
            NASTY_NAME,
            "2020-01-02 10:00:00",
            content=NASTY_CONTENT,
            email="mallory@mail.example",
            url="javascript:alert(5)",
        ),
    )
    site.write(
        "data/wm.json",
        jf2(
            [
                jf2_entry(
                    1,
                    "in-reply-to",
                    "https://blog.example/post-1/",
                    '"><img src=x onerror=alert(6)>',
                    "data:text/html,<script>alert(7)</script>",
                    content="<b>bold</b>",
                ),
            ]
        ),
    )
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"},
        {"type": "webmention.io", "path": "data/wm.json"},
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.build()
    for page in ("post-1/index.html", "community/index.html"):
        html = site.page(page)
        assert executable_markup(html) == [], page
        assert "evil.example" not in html
        assert "mallory@mail.example" not in html and "203.0.113.9" not in html
    report = site.page("community.json")
    assert (
        "mail.example" not in report
        and "javascript:" not in report
        and "data:" not in report
    )
    article = site.page("post-1/index.html")
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;Mallory" in article
    assert (
        '<a href="https://fine.example/" rel="nofollow ugc noopener">fine</a>'
        in article
    )
    assert "[email hidden]" in article and "[address hidden]" in article
    assert "<b>bold</b>" in article


def test_published_json_never_holds_a_raw_script_tag(site):
    """A theme may inline the report in a <script> block: a name that closes
    it must stay inside the JSON string, in the file and in `report --json`."""
    from test_cli import run

    name = "</script><script>alert(1)</script> & <!--"
    site.article("post-1", "One", "2020-01-01")
    _export_with(site, WxrComment(1, name, "2020-01-02 10:00:00"))
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community.json"
    site.build()
    published = site.page("community.json")
    printed = run(site, "report", "--json")
    assert printed.returncode == 0, printed.stderr
    for text in (published, printed.stdout):
        assert not {"<", ">", "&"} & set(text)
        assert "\\u003c/script\\u003e\\u003cscript\\u003e" in text
        assert json.loads(text)["people"][0]["name"] == name


def test_a_comment_written_in_rich_markup_stays_readable(site):
    """Headings become bold paragraphs (not headings in the page's outline),
    tables and definition lists stay, other blocks keep their words apart;
    nothing executable survives the rewriting."""
    site.article("post-1", "One", "2020-01-01")
    markup = (
        "<h1 onclick=steal()>Title</h1><div>First block</div><div>second block</div>"
        "<table><tr><td style='x'>cell</td></tr></table><dl><dt>Term</dt><dd>Meaning</dd></dl>"
        "<h2><script>alert(1)</script>Sub</h2><section>Last</section>"
    )
    _export_with(
        site, WxrComment(1, "Rich Text", "2020-01-02 10:00:00", content=markup)
    )
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_THANKS_IN_CONTENT"] = True
    site.build()
    page = site.page("post-1/index.html")
    assert "<p><strong>Title</strong></p>" in page
    assert "<h1 onclick" not in page and "<h2><script" not in page
    assert "First block\n\nsecond block" in page or "First block\nsecond block" in page
    assert "<td>cell</td>" in page and "<dt>Term</dt><dd>Meaning</dd>" in page
    assert "TitleFirst" not in page and "blocksecond" not in page
    assert executable_markup(page) == []
