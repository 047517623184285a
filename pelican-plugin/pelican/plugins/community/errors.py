"""Errors that stop a build with one clear message naming the culprit."""

from __future__ import annotations

__all__ = [
    "CommunityError",
    "PeopleFileError",
    "SettingsError",
    "SourceError",
    "StorageError",
]


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


class StorageError(CommunityError, OSError):
    """A file of the plugin's could not be written: a full disk, a folder
    without write permission, a read-only file system. Nothing was lost
    (the previous file is intact); the build stops with one line naming
    the file.

    It is an :class:`OSError` too, so code that treats storage trouble as a
    miss (the caches) goes on doing so."""

    @classmethod
    def about(cls, path: object, exc: OSError) -> StorageError:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return cls(
            exc.errno or 0,
            f"{path}: cannot be written ({reason}); nothing was lost, the "
            "previous version is intact",
        )

    def __str__(self) -> str:
        return str(self.strerror)
