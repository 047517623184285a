"""Errors that stop a build with one clear message naming the culprit."""

from __future__ import annotations


class CommunityError(Exception):
    """Bad local input: a setting, the people file or a source file.

    The message names the setting, file (and line) and what is wrong; Pelican
    prints it as one line and exits non-zero.
    """

    exitcode = 2


class SettingsError(CommunityError):
    """A ``COMMUNITY_*`` setting is unknown, of the wrong type or value."""


class PeopleFileError(CommunityError):
    """The YAML people file cannot be read or does not fit the schema."""


class SourceError(CommunityError):
    """A local source file is unreadable or not of the declared format."""
