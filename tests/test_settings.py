"""Every declared setting: its default as the reference shows it, and its checks."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from pelican.plugins.community.errors import SettingsError
from pelican.plugins.community.settings import (
    DECLARED,
    SETTINGS,
    CommunitySettings,
    apply_defaults,
    load_settings,
)

_EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "community_reference.py"
_spec = importlib.util.spec_from_file_location("community_reference_t", _EXT)
assert _spec and _spec.loader
reference = importlib.util.module_from_spec(_spec)
sys.modules["community_reference_t"] = reference
_spec.loader.exec_module(reference)

#: a value of the wrong type for each kind a setting can have
_WRONG = {bool: "yes", str: 5, int: "3", list: "a, b", float: "soon"}


def _load(tmp_path: Path, **settings: object) -> CommunitySettings:
    return load_settings(settings, root=tmp_path)


def _reference_rows() -> dict[str, list[str]]:
    rows = {}
    for line in reference.settings_markdown().splitlines():
        match = re.match(r"^\| `([A-Z0-9_]+)` \| (.*) \|$", line)
        if match:
            rows[match[1]] = [cell.strip() for cell in match[2].split(" | ")]
    return rows


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_a_wrong_type_is_refused_naming_the_setting(tmp_path, setting):
    wrong = _WRONG[setting.kind]
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, **{setting.name: wrong})
    message = str(caught.value)
    assert message.startswith(f"{setting.name}: must be "), message
    assert repr(wrong) in message, message


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_the_default_is_what_the_reference_shows(tmp_path, setting):
    row = _reference_rows()[setting.name]
    assert row[0] == f"`{setting.default!r}`".replace("|", "\\|")
    assert row[1] == f"`{setting.kind.__name__}`"
    assert setting.doc and row[2] == setting.doc.replace("|", "\\|")
    # The setting left out, its field holds that default.
    if setting.field:
        got = getattr(_load(tmp_path), setting.field)
        assert got == setting.default_value
        # Given that default explicitly, nothing changes.
        given = _load(tmp_path, **{setting.name: setting.default})
        assert getattr(given, setting.field) == got


def test_the_reference_lists_every_declared_setting_once():
    rows = _reference_rows()
    assert list(rows) == [s.name for s in SETTINGS]
    # Each field of the settings object is filled by one declaration at most.
    fields = [s.field for s in SETTINGS if s.field]
    assert len(fields) == len(set(fields))
    assert set(fields) <= set(CommunitySettings.__dataclass_fields__)


def test_some_defaults_as_users_read_them(tmp_path):
    """Pinned here so that a changed default is a decision, not an accident."""
    cs = _load(tmp_path)
    assert cs.max_depth == 6
    assert cs.regular_min_posts == 3
    assert (cs.desk_waiting_months, cs.desk_quiet_months) == (12, 6)
    assert cs.css_url == cs.css_save_as == "community/community.css"
    assert cs.fetch_schedule == ((7, 0.0), (60, 6.0), (365, 24.0), (None, 168.0))
    assert cs.fetch_budget == 15.0 and cs.concentration is True


@pytest.mark.parametrize(
    "setting", [s for s in SETTINGS if s.minimum is not None], ids=lambda s: s.name
)
def test_a_number_below_its_minimum_is_refused(tmp_path, setting):
    low = setting.minimum - 1
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, **{setting.name: low})
    assert (
        str(caught.value)
        == f"{setting.name}: must be {setting.minimum} or more, not {low}"
    )
    assert getattr(
        _load(tmp_path, **{setting.name: setting.minimum}), setting.field
    ) == (setting.minimum)


@pytest.mark.parametrize(
    "setting", [s for s in SETTINGS if s.inside_output], ids=lambda s: s.name
)
@pytest.mark.parametrize("path", ["/etc/x.html", "../x.html", "a/../../x"])
def test_a_path_outside_the_output_is_refused(tmp_path, setting, path):
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, **{setting.name: path})
    assert str(caught.value) == (
        f"{setting.name}: must be a path inside the output folder, not {path!r}"
    )


def test_whole_numbers_and_seconds(tmp_path):
    with pytest.raises(
        SettingsError, match=r"^COMMUNITY_MAX_DEPTH: must be a whole number, not True$"
    ):
        _load(tmp_path, COMMUNITY_MAX_DEPTH=True)
    assert _load(tmp_path, COMMUNITY_FETCH_BUDGET=None).fetch_budget is None
    assert _load(tmp_path, COMMUNITY_FETCH_BUDGET=3).fetch_budget == 3.0
    for bad in (-1, float("inf"), True):
        with pytest.raises(
            SettingsError, match=r"^COMMUNITY_FETCH_BUDGET: must be a number of seconds"
        ):
            _load(tmp_path, COMMUNITY_FETCH_BUDGET=bad)
    with pytest.raises(
        SettingsError, match=r"^COMMUNITY_URL: must be a str, not NoneType None$"
    ):
        _load(tmp_path, COMMUNITY_URL=None)


def test_a_tuple_is_taken_for_a_list(tmp_path):
    cs = _load(
        tmp_path, COMMUNITY_KEEP_SOURCES=("old",), COMMUNITY_FETCH_SCHEDULE=((None, 1),)
    )
    assert cs.keep_sources == ("old",) and cs.fetch_schedule == ((None, 1.0),)


def test_an_unknown_setting_is_named_with_the_closest_known_one(tmp_path):
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, COMMUNITY_MAX_DEPHT=3)
    assert (
        str(caught.value)
        == "COMMUNITY_MAX_DEPHT: unknown setting; did you mean COMMUNITY_MAX_DEPTH?"
    )


def test_apply_defaults_gives_each_site_its_own_lists():
    first: dict[str, object] = {}
    second: dict[str, object] = {}
    apply_defaults(first)
    apply_defaults(second)
    assert set(first) == set(DECLARED)
    first["COMMUNITY_FETCH_SCHEDULE"][0][1] = 99  # type: ignore[index]
    assert second["COMMUNITY_FETCH_SCHEDULE"][0] == [7, 0]  # type: ignore[index]
    assert DECLARED["COMMUNITY_FETCH_SCHEDULE"].default[0] == [7, 0]
