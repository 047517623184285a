"""The people file: schema, and errors that name the file and line."""

from __future__ import annotations

import pytest
from pelican.plugins.community.errors import PeopleFileError
from pelican.plugins.community.people.people_file import load_people_file

GOOD = """\
me:
  names: [Jane Author, Jane]
  urls: [https://jane.example]
  handles: ["@jane@writing.exchange"]
friends:
  - name: Karen Bell
    aliases: [Karen, K. Bell]
    urls: [https://karenbellwrites.example]
    handles: ["@karen@mastodon.social", "karen.bsky.social"]
    note: Critique partner since 2011
people:
  - name: Priya Nair
    aliases: [Priya N.]
hide:
  - name: Some Name
  - url: https://spam.example/
  - domain: buy-followers.example
  - handle: "@bot@spam.social"
"""


def test_the_documented_example_loads(tmp_path):
    path = tmp_path / "community.yaml"
    path.write_text(GOOD)
    people = load_people_file(path)
    assert people.me.names == ("Jane Author", "Jane")
    (karen,) = people.friends
    assert karen.pinned and karen.note == "Critique partner since 2011"
    assert karen.identity_keys() == {
        "url:karenbellwrites.example",
        "acct:karen@mastodon.social",
        "bsky:karen.bsky.social",
    }
    assert not people.people[0].pinned
    assert [(r.field, r.value) for r in people.hide] == [
        ("name", "Some Name"),
        ("url", "https://spam.example/"),
        ("domain", "buy-followers.example"),
        ("handle", "@bot@spam.social"),
    ]


def test_missing_or_empty_file_is_an_empty_community(tmp_path):
    assert load_people_file(tmp_path / "none.yaml").entries == ()
    (tmp_path / "empty.yaml").write_text("# nothing yet\n")
    assert load_people_file(tmp_path / "empty.yaml").entries == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "friends:\n  - name: A\n    alias: [B]\n",
            r"community.yaml:3: unknown key 'alias' in friends\[0\]",
        ),
        (
            "friends:\n  - aliases: [B]\n",
            r"community.yaml:2: friends\[0\] needs a 'name'",
        ),
        (
            "friends:\n  - name: [A]\n",
            r"community.yaml:2: friends\[0\].name must be text",
        ),
        ("friends: Karen\n", r"community.yaml:1: friends must be a list of people"),
        (
            "hide:\n  - name: A\n    url: https://a.example\n",
            r"community.yaml:2: hide\[0\] needs exactly one of",
        ),
        (
            "hide:\n  - url: javascript:alert(1)\n",
            r"community.yaml:2: 'javascript:alert\(1\)' in hide\[0\] is not an http\(s\) URL",
        ),
        (
            "people:\n  - name: A\n    handles: [nobody]\n",
            r"community.yaml:3: 'nobody' in people\[0\].handles is not a handle",
        ),
        (
            "friends:\n  - name: A\n  - name: B\n    aliases: [a]\n",
            r"community.yaml:3: the name 'a' is already used by the entry on line 2",
        ),
        (
            "friends:\n  - name: A\n   bad indent: [\n",
            r"community.yaml:3: not valid YAML",
        ),
        (
            "stranger: 1\n",
            r"community.yaml:1: unknown key 'stranger' in the people file",
        ),
    ],
)
def test_errors_name_file_line_and_problem(tmp_path, text, message):
    path = tmp_path / "community.yaml"
    path.write_text(text)
    with pytest.raises(PeopleFileError, match=message):
        load_people_file(path)
