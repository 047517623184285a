"""People's ids (their anchors on the community page, their JSON ids) read in
every script and stay put as others arrive; Latin ids are as they were."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from builders import WxrComment, WxrPost, wxr

SAMPLE = Path(__file__).resolve().parent.parent / "sample-site"

NON_LATIN = {
    "Иван Петров": "ivan-petrov",
    "张伟": "zhang-wei",
    "محمد علي": "mhmd-ly",
    "Νίκος Παπαδόπουλος": "nikos-papadopoulos",
}


def _build(site, names: list[str]) -> tuple[dict, str]:
    """The site with one comment per name (in that order of dates): its JSON
    report and community page."""
    comments = [
        WxrComment(id=n, author=name, date=f"2013-03-{n + 10:02d} 15:00:00")
        for n, name in enumerate(names, start=1)
    ]
    site.write("data/export.xml", wxr([WxrPost(1, "first-post", "First", comments)]))
    if not (site.content / "first-post.md").exists():
        site.article("first-post", "First", "2013-03-01")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.settings["COMMUNITY_JSON_SAVE_AS"] = "community/community.json"
    site.build()
    report = json.loads(site.page("community/community.json"))
    return {p["name"]: p["id"] for p in report["people"]}, site.page(
        "community/index.html"
    )


def test_names_in_other_scripts_get_readable_ids_and_anchors(site) -> None:
    ids, page = _build(site, list(NON_LATIN))
    assert ids == NON_LATIN
    for person_id in NON_LATIN.values():
        assert f'id="person-{person_id}"' in page


def test_ids_do_not_shift_when_someone_arrives_earlier(site) -> None:
    before, _ = _build(site, ["Иван Петров", "张伟"])
    # Someone whose comment is older than everyone's, in yet another script.
    after, _ = _build(site, ["Ольга Смирнова", "Иван Петров", "张伟"])
    assert after == {**before, "Ольга Смирнова": "olga-smirnova"}


def test_two_people_of_one_transliteration_are_told_apart_the_same_way(site) -> None:
    # Two different people (no shared address) whose names read alike.
    names = ["Иван Петров", "Ivan Petrov"]
    first, _ = _build(site, names)
    assert sorted(first.values()) == ["ivan-petrov", "ivan-petrov-2"]
    again, _ = _build(site, names)
    assert again == first


def test_latin_ids_are_as_earlier_versions_made_them(site) -> None:
    # Letters NFKD does not take apart (ø, Æ, Ł) keep the ids that links
    # out there already point at.
    ids, _ = _build(site, ["Zoë O'Brien", "Søren Ærø", "Łukasz Nowak", "José"])
    assert ids == {
        "Zoë O'Brien": "zoe-obrien",
        "Søren Ærø": "sren-r",
        "Łukasz Nowak": "ukasz-nowak",
        "José": "jose",
    }


def test_the_sample_sites_ids_are_unchanged(tmp_path) -> None:
    skip = shutil.ignore_patterns("output", "cache")
    shutil.copytree(SAMPLE, tmp_path / "sample-site", ignore=skip)
    shutil.copytree(SAMPLE.parent / "theme", tmp_path / "theme")
    command = ["report", "--json", "-s", "pelicanconf.py"]
    report = subprocess.run(
        [sys.executable, "-m", "pelican.plugins.community.cli", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path / "sample-site",
        timeout=120,
    )
    assert report.returncode == 0, report.stderr
    ids = [person["id"] for person in json.loads(report.stdout)["people"]]
    assert ids == SAMPLE_IDS


#: The sample site's ids, in the report's order, as version 0.1.0 made them.
SAMPLE_IDS = [
    "ruth-okafor", "hattie-blackwood", "tom-wierzbicki", "jonah-pryce",
    "dolores-obrien", "annika-strand", "felix-marchetti", "grace-lindqvist",
    "kit-marlowe-reyes", "sunniva-hale", "lars-holm", "owen-tremlett",
    "esme-whitlock", "beatrix-coombe", "clementine-ashby", "femi-okafor",
    "idris-morgan", "morwenna-trease", "nadia-ferreira", "perpetua-lowe",
    "pol-serrano", "priscilla-hartnell", "signe-rask", "tobias-fenn",
    "yusuf-karaca", "ines-carvalho", "lena-vogt", "malik-osei",
    "wren-addison", "agathe-morel", "hollis-gray", "marginalia",
    "okapi-reads", "rhiannon-pugh", "birgit-sand", "bram-oosterhuis",
    "fern-moss", "gull-song", "ida-kowalczyk", "nightjar-reads",
    "sol-ibarra", "teodora-vasic",
]  # fmt: skip
